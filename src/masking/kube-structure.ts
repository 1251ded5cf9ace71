// Kubernetes-aware masking, line by line with state carried across blocks and chunks: values
// under a Secret's `data`/`stringData` (YAML and pretty JSON), `describe secret`'s Data section,
// env vars whose name says secret, and the body of multi-line PEM private keys. Structure beats
// regex: a value is masked because of where it sits, whatever it looks like.
import { decodesToText, isBase64 } from './validators.ts';
import { looksLikeSecretValue } from './detectors/secret-values.ts';
import type { Span } from './detectors/types.ts';
import {
  afterSecretLine, initialTranscriptState, isTranscriptActive, mayStartTranscriptState, sawSecret, transcriptLine, TRANSCRIPT_WORDS, type TranscriptState,
} from './transcript.ts';

interface DataBlock {
  indent: number;
  field: 'data' | 'stringData';
  /** all: a Secret's; none: a ConfigMap's; heuristic: kind unknown yet (kubectl prints `data` before `kind`). */
  mode: 'all' | 'none' | 'heuristic';
  scalarIndent: number;
  scalarCounted: boolean;
}

export interface StructureState {
  block: DataBlock | null;
  kind: string | null;
  kindIndent: number;
  /** 1: saw describe's `Data` heading, 2: inside its section. */
  describe: 0 | 1 | 2;
  pem: 'private' | 'certificate' | null;
  pemCounted: boolean;
  envPending: boolean;
  transcript: TranscriptState;
}

export function initialStructureState(): StructureState {
  return {
    block: null, kind: null, kindIndent: -1, describe: 0, pem: null, pemCounted: false, envPending: false,
    transcript: initialTranscriptState(),
  };
}

/** Keys (from the separator scan) whose lines the walker must see. */
const STRUCTURE_KEYS = ['apiVersion', 'kind', 'data', 'stringData', 'name'];

/** Is text[start, end) one of the keys the walker follows? Compared in place, without a slice. */
export function isStructureKey(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length !== 4 && length !== 10) return false;
  for (const key of STRUCTURE_KEYS) {
    if (key.length === length && text.startsWith(key, start)) return key !== 'name' || mayNameSecretEnv(text, end);
  }
  return false;
}

/**
 * Whether the `name:` line whose key ends at `keyEnd` may name a secret env var: what the walker
 * does with a name line (processLine) when nothing else is going on. Kubernetes output holds a
 * `name:` every few lines; most end in no secret word and need no visit.
 */
function mayNameSecretEnv(text: string, keyEnd: number): boolean {
  let end = text.indexOf('\n', keyEnd);
  if (end === -1) end = text.length;
  let c = text.charCodeAt(end - 1);
  if (c === 13) c = text.charCodeAt(--end - 1);
  while (end > keyEnd && (c === 32 || c === 9)) c = text.charCodeAt(--end - 1);
  if (c === 44) c = text.charCodeAt(--end - 1);
  if (c === 34 || c === 39) end--;
  // The last two letters of every SECRET_ENV_NAME word, tested before the regex (most names fail).
  if (!SECRET_ENV_ENDINGS.has(((text.charCodeAt(end - 2) | 32) << 8) | (text.charCodeAt(end - 1) | 32))) return false;
  return SECRET_ENV_NAME.test(text.slice(Math.max(keyEnd, end - 24), end));
}

