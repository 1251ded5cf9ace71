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
  /** hkubectl's own fields, ignored by players: which session this is. */
  hk?: { v: 1; session: string };
}

export type EventCode = 'o' | 'i' | 'r' | 'm';
export type AsciicastEvent = [number, EventCode, string];

export function eventLine(seconds: number, code: EventCode, data: string): string {
  // Six decimals: microseconds, as asciinema writes them.
  return `[${seconds.toFixed(6)}, ${JSON.stringify(code)}, ${JSON.stringify(data)}]\n`;
}

export function headerLine(header: AsciicastHeader): string {
  return `${JSON.stringify(header)}\n`;
}
