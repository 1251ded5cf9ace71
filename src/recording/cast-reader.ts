// Reads a .cast back: the header, then events, validated line by line. A recording cut short by a
// killed session ends early but stays readable; a torn final line (no newline) is reported, not
// silently dropped.
import { createInterface } from 'node:readline';
import { HkError } from '../errors.ts';
import { streamRegular } from '../files/regular-file.ts';
import { ASCIICAST_VERSION, type AsciicastEvent, type AsciicastHeader } from './asciicast.ts';

export class CastFormatError extends HkError {
  constructor(path: string, line: number, problem: string) {
    // A bad recording is a finding about that session, not a usage error of the auditor's command.
    super('ERR_CAST_FORMAT', `${path}:${line}: ${problem}`, 1, {
      hint: 'the file is not an asciicast v2 recording, or it was altered',
      details: { path, line },
    });
  }
}

const CODES = new Set(['o', 'i', 'r', 'm']);

export function parseHeader(path: string, text: string): AsciicastHeader {
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    throw new CastFormatError(path, 1, 'header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new CastFormatError(path, 1, 'header is not an object');
  const { version, width, height } = header as Record<string, unknown>;
  if (version !== ASCIICAST_VERSION) throw new CastFormatError(path, 1, `asciicast version ${String(version)} is not supported (only ${ASCIICAST_VERSION})`);
  if (!Number.isInteger(width) || !Number.isInteger(height)) throw new CastFormatError(path, 1, 'header needs integer width and height');
  checkHkHeader(path, (header as Record<string, unknown>).hk);
  return header as AsciicastHeader;
}

/** hkubectl's own header fields: a version this hkubectl does not know is refused, not guessed. */
function checkHkHeader(path: string, hk: unknown): void {
  if (hk === undefined) return;
  if (typeof hk !== 'object' || hk === null || Array.isArray(hk)) throw new CastFormatError(path, 1, 'header field "hk" is not an object');
  const { v, session, stdout } = hk as Record<string, unknown>;
  if (v !== 1) throw new CastFormatError(path, 1, `hkubectl header version ${JSON.stringify(v)} is not supported (only 1): use a newer hkubectl`);
  if (typeof session !== 'string') throw new CastFormatError(path, 1, 'header field "hk.session" is not a string');
  if (stdout !== undefined && stdout !== 'pipe' && stdout !== 'pty') throw new CastFormatError(path, 1, 'header field "hk.stdout" must be "pipe" or "pty"');
}

export function parseEvent(path: string, lineNumber: number, text: string): AsciicastEvent {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    throw new CastFormatError(path, lineNumber, 'event is not JSON');
  }
  if (!Array.isArray(event) || event.length !== 3 || typeof event[0] !== 'number' || !CODES.has(event[1]) || typeof event[2] !== 'string') {
    throw new CastFormatError(path, lineNumber, 'event must be [seconds, "o"|"i"|"r"|"m", "data"]');
  }
  return event as AsciicastEvent;
}

export interface CastContents {
  header: AsciicastHeader;
  events: AsciicastEvent[];
}

/** Whole-file read for replay and verification of ordinary recordings. */
export async function readCast(path: string): Promise<CastContents> {
  const events: AsciicastEvent[] = [];
  let header: AsciicastHeader | undefined;
  for await (const { line, text } of castLines(path)) {
    if (line === 1) header = parseHeader(path, text);
    else events.push(parseEvent(path, line, text));
  }
  if (!header) throw new CastFormatError(path, 1, 'file is empty');
  return { header, events };
}

async function* castLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  // A regular file only: a link named like a recording is not read through (regular-file.ts).
  const stream = await streamRegular(path);
  let endsWithNewline = true;
  stream.on('data', (chunk) => {
    if (chunk.length > 0) endsWithNewline = chunk[chunk.length - 1] === 0x0a;
  });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  let pending: string | undefined;
  for await (const text of lines) {
    if (pending !== undefined) yield { line, text: pending };
    line += 1;
    pending = text;
  }
  if (pending !== undefined) {
    if (!endsWithNewline) throw new CastFormatError(path, line, 'last line is torn (no newline): the recording was cut mid-write');
    yield { line, text: pending };
  }
}
