// A recording's output as a terminal shows it, and as the agent received it. A terminal turns
// each LF a program writes into CR LF (termios `onlcr`); kubectl on pipes writes bare LFs, which a
// player that draws them as they are shows as a staircase. Recordings of pipe sessions are
// therefore written with CR LF (header `hk.stdout: "pipe"`); the agent's bytes are recovered by
// turning each CR LF back into LF, which is exact because onlcr put a CR before every LF.
// Recordings made before that header field existed hold the bare LFs: readers translate them the
// same way before drawing them, when the signed manifest (or, lacking one, the output itself)
// says they came from pipes.
import type { AsciicastEvent, AsciicastHeader } from './asciicast.ts';

/** termios `onlcr`: every LF is sent as CR LF. */
export function onlcr(text: string): string {
  return text.replace(/\n/g, '\r\n');
}

/** The inverse of onlcr on text it produced. */
export function undoOnlcr(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** What a player must do to a recording's output events to draw them as a terminal would. */
export type DisplayTranslation = 'none' | 'onlcr';

/**
 * `terminal` is the manifest's word on whether kubectl ran in a pseudo-terminal (null when there
 * is no manifest to ask); `events` decide only when neither header nor manifest can: output
 * with a LF that no CR precedes cannot have come from a terminal that translates.
 */
export function displayTranslation(header: AsciicastHeader, terminal: boolean | null, events?: Iterable<AsciicastEvent>): DisplayTranslation {
  if (header.hk?.stdout !== undefined) return 'none';
  if (terminal !== null) return terminal ? 'none' : 'onlcr';
  for (const [, code, data] of events ?? []) if (code === 'o' && /(^|[^\r])\n/.test(data)) return 'onlcr';
  return 'none';
}

/** For the eye only: a LF that already has its CR is left alone (a terminal shows both alike). */
export function displayEvents(events: AsciicastEvent[], translation: DisplayTranslation): AsciicastEvent[] {
  if (translation === 'none') return events;
  return events.map((event) => (event[1] === 'o' ? [event[0], 'o', event[2].replace(/(?<!\r)\n/g, '\r\n')] : event));
}

/** The output bytes the agent received (stdout and stderr as they interleaved), as text. */
export function agentOutput(header: AsciicastHeader, events: Iterable<AsciicastEvent>): string {
  let text = '';
  for (const [, code, data] of events) if (code === 'o') text += data;
  return header.hk?.stdout === 'pipe' ? undoOnlcr(text) : text;
}
