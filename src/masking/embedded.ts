// Kubernetes objects and other documents carried inside a string: above all the
// `kubectl.kubernetes.io/last-applied-configuration` annotation, whose JSON holds a Secret's
// `data`/`stringData` and a pod's env values verbatim — raw under `-o yaml`'s block scalar,
// escaped inside `-o json`, escaped twice when that JSON is itself quoted (a log line, an event).
// The document is parsed and the structural rules applied inside it, at any depth: a Secret's
// values, env values whose name says secret, values of secret-named keys, and whatever the
// masker finds in multi-line strings (YAML in a ConfigMap value, a PEM). Each value found is then
// located in the line in the escaped form it has there, as a whole JSON string.
//
// Only a document complete within the block is parsed; a line cut into segments (longer than the
// stream's segment) falls back to the flat-map and regex rules, which work on pieces.
import { looksLikeSecretValue } from './detectors/secret-values.ts';
import type { MarkerStyle, Span } from './detectors/types.ts';

/** The values masking `text` (a multi-line string found in a document) would replace, by detector. */
export type NestedScan = (text: string) => { value: string; id: string }[];

interface Finding {
  value: string;
  /** How many times the value is JSON-escaped where it sits in the line. */
  depth: number;
  /** Whether it is a whole JSON string (else a piece of a multi-line string). */
  whole: boolean;
  id: string;
  style: MarkerStyle;
}

const MAX_DEPTH = 4;
const SECRET_ENV_NAME = /(?:PASSWORD|PASSWD|PASSPHRASE|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|_KEY|CREDENTIALS?|CONN(?:ECTION)?_?STRING|DSN)$/i;
const SECRET_KEY = /(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|auth[_-]?key|signing[_-]?key|encryption[_-]?key|master[_-]?key|conn(?:ection)?[_-]?string)$/i;
// What makes an embedded document worth parsing: a data/stringData map, or a word that a
// secret's key or env name holds. Most last-applied annotations (a Deployment's) have neither,
// and the regex detectors read their escaped text as it is.
const WORTH_PARSING = /\\"(?:data|stringData)\\+":|pass|pwd|secret|token|key\\|_key|apikey|credential|dsn|conn|private|BEGIN/i;

export function detectEmbeddedDocuments(text: string, nested: NestedScan, spans: Span[]): void {
  detectCompactEnv(text, spans);
  // A JSON string whose content is a JSON object: `"{\"…`, the escaped forms. Searched from its
  // `{`: a search led by `"` stops at every quote.
  for (let brace = text.indexOf('{\\"'); brace !== -1; brace = text.indexOf('{\\"', brace + 2)) {
    if (text.charCodeAt(brace - 1) !== 34) continue;
    const at = brace - 1;
    const end = stringLiteralEnd(text, at);
    if (end === -1) continue;
    const literal = text.slice(at, end + 1);
    if (!WORTH_PARSING.test(literal)) continue;
    const decoded = parseJson(literal);
    if (typeof decoded !== 'string') continue;
    const doc = parseJson(decoded);
    if (doc === undefined) continue;
    locate(text, at + 1, end, collect(doc, 1, nested), spans);
    brace = end;
  }
  // A raw JSON object on its own line: `-o yaml`'s block scalar, `-o jsonpath` of the annotation.
  for (let version = text.indexOf('Version":'); version !== -1; version = text.indexOf('Version":', version + 9)) {
    if (!text.startsWith('{"api', version - 5)) continue;
    const at = version - 5;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    if (text.slice(lineStart, at).trim() !== '') continue;
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = text.length;
    let end = lineEnd;
    while (end > at && (text.charCodeAt(end - 1) <= 32 || text.charCodeAt(end - 1) === 44)) end--;
    const doc = parseJson(text.slice(at, end));
    if (doc === undefined) continue;
    locate(text, at, lineEnd, collect(doc, 0, nested), spans);
  }
}

