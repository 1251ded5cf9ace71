// One pass over a .cast for the bundle: its markers, a short masked excerpt of its output, and
// (when small enough) its whole text to embed in the offline page. A recording too big to embed
// is streamed line by line, so a huge one costs no more memory than a small one.
import { createInterface } from 'node:readline';
import { stripAnsi } from '../../masking/ansi.ts';
import { maskText, type MaskProfileName } from '../../masking/index.ts';
import { parseEvent, parseHeader } from '../../recording/cast-reader.ts';
import { readCastHeader } from '../../recording/session-files.ts';
import { readRegular, streamRegular } from '../../files/regular-file.ts';
import type { AsciicastEvent, AsciicastHeader } from '../../recording/asciicast.ts';
import { displayEvents, displayTranslation } from '../../recording/cast-display.ts';
import { castText } from '../display-cast.ts';
import type { Marker } from '../session-detail.ts';

export const EXCERPT_CHARS = 2048;
const MAX_MARKERS = 200;

export interface CastScan {
  startedAt: string | null;
  markers: Marker[];
  excerpt: string;
  /** The whole .cast when at most `embedLimit` bytes, as players should draw it (display-cast.ts), else null. */
  text: string | null;
  /** Its bytes as read, when it was read whole (so that copying it needs no second read). */
  bytes: Buffer | null;
  problem: string | null;
}

/** `terminal`: whether the manifest says the session ran in a pseudo-terminal (null: no manifest says). */
export async function scanCast(path: string, size: number, embedLimit: number, profile: MaskProfileName | undefined, terminal: boolean | null = null): Promise<CastScan> {
  const embed = size <= embedLimit;
  let lines: string[] = [];
  const markers: Marker[] = [];
  let output = '';
  let startedAt: string | null = null;
  let problem: string | null = null;
  let bytes: Buffer | null = null;
  let n = 0;
  let header: AsciicastHeader | null = null;
  const events: AsciicastEvent[] = [];
  try {
    // One read for a recording that is kept whole anyway; readline's line breaks either way.
    if (embed) {
      bytes = await readRegular(path);
      lines = bytes.toString('utf8').split(/\r\n|\r|\n/);
      if (lines.at(-1) === '') lines.pop();
    }
    for await (const line of embed ? lines : createInterface({ input: await streamRegular(path), crlfDelay: Infinity })) {
      n += 1;
      if (n === 1) {
        header = parseHeader(path, line);
        if (typeof header.timestamp === 'number') startedAt = new Date(header.timestamp * 1000).toISOString();
        continue;
      }
      if (line === '') continue;
      const event = parseEvent(path, n, line);
      if (embed) events.push(event);
      const [time, code, data] = event;
      if (code === 'm' && markers.length < MAX_MARKERS) markers.push({ time, label: data });
      else if (code === 'o' && output.length < EXCERPT_CHARS * 2) output += data;
    }
  } catch (error) {
    problem = (error as Error).message;
  }
  // Recordings are masked when written; masking again costs little and covers an older recorder.
  const excerpt = maskText(stripAnsi(output).clean.replace(/\r\n/g, '\n').slice(0, EXCERPT_CHARS), profile ? { profile } : {}).text;
  let text: string | null = null;
  if (embed && problem === null && header !== null) {
    const translation = displayTranslation(header, terminal, events);
    // Unchanged recordings are embedded as they are; an older pipe recording as a terminal draws it.
    text = translation === 'none' ? `${lines.join('\n')}\n` : castText({ header, events: displayEvents(events, translation) });
  }
  return { startedAt, markers, excerpt, text, bytes, problem };
}

/** When a recording began, from its header alone (for a .cast that has no manifest to say so). */
export async function castStartedAt(path: string): Promise<string | null> {
  try {
    const { timestamp } = await readCastHeader(path);
    return typeof timestamp === 'number' ? new Date(timestamp * 1000).toISOString() : null;
  } catch {
    return null;
  }
}
