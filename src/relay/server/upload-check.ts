// What the relay checks in a recording before it keeps (and later signs) it: asciicast v2, line
// by line as it streams in, with a header for this very session and command; and the relay's
// own masker run over what was recorded, so that the masking counts it signs are its own and a
// secret the wrapper let through is found. Pure: bytes in, findings or a refusal out.
import { isUtf8 } from 'node:buffer';
import { createStreamingMasker, policyMasking, PROFILE_NAMES, type MaskProfileName, type StreamingMasker } from '../../masking/index.ts';
import type { MaskingSettings, MaskProfile } from '../../policy/types.ts';
import { ApiError } from './http.ts';
import { nestsDeeperThan } from './json-depth.ts';

/** What the recording must be: for this session, of this command (as the relay logged it). */
export type CastExpectation = {
  sessionId: string; argv: readonly string[]; mask: MaskProfile;
  /** The policy's masking settings the session ran with: what they let pass is not a leak. */
  masking?: MaskingSettings;
};

export type CastFindings = {
  /** Events after the header. */
  events: number;
  /** Masking markers in the recorded output and input, by detector: what was masked. */
  counts: Record<string, number>;
  /** Values the relay's masker would still mask, by detector: secrets the wrapper let through. */
  unmasked: Record<string, number>;
};

export type CastCheck = { push(chunk: Buffer): void; end(): CastFindings };

/** One event line: a screenful of output JSON-escaped fits many times over. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
const HEADER_KEYS = new Set(['version', 'width', 'height', 'timestamp', 'duration', 'idle_time_limit', 'command', 'title', 'env', 'theme', 'hk']);
const CODES = new Set(['o', 'i', 'r', 'm']);
const NEWLINE = 0x0a;

// A marker the wrapper's masker wrote, plain or base64 (inside a Secret's data), is what masking
// looks like: it is counted, and is not itself a secret to the relay's masker.
const MARKER = /\[MASKED:([a-z0-9][a-z0-9-]{0,62})(?::[0-9a-f]{8})?\]/g;
const BASE64_MARKER = /W01BU0tFRD[A-Za-z0-9+/]{4,120}={0,2}/g;
const MARKER_ALLOW = ['/^\\[MASKED:[a-z0-9][a-z0-9-]{0,62}(?::[0-9a-f]{8})?\\]$/', '/^W01BU0tFRD[A-Za-z0-9+/]*={0,2}$/'];
/** Longest marker text, plain or base64: the tail kept back in case one is cut between events. */
const MARKER_TAIL = 160;

export function refusedCast(message: string): ApiError {
  return new ApiError(400, 'ERR_CAST_INVALID', `the recording is not one the relay can sign: ${message}`);
}

/** The header command the wrapper writes: `kubectl` and the arguments, credential values masked. */
export function expectedCommand(argv: readonly string[]): string {
  return ['kubectl', ...argv].join(' ');
}

