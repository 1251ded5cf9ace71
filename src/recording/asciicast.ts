// asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then one
// JSON array per line: [seconds since start, code, data]. Codes: o output, i input, r resize
// ("COLSxROWS"), m marker (a label).

export const ASCIICAST_VERSION = 2;

export interface AsciicastHeader {
  version: 2;
  width: number;
  height: number;
  timestamp?: number;
  duration?: number;
  idle_time_limit?: number;
  command?: string;
  title?: string;
  env?: Record<string, string>;
  /** hkubectl's own fields, ignored by players. */
  hk?: HkHeader;
}

/**
 * Which session this is, and what kubectl's output went through. `stdout: 'pipe'`: kubectl wrote
 * to pipes, and every line feed of its output is recorded as CR LF, as a terminal's `onlcr` would
 * show it, so that any player draws lines rather than a staircase; the agent received the same
 * bytes with each of those CR LF as a bare LF (see cast-display.ts). `stdout: 'pty'`: a
 * pseudo-terminal did that translation itself. Recordings made before the field existed have
 * neither and hold a pipe's bare line feeds as they came.
 */
export type HkHeader = { v: 1; session: string; stdout?: StdoutKind };
export type StdoutKind = 'pipe' | 'pty';

export type EventCode = 'o' | 'i' | 'r' | 'm';
export type AsciicastEvent = [number, EventCode, string];

export function eventLine(seconds: number, code: EventCode, data: string): string {
  // Six decimals: microseconds, as asciinema writes them.
  return `[${seconds.toFixed(6)}, ${JSON.stringify(code)}, ${JSON.stringify(data)}]\n`;
}

export function headerLine(header: AsciicastHeader): string {
  return `${JSON.stringify(header)}\n`;
}