const SECRET_ENV_ENDINGS = new Set(['rd', 'wd', 'se', 'ss', 'et', 'en', 'ey', 'al', 'ls', 'ng', 'sn'].map((e) => (e.charCodeAt(0) << 8) | e.charCodeAt(1)));
const KEY_LINE = /^([ \t]*)(- +)?"?(apiVersion|kind|data|stringData|name)"?[ \t]*:[ \t]*(.*?)[ \t]*$/;
// The value is `.*` ending in a non-blank, not a lazy `.*?` before `[ \t]*$`: the same capture,
// but a lazy value tries `[ \t]*$` after every character of a kilobyte-long base64 value.
const ENTRY = /^([ \t]*)("?)([^":]+)\2[ \t]*:(?:[ \t]+((?:.*[^ \t\r\n\u2028\u2029])?))?[ \t]*$/;
const SECRET_ENV_NAME = /(?:PASSWORD|PASSWD|PASSPHRASE|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|_KEY|CREDENTIALS?|CONN(?:ECTION)?_?STRING|DSN)$/i;
const ENV_VALUE = /^[ \t]*(?:- +)?"?value"?[ \t]*:[ \t]*(.*?),?[ \t]*$/;
const DESCRIBE_ENTRY = /^([^\s:]+):[ \t]+(\S.*?)[ \t]*$/;
const PEM_BODY = /^(?:[A-Za-z0-9+/=]*|(?:Proc-Type|DEK-Info|Comment|Version):.*)$/;

/** A recent Secret read is all that is going on. */
const onlyAfterSecret = (s: StructureState) =>
  s.transcript.afterSecret > 0 && s.transcript.decodeLines === 0 && s.block === null && s.describe === 0 && s.pem === null && !s.envPending;

const isActive = (s: StructureState) =>
  s.block !== null || s.describe !== 0 || s.pem !== null || s.envPending || isTranscriptActive(s.transcript);

/**
 * Walks the lines of `text` from `from` (a line start): every line while some multi-line state
 * is active, otherwise only the lines in `candidates` (ascending positions on lines that hold a
 * structure key), and those holding `Data` or `-----BEGIN`.
 */
export function walkStructure(
  text: string, from: number, candidates: readonly number[], state: StructureState, spans: Span[], certificates: number[],
): void {
  const extra: number[] = [];
  for (let at = text.indexOf('Data', from); at !== -1; at = text.indexOf('Data', at + 4)) extra.push(at);
  // Lines that may be command lines (a decode, a Secret read): only they are read as such.
  const commands: number[] = [];
  for (const word of TRANSCRIPT_WORDS) {
    for (let at = text.indexOf(word, from); at !== -1; at = text.indexOf(word, at + word.length)) {
      if (mayStartTranscriptState(text, at)) commands.push(at);
    }
  }
  if (commands.length > 1) commands.sort((a, b) => a - b);
  extra.push(...commands);
  // `-----BEGIN` is found by its `BEGIN`: a search led by `-` stops at every YAML list item.
  for (let at = text.indexOf('BEGIN', from + 5); at !== -1; at = text.indexOf('BEGIN', at + 5)) {
    if (text.startsWith('-----', at - 5)) extra.push(at - 5);
  }
  const all = extra.length === 0 ? candidates : mergeSorted(candidates, extra.sort((a, b) => a - b));
  let c = 0;
  let t = 0;
  let pos = from;
  while (pos < text.length) {
    if (!isActive(state)) {
      while (c < all.length && (all[c] as number) < pos) c++;
      if (c === all.length) return;
      pos = text.lastIndexOf('\n', all[c] as number) + 1;
      if (pos < from) pos = from;
    }
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = text.length;
    while (t < commands.length && (commands[t] as number) < pos) t++;
    const mayBeCommand = t < commands.length && (commands[t] as number) < lineEnd;
    if (!mayBeCommand && onlyAfterSecret(state)) {
      // Only a recent Secret read keeps the walk going: a line that holds no candidate can be
      // nothing but a lone token (processLine would find nothing else in it), so it is counted
      // and checked as one without the rest.
      while (c < all.length && (all[c] as number) < pos) c++;
      if (c === all.length || (all[c] as number) >= lineEnd) {
        afterSecretLine(text, pos, lineEnd, 0, state.transcript, spans);
        pos = lineEnd + 1;
        continue;
      }
    }
    const wasCertificate = state.pem === 'certificate';
    processLine(text, pos, lineEnd, state, spans, mayBeCommand);
    if (wasCertificate || state.pem === 'certificate') certificates.push(pos, lineEnd);
    pos = lineEnd + 1;
  }
}