export function createCastCheck(expected: CastExpectation): CastCheck {
  const profile: MaskProfileName = (PROFILE_NAMES as readonly string[]).includes(expected.mask) ? expected.mask : 'strict';
  const streams = { o: markedStream(profile, expected.masking), i: markedStream(profile, expected.masking) };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  let events = 0;
  let lastTime = 0;
  // A pipe session's output is recorded as a terminal shows it (every LF as CR LF, header
  // hk.stdout "pipe"); the relay's masker reads the bytes the wrapper's masker read, as the agent
  // got them. A CR ending one event may be the first half of a CR LF split across two.
  let pipeOutput = false;
  let heldCr = '';
  const output = (data: string) => {
    if (!pipeOutput) return streams.o.push(data);
    const text = heldCr + data;
    heldCr = text.endsWith('\r') ? '\r' : '';
    streams.o.push(undoOnlcr(heldCr ? text.slice(0, -1) : text));
  };

  const onLine = (bytes: Buffer) => {
    line += 1;
    if (!isUtf8(bytes)) throw refusedCast(`line ${line} is not UTF-8`);
    if (nestsDeeperThan(bytes, 2)) throw refusedCast(`line ${line} nests deeper than an asciicast line does`);
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw refusedCast(`line ${line} is not JSON`);
    }
    if (line === 1) {
      pipeOutput = checkHeader(value, expected) === 'pipe';
      return;
    }
    const [time, code, data] = checkEvent(value, line);
    if (time < lastTime) throw refusedCast(`line ${line}: event time goes back (${time} after ${lastTime})`);
    lastTime = time;
    events += 1;
    if (code === 'o') output(data);
    else if (code === 'i') streams.i.push(data);
  };

  return {
    push(chunk) {
      let start = 0;
      for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, at);
        if (pendingBytes + piece.length > MAX_LINE_BYTES) throw refusedCast(`line ${line + 1} is longer than ${MAX_LINE_BYTES} bytes`);
        onLine(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
        pending = [];
        pendingBytes = 0;
        start = at + 1;
      }
      const rest = chunk.subarray(start);
      if (rest.length === 0) return;
      pendingBytes += rest.length;
      if (pendingBytes > MAX_LINE_BYTES) throw refusedCast(`line ${line + 1} is longer than ${MAX_LINE_BYTES} bytes`);
      pending.push(Buffer.from(rest));
    },
    end() {
      if (pendingBytes > 0) throw refusedCast(`line ${line + 1} is torn (no newline at the end of the file)`);
      if (line === 0) throw refusedCast('the file is empty (an asciicast starts with its header line)');
      if (heldCr) streams.o.push(heldCr);
      const o = streams.o.end();
      const i = streams.i.end();
      return { events, counts: sum(o.counts, i.counts), unmasked: sum(o.unmasked, i.unmasked) };
    },
  };
}

/** How the session's stdout was connected (hk.stdout); recordings from before the field say nothing. */
type StdoutKind = 'pipe' | 'pty' | undefined;

