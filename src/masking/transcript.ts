// Values decoded in an exec or shell transcript. A Secret read with `-o jsonpath` is base64 and
// masked as such; piped through `base64 -d` (or `--decode`, `jq … @base64d`, go-template's
// `base64decode`, `openssl enc -d`)
// it prints in clear on the next line(s), where nothing about the value says "secret". So the
// command line is the context: the lines after it are masked until the shell's prompt returns.
// And for a while after a session read a Secret, a password-like token standing alone on a line
// is masked too; hashes, digests, UIDs, image references, names and numbers are not
// password-like, so they stay.
import type { Span } from './detectors/types.ts';
import { shannonEntropy } from './validators.ts';

export interface TranscriptState {
  /** Output lines still to mask after a decode command (0: none). */
  decodeLines: number;
  /** The prompt the decode command was typed at ('' when none was seen). */
  prompt: string;
  /** Lines during which a lone password-like token is masked, after a Secret was read. */
  afterSecret: number;
}

export const initialTranscriptState = (): TranscriptState => ({ decodeLines: 0, prompt: '', afterSecret: 0 });

export const isTranscriptActive = (s: TranscriptState): boolean => s.decodeLines > 0 || s.afterSecret > 0;

/**
 * Words on a line that may start transcript state: the walker visits such lines. Searched by
 * short pieces led by rarer characters (`ssl ` for `openssl … `): V8 stops at each first character.
 */
export const TRANSCRIPT_WORDS = ['base64', 'ssl ', 'secret'];