/** Two ascending lists as one (the candidates are thousands of lines; the extra, a few). */
function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = (a[i] as number) <= (b[j] as number) ? (a[i++] as number) : (b[j++] as number);
  while (i < a.length) out[k++] = a[i++] as number;
  while (j < b.length) out[k++] = b[j++] as number;
  return out;
}

function mask(spans: Span[], start: number, end: number, id: string, style: Span['style'], counted = true): void {
  if (end > start) spans.push({ start, end, id, style, priority: 70, counted });
}

function processLine(text: string, ls: number, le: number, state: StructureState, spans: Span[], mayBeCommand: boolean): void {
  let end = le;
  if (text.charCodeAt(end - 1) === 13) end--;
  const line = text.slice(ls, end);
  if ((mayBeCommand || isTranscriptActive(state.transcript)) && transcriptLine(line, ls, state.transcript, spans, mayBeCommand)) return;

  if (state.pem !== null) {
    const body = line.trim();
    if (hasDashed(line, 'END')) state.pem = null;
    else if (PEM_BODY.test(body)) {
      if (state.pem === 'private' && body.length > 0) {
        const at = ls + line.indexOf(body);
        mask(spans, at, at + body.length, 'private-key', 'bracket', !state.pemCounted);
        state.pemCounted = true;
      }
    } else state.pem = null;
  } else if (hasDashed(line, 'BEGIN ') && !hasDashed(line, 'END')) {
    if (line.includes('PRIVATE KEY')) {
      state.pem = 'private';
      state.pemCounted = false;
    } else if (line.includes('CERTIFICATE')) state.pem = 'certificate';
  }

  if (state.describe !== 0 && describeLine(line, ls, state, spans)) return;
  if (line === 'Data') {
    state.describe = 1;
    return;
  }

  if (state.envPending) {
    state.envPending = false;
    const m = ENV_VALUE.exec(line);
    if (m && looksLikeSecretValue(m[1] as string)) maskValue(spans, line, ls, m[1] as string, 'k8s-env-secret', 'bracket');
  }

  if (state.block !== null && blockLine(line, ls, end, state, state.block, spans)) return;

  if (!mayBeKeyLine(line)) return;
  const m = KEY_LINE.exec(line);
  if (!m) return;
  const column = (m[1] as string).length + (m[2] ?? '').length;
  const key = m[3] as string;
  const value = (m[4] as string).replace(/,$/, '');
  if (key === 'apiVersion') {
    state.kind = null;
    state.kindIndent = column;
  } else if (key === 'kind') {
    state.kind = value.replace(/^["']|["']$/g, '');
    state.kindIndent = column;
    if (state.kind === 'Secret') sawSecret(state.transcript);
  } else if (key === 'name') {
    const name = value.replace(/^["']|["']$/g, '');
    if (SECRET_ENV_NAME.test(name) && /^[A-Za-z0-9_.-]+$/.test(name)) state.envPending = true;
  } else if (value === '' || value === '{') {
    const kind = state.kindIndent === column ? state.kind : null;
    const mode = key === 'stringData' || kind === 'Secret' ? 'all' : kind === null ? 'heuristic' : kind === 'ConfigMap' ? 'none' : 'heuristic';
    state.block = { indent: column, field: key as DataBlock['field'], mode, scalarIndent: -1, scalarCounted: false };
  }
}

/**
 * `line.includes('-----' + word)`, searched by the word: V8 searches a needle of seven characters
 * or more by Boyer-Moore-Horspool, set up anew on each call, and this runs on every line walked.
 */
function hasDashed(line: string, word: string): boolean {
  for (let at = line.indexOf(word, 5); at !== -1; at = line.indexOf(word, at + 1)) {
    if (line.startsWith('-----', at - 5)) return true;
  }
  return false;
}

/**
 * Whether KEY_LINE may match: its key (after indentation, `- ` and a quote) starts with the first
 * letter of one. While a Secret was just read every line is walked, and most are none of these.
 */
function mayBeKeyLine(line: string): boolean {
  let i = 0;
  let c = line.charCodeAt(0);
  while (c === 32 || c === 9) c = line.charCodeAt(++i);
  if (c === 45) {
    c = line.charCodeAt(++i);
    if (c !== 32) return false;
    while (c === 32) c = line.charCodeAt(++i);
  }
  if (c === 34) c = line.charCodeAt(++i);
  const key = c === 97 ? 'apiVersion' : c === 107 ? 'kind' : c === 100 ? 'data' : c === 115 ? 'stringData' : c === 110 ? 'name' : '';
  if (key === '' || !line.startsWith(key, i)) return false;
  const after = line.charCodeAt(i + key.length);
  return after === 58 || after === 34 || after === 32 || after === 9;
}

/** Returns true when the line belonged to the Data section of `kubectl describe secret`. */
function describeLine(line: string, ls: number, state: StructureState, spans: Span[]): boolean {
  if (state.describe === 1) {
    state.describe = line.trim() === '====' ? 2 : 0;
    return state.describe === 2;
  }
  const m = DESCRIBE_ENTRY.exec(line);
  if (!m) {
    state.describe = 0;
    return false;
  }
  const value = m[2] as string;
  // describe prints sizes (`password:  8 bytes`) except for service-account tokens.
  if (!/^\d+ bytes$/.test(value)) {
    const at = ls + line.lastIndexOf(value);
    mask(spans, at, at + value.length, 'k8s-secret-data', 'bracket');
  }
  return true;
}

/** Returns true when the line was inside the data block. */
function blockLine(line: string, ls: number, end: number, state: StructureState, block: DataBlock, spans: Span[]): boolean {
  let indent = 0;
  while (indent < line.length && (line[indent] === ' ' || line[indent] === '\t')) indent++;
  if (indent === line.length) return true;
  if (block.scalarIndent >= 0) {
    if (indent > block.scalarIndent) {
      // Secret data from the API is one base64 line; a block scalar is masked only in a known Secret.
      if (block.mode === 'all') mask(spans, ls + indent, end, 'k8s-secret-data', 'bracket', !block.scalarCounted);
      block.scalarCounted = true;
      return true;
    }
    block.scalarIndent = -1;
  }
  if (indent <= block.indent) {
    state.block = null;
    return line[indent] === '}';
  }
  if (line[indent] === '}') {
    state.block = null;
    return true;
  }
  const m = ENTRY.exec(line);
  if (!m) {
    if (block.mode === 'all') mask(spans, ls + indent, end, 'k8s-secret-data', 'bracket');
    return true;
  }
  let value = m[4] ?? '';
  if (value.endsWith(',') && value.startsWith('"')) value = value.slice(0, -1);
  if (/^[|>][-+0-9]*$/.test(value)) {
    block.scalarIndent = indent;
    block.scalarCounted = false;
    return true;
  }
  const quoted = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0];
  const inner = quoted ? value.slice(1, -1) : value;
  if (inner.length === 0 || block.mode === 'none') return true;
  if (block.mode === 'heuristic') {
    if (!isBase64(inner) || !(decodesToText(inner) || inner.length >= 16) || inner.startsWith('W01BU0tFRD')) return true;
    block.mode = 'all';
  }
  maskValue(spans, line, ls, value, 'k8s-secret-data', block.field === 'data' ? 'base64' : 'bracket');
  return true;
}

/** Masks `value` (as found at the end of `line`), inside its quotes if it has them. */
function maskValue(spans: Span[], line: string, ls: number, value: string, id: string, style: Span['style']): void {
  let at = ls + line.lastIndexOf(value);
  let len = value.length;
  const q = value[0];
  if ((q === '"' || q === "'") && len >= 2 && value[len - 1] === q) {
    at++;
    len -= 2;
  }
  mask(spans, at, at + len, id, style);
}