// An env entry written compactly, `{"name":"DB_PASSWORD","value":"…"}`, at any escape depth:
// what the parse above finds in a whole document, found here in a piece of a line too long to
// parse (a segment of a big last-applied annotation) or in `-o json | jq -c` output.
const COMPACT_ENV = /\\*"name\\*":\\*"([A-Za-z0-9_.-]{1,128})\\*",\\*"value\\*":\\*"((?:[^"\\\n]|\\+[^"\\\n])*)\\*"/g;

// Found by `ue":"` / `ue\":`, not `alue":"`: V8 searches a needle of seven characters or more
// with Boyer-Moore-Horspool, several times slower on a 64 KiB block than the memchr of a short
// one's first character (`u` is rare enough); the regex then decides on the line.
const COMPACT_ENV_ANCHORS = ['ue":"', 'ue\\":'];

function detectCompactEnv(text: string, spans: Span[]): void {
  for (const anchor of COMPACT_ENV_ANCHORS) {
    for (let at = text.indexOf(anchor); at !== -1; at = text.indexOf(anchor, at + anchor.length)) {
      const lineStart = text.lastIndexOf('\n', at) + 1;
      let lineEnd = text.indexOf('\n', at);
      if (lineEnd === -1) lineEnd = text.length;
      const line = text.slice(lineStart, lineEnd);
      COMPACT_ENV.lastIndex = 0;
      for (let m = COMPACT_ENV.exec(line); m !== null; m = COMPACT_ENV.exec(line)) {
        const value = m[2] as string;
        if (!SECRET_ENV_NAME.test(m[1] as string) || value.length === 0 || !looksLikeSecretValue(value)) continue;
        const end = lineStart + m.index + m[0].length - 1 - trailingBackslashes(m[0]);
        spans.push({ start: end - value.length, end, id: 'k8s-env-secret', style: 'bracket', priority: 70, counted: true });
      }
      at = lineEnd;
    }
  }
}

/** Backslashes right before the closing quote of a match (the quote's own escaping). */
function trailingBackslashes(match: string): number {
  let n = 0;
  for (let i = match.length - 2; i >= 0 && match.charCodeAt(i) === 92; i--) n++;
  return n;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Index of the closing quote of the JSON string literal opening at `open`, on its line; or -1. */
function stringLiteralEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i;
    else if (c === 10) return -1;
  }
  return -1;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The values a structural reading of `node` masks; `depth` is how escaped node's strings are. */
export function collect(node: unknown, depth: number, nested: NestedScan): Finding[] {
  const out: Finding[] = [];
  walk(node, depth, nested, out);
  return out;
}

function walk(node: unknown, depth: number, nested: NestedScan, out: Finding[]): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, depth, nested, out);
    return;
  }
  if (!isMap(node)) {
    if (typeof node === 'string') inString(node, depth, nested, out);
    return;
  }
  const kind = typeof node.kind === 'string' ? node.kind : undefined;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'data' || key === 'stringData') && isMap(value) && kind !== 'ConfigMap') {
      // A Secret's (or an object of unknown kind's, as in a Secret manifest without kind yet).
      for (const v of Object.values(value)) {
        if (typeof v === 'string' && v.length > 0 && !v.startsWith('W01BU0tFRD') && !v.startsWith('[MASKED')) {
          out.push({ value: v, depth, whole: true, id: 'k8s-secret-data', style: key === 'data' ? 'base64' : 'bracket' });
        }
      }
      continue;
    }
    if (key === 'env' && Array.isArray(value)) {
      for (const item of value) {
        if (!isMap(item) || typeof item.name !== 'string' || typeof item.value !== 'string') continue;
        if (SECRET_ENV_NAME.test(item.name) && looksLikeSecretValue(item.value)) {
          out.push({ value: item.value, depth, whole: true, id: 'k8s-env-secret', style: 'bracket' });
        }
      }
    }
    if (typeof value === 'string' && SECRET_KEY.test(key) && looksLikeSecretValue(value) && !value.includes('\n')) {
      out.push({ value, depth, whole: true, id: 'secret-assignment', style: 'bracket' });
      continue;
    }
    walk(value, depth, nested, out);
  }
}

function inString(value: string, depth: number, nested: NestedScan, out: Finding[]): void {
  if (depth >= MAX_DEPTH) return;
  const first = value.trimStart()[0];
  if (first === '{' || first === '[') {
    const doc = parseJson(value);
    if (doc !== undefined && typeof doc === 'object') {
      walk(doc, depth + 1, nested, out);
      return;
    }
  }
  if (value.includes('\n')) {
    for (const found of nested(value)) {
      if (found.value.length >= 4) out.push({ value: found.value, depth, whole: false, id: found.id, style: 'bracket' });
    }
  }
}

/** JSON string escaping, as Go's encoding/json writes it (kubectl) and as JavaScript does. */
function escapings(value: string): string[] {
  const js = JSON.stringify(value).slice(1, -1);
  const go = js.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return go === js ? [js] : [js, go];
}

function encoded(value: string, depth: number): string[] {
  let forms = [value];
  for (let d = 0; d < depth; d++) forms = forms.flatMap(escapings);
  return [...new Set(forms)];
}

/** The quote that delimits a JSON string `depth` escapes deep: `"`, `\"`, `\\\"`, … */
function quoteAt(depth: number): string {
  return `${'\\'.repeat(2 ** depth - 1)}"`;
}

function locate(text: string, from: number, to: number, findings: Finding[], spans: Span[]): void {
  // Searched within the document's own range: a search of the block for a value not in the
  // document would run on past it, for every value of every document (quadratic in the block).
  const doc = text.slice(from, to);
  for (const finding of findings) {
    const quote = quoteAt(finding.depth);
    // A string of a document `depth` escapes deep is written escaped once more than its quote.
    for (const form of encoded(finding.value, finding.depth + 1)) {
      if (form.length === 0) continue;
      for (let found = doc.indexOf(form); found !== -1; found = doc.indexOf(form, found + form.length)) {
        const at = from + found;
        if (finding.whole && !(text.startsWith(quote, at - quote.length) && text.startsWith(quote, at + form.length))) continue;
        spans.push({ start: at, end: at + form.length, id: finding.id, style: finding.style, priority: 70, counted: true });
      }
    }
  }
}