const DECODE = /\bbase64\s+(?:-[A-Za-z]*[dD][A-Za-z]*|--decode)\b|@base64d\b|\|\s*base64decode\b|\bopenssl\s+(?:enc|base64|aes-\S+|des\S*|rsautl|pkeyutl)\b[^|\n]*\s-d(?:ecrypt)?\b/;
const READS_SECRET = /\b(?:get|describe|edit|view-secret)\s+(?:[-\w=]+\s+)*(?:secrets?|secret\/\S+)(?:\s|$)/;
/** A shell prompt before a command: `$ `, `# `, `% `, `> ` ending a short prefix. */
const PROMPT = /^(.{0,80}?[$#%>] )\S/;
/** How many output lines a decode without a known prompt masks, and how long a Secret read lasts. */
const DECODE_LINES_NO_PROMPT = 1;
const DECODE_LINES_MAX = 200;
const AFTER_SECRET_LINES = 40;

/**
 * Whether the line holding a TRANSCRIPT_WORDS hit at `at` may be a command line: a pod's
 * `/var/run/secrets/…` and `secretName:` are not, and there are thousands of those.
 */
export function mayStartTranscriptState(text: string, at: number): boolean {
  if (!text.startsWith('secret', at)) return true; // base64, openssl: rare enough to read the line
  // READS_SECRET ends in a `secret` after whitespace: `/var/run/secrets`, `secretName` are not it
  // (another `secret` of the line, after a blank, is looked at on its own).
  const before = text.charCodeAt(at - 1);
  if (!((before >= 9 && before <= 13) || before === 32 || before === 160)) return false;
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const head = text.slice(Math.max(lineStart, at - 200), at);
  return head.includes('get ') || head.includes('describe ') || head.includes('edit ') || head.includes('view-secret');
}

/** A Secret was printed (the structure walker saw `kind: Secret`). */
export function sawSecret(state: TranscriptState): void {
  state.afterSecret = AFTER_SECRET_LINES;
}

/**
 * Handles one line (without its newline) that starts at `ls` of the text; `mayBeCommand`: it holds one of
 * TRANSCRIPT_WORDS where a command could. Returns true when the line was masked as decoded output
 * (the caller need not look further at it).
 */
export function transcriptLine(line: string, ls: number, state: TranscriptState, spans: Span[], mayBeCommand: boolean): boolean {
  if (state.decodeLines > 0) {
    const prompt = state.prompt;
    const promptAt = prompt === '' ? -1 : line.startsWith(prompt.trimEnd()) ? 0 : line.lastIndexOf(prompt);
    if (promptAt === 0) state.decodeLines = 0;
    else {
      // The value printed without a newline runs into the prompt: `hunter2user@pod:~$ `.
      const valueEnd = promptAt > 0 ? promptAt : line.length;
      const value = line.slice(0, valueEnd).trim();
      if (value.length > 0) {
        const at = ls + line.indexOf(value);
        spans.push({ start: at, end: at + value.length, id: 'decoded-secret', style: 'bracket', priority: 70, counted: true });
      }
      if (promptAt <= 0) {
        if (value.length > 0) state.decodeLines--;
        return value.length > 0;
      }
      // The prompt came back on this line: what is typed after it is a command line again.
      state.decodeLines = 0;
      if (mayBeCommand) commandLine(line.slice(promptAt), state);
      return true;
    }
  }
  if (mayBeCommand && commandLine(line, state)) return false;
  if (state.afterSecret > 0) afterSecretLine(line, 0, line.length, ls, state, spans);
  return false;
}

/**
 * A line [from, to) of `text` while a Secret read is recent: counted, and masked when it is a lone
 * password-like token. Spans are at `offset` plus the text's indices. What transcriptLine does
 * with a line that is neither a command nor decoded output; the structure walker calls it alone
 * for lines nothing else could concern, without slicing them.
 */
export function afterSecretLine(text: string, from: number, to: number, offset: number, state: TranscriptState, spans: Span[]): void {
  state.afterSecret--;
  // Most lines have a blank inside (`key: value`): found without trimming or a regex.
  let start = from;
  let stop = to;
  while (start < stop && isBlank(text.charCodeAt(start))) start++;
  while (stop > start && isBlank(text.charCodeAt(stop - 1))) stop--;
  if (stop - start < 8 || hasBlankWithin(text, start, stop)) return;
  if (passwordLike(text.slice(start, stop))) {
    spans.push({ start: offset + start, end: offset + stop, id: 'secret-like-token', style: 'bracket', priority: 60, counted: true });
  }
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 13;

function hasBlankWithin(text: string, start: number, stop: number): boolean {
  // A loop, not indexOf: `text` may be a whole block, and a search for a tab that is not there
  // would run to its end from every line.
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) return true;
  }
  return false;
}

/** Sets the state a command line starts (a decode, a Secret read); true when it was one. */
function commandLine(line: string, state: TranscriptState): boolean {
  const mayDecode = line.includes('base64') || line.includes('openssl');
  if (mayDecode && DECODE.test(line)) {
    const prompt = PROMPT.exec(line)?.[1] ?? '';
    state.prompt = prompt;
    state.decodeLines = prompt === '' ? DECODE_LINES_NO_PROMPT : DECODE_LINES_MAX;
    state.afterSecret = AFTER_SECRET_LINES;
    return true;
  }
  if (line.includes('ecret') && READS_SECRET.test(line)) {
    state.afterSecret = AFTER_SECRET_LINES;
    return true;
  }
  return false;
}

const K8S_NAME = /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?:0x)?[0-9a-f]+$/i;
const DIGEST = /^(?:sha|md5|blake)\w*[:=]|@sha\d+:[0-9a-f]+$/i;
const NUMBERISH = /^[-+]?[\d.,:_/]+[a-zA-Z%]{0,3}$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/;
const ASSIGNMENT = /^[A-Za-z_][\w.-]*[=:]/;
const PROMPT_ALONE = /^(?:[\w.-]+@)?[\w.-]+:[^\s]*[$#%>]$|^[$#%>]$/;

/**
 * A token a person or a generator made to be secret: one word of 8 to 256 printable characters
 * mixing character classes, that is none of the identifiers kubectl output is full of.
 */
export function passwordLike(token: string): boolean {
  if (token.length < 8 || token.length > 256 || /\s/.test(token)) return false;
  // JSON on one line (a last-applied annotation), a YAML key: the cheapest refusals first.
  const first = token.charCodeAt(0);
  if (first === 123 || first === 91 || first === 34 || token.endsWith(':')) return false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  if (token.startsWith('[MASKED') || K8S_NAME.test(token) || UUID.test(token) || HEX.test(token)) return false;
  if (DIGEST.test(token) || NUMBERISH.test(token) || TIMESTAMP.test(token) || ASSIGNMENT.test(token)) return false;
  // A shell prompt (`user@pod:/app#`).
  if (PROMPT_ALONE.test(token)) return false;
  // Paths, URLs and image references (`registry/app:1.2`, `app@sha256:…`).
  if (token.includes('/') && (token.startsWith('/') || token.startsWith('.') || token.includes('://') || /^[\w.-]+(?::\d+)?\/[\w./-]+(?:[:@][\w.:-]+)?$/.test(token))) {
    return false;
  }
  let classes = 0;
  if (/[a-z]/.test(token)) classes++;
  if (/[A-Z]/.test(token)) classes++;
  if (/\d/.test(token)) classes++;
  if (/[^A-Za-z0-9]/.test(token)) classes++;
  if (classes >= 3) return true;
  return classes === 2 && token.length >= 12 && shannonEntropy(token) >= 3.5;
}
