// A recording as players should draw it: the .cast with the output of a pipe session recorded
// before `hk.stdout` existed translated as a terminal would have shown it (cast-display.ts). The
// file itself is never changed (its sha256 is what the relay signed); this is a copy for the eye.
import { displayEvents, displayTranslation, type DisplayTranslation } from '../recording/cast-display.ts';
import { eventLine, headerLine, type AsciicastEvent, type AsciicastHeader } from '../recording/asciicast.ts';
import { readCast } from '../recording/cast-reader.ts';
import type { SessionCheck } from './verification.ts';

/** Whether the session ran in a pseudo-terminal, by its manifest (signed, unsigned draft, or shown unverified); null when none says. */
export function recordedTerminal(check: Pick<SessionCheck, 'payload' | 'draft' | 'displayPayload'>): boolean | null {
  for (const source of [check.payload, check.draft, check.displayPayload]) {
    if (source && typeof source.terminal === 'boolean') return source.terminal;
  }
  return null;
}

export interface DisplayCast {
  header: AsciicastHeader;
  events: AsciicastEvent[];
  translation: DisplayTranslation;
}

export async function readDisplayCast(path: string, terminal: boolean | null): Promise<DisplayCast> {
  const { header, events } = await readCast(path);
  const translation = displayTranslation(header, terminal, events);
  return { header, events: displayEvents(events, translation), translation };
}

/** asciicast v2 text of a display copy. */
export function castText({ header, events }: Pick<DisplayCast, 'header' | 'events'>): string {
  return headerLine(header) + events.map(([time, code, data]) => eventLine(time, code, data)).join('');
}

/** The display copy of a checked session's recording as text, or what stopped it from being read. */
export async function displayCastBody(check: SessionCheck): Promise<{ text: string; problem: null } | { text: null; problem: string }> {
  if (check.castPath === null) return { text: null, problem: 'this session has no recording' };
  try {
    return { text: castText(await readDisplayCast(check.castPath, recordedTerminal(check))), problem: null };
  } catch (error) {
    return { text: null, problem: (error as Error).message };
  }
}