/** The inverse of the writer's onlcr (LF as CR LF) on the text it produced. */
function undoOnlcr(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

function checkHeader(value: unknown, expected: CastExpectation): StdoutKind {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw refusedCast('the header (line 1) is not a JSON object');
  const header = value as Record<string, unknown>;
  const unknown = Object.keys(header).find((key) => !HEADER_KEYS.has(key));
  if (unknown !== undefined) throw refusedCast(`the header has a field asciicast v2 does not define${nameOf(unknown)}`);
  if (header.version !== 2) throw refusedCast('the header\'s "version" is not 2 (asciicast v2)');
  for (const name of ['width', 'height'] as const) {
    const n = header[name];
    if (!Number.isSafeInteger(n) || (n as number) < 1 || (n as number) > 10_000) throw refusedCast(`the header's "${name}" is not a terminal size`);
  }
  for (const name of ['timestamp', 'duration', 'idle_time_limit'] as const) {
    const n = header[name];
    if (n !== undefined && (typeof n !== 'number' || !Number.isFinite(n) || n < 0)) throw refusedCast(`the header's "${name}" is not a non-negative number`);
  }
  const hk = header.hk as Record<string, unknown> | undefined;
  if (hk === null || typeof hk !== 'object' || Array.isArray(hk) || hk.v !== 1) throw refusedCast('the header has no "hk" field naming the session (hk.v 1)');
  if (hk.session !== expected.sessionId) throw refusedCast(`the header is for another session, not ${expected.sessionId}`);
  const others = Object.keys(hk).filter((key) => key !== 'v' && key !== 'session' && key !== 'stdout');
  if (others.length > 0) throw refusedCast(`the header's "hk" has a field this relay does not know${nameOf(others[0]!)}`);
  if (hk.stdout !== undefined && hk.stdout !== 'pipe' && hk.stdout !== 'pty') throw refusedCast('the header\'s "hk.stdout" is not "pipe" or "pty"');
  const command = expectedCommand(expected.argv);
  if (header.command !== command) throw refusedCast('the header\'s "command" is not the command the relay allowed in this session');
  // A title is shown above the replay: anything but the command would be the agent's words there.
  if (header.title !== undefined && header.title !== command) throw refusedCast('the header\'s "title" is not the session\'s command');
  if (header.env !== undefined) {
    const env = header.env as Record<string, unknown>;
    if (env === null || typeof env !== 'object' || Array.isArray(env) || Object.keys(env).length > 16 || Object.values(env).some((v) => typeof v !== 'string' || v.length > 256)) {
      throw refusedCast('the header\'s "env" is not a small map of strings');
    }
  }
  if (header.theme !== undefined && (header.theme === null || typeof header.theme !== 'object' || Array.isArray(header.theme))) throw refusedCast('the header\'s "theme" is not an object');
  return hk.stdout as StdoutKind;
}

/** A field name the client chose, repeated only when it is plain: it goes to the audit log and terminals. */
function nameOf(key: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(key) ? ` ("${key}")` : '';
}

function checkEvent(value: unknown, line: number): [number, string, string] {
  if (!Array.isArray(value) || value.length !== 3) throw refusedCast(`line ${line} is not an event [seconds, code, data]`);
  const [time, code, data] = value as unknown[];
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) throw refusedCast(`line ${line}: the event time is not a non-negative number of seconds`);
  if (typeof code !== 'string' || !CODES.has(code)) throw refusedCast(`line ${line}: the event code is not one of o, i, r, m`);
  if (typeof data !== 'string') throw refusedCast(`line ${line}: the event data is not a string`);
  if (code === 'r' && !/^\d{1,5}x\d{1,5}$/.test(data)) throw refusedCast(`line ${line}: a resize event's data is not COLSxROWS`);
  return [time, code, data];
}

type MarkedStream = { push(data: string): void; end(): { counts: Record<string, number>; unmasked: Record<string, number> } };

/** One recorded stream (output or input): its masking markers counted, and re-masked by the relay. */
function markedStream(profile: MaskProfileName, settings?: MaskingSettings): MarkedStream {
  const options = policyMasking(profile, settings);
  const masker: StreamingMasker = createStreamingMasker({ ...options, allow: [...MARKER_ALLOW, ...(options.allow ?? [])] });
  const counts: Record<string, number> = {};
  let tail = '';
  const count = (text: string, final: boolean): string => {
    let consumed = 0;
    const found: Array<{ start: number; end: number; id: string }> = [];
    for (const match of text.matchAll(MARKER)) found.push({ start: match.index, end: match.index + match[0].length, id: match[1]! });
    for (const match of text.matchAll(BASE64_MARKER)) {
      // A base64 marker running to the end of the text may go on in the next event.
      if (!final && match.index + match[0].length === text.length) continue;
      const decoded = /^\[MASKED:([a-z0-9][a-z0-9-]{0,62})(?::[0-9a-f]{8})?\]$/.exec(Buffer.from(match[0], 'base64').toString('latin1'));
      if (decoded) found.push({ start: match.index, end: match.index + match[0].length, id: decoded[1]! });
    }
    for (const { end, id } of found) {
      counts[id] = (counts[id] ?? 0) + 1;
      consumed = Math.max(consumed, end);
    }
    const keep = Math.max(consumed, text.length - MARKER_TAIL);
    return final ? '' : text.slice(keep);
  };
  return {
    push(data) {
      masker.push(Buffer.from(data, 'utf8'));
      tail = count(tail + data, false);
    },
    end() {
      masker.flush();
      count(tail, true);
      return { counts, unmasked: { ...masker.counts } };
    },
  };
}

function sum(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [id, n] of Object.entries(b)) out[id] = (out[id] ?? 0) + n;
  return out;
}
