// Secret values printed on one line: `data`/`stringData` maps inside compact JSON (the
// last-applied-configuration annotation, plain or JSON-escaped inside `-o json`), the bare map
// `-o jsonpath='{.data}'` prints, go-template's `map[k:v]`, and a lone base64 value
// (`-o jsonpath='{.data.password}'`).
import { decodesToText, isBase64 } from './validators.ts';
import type { Span } from './detectors/types.ts';

// `"data": {`, `"stringData":{` and their JSON-escaped forms: found from the `{` (rare outside
// JSON), then the key before it. A search for the key's `ata":` stops at every `a` of the text.
export function detectInlineMaps(text: string, spans: Span[]): void {
  for (let brace = text.indexOf('{'); brace !== -1; brace = text.indexOf('{', brace + 1)) {
    let colon = brace - 1;
    while (text.charCodeAt(colon) === 32) colon--;
    if (text.charCodeAt(colon) !== 58 || text.charCodeAt(colon - 1) !== 34) continue;
    const escaped = text.charCodeAt(colon - 2) === 92;
    const tail = escaped ? 'ata\\":' : 'ata":';
    const end = colon + 1 - tail.length;
    if (!text.startsWith(tail, end)) continue;
    const q = escaped ? '\\"' : '"';
    const field = text.startsWith(`${q}stringData`, end - 10 - q.length) ? 'stringData' : text.startsWith(`${q}data`, end - 1 - q.length) ? 'data' : null;
    if (field === null) continue;
    const at = end - (field === 'data' ? 1 : 10) - q.length;
    if (field === 'data' && isConfigMapLine(text, at)) continue;
    const values = parseFlatMap(text, brace, escaped);
    for (let v = 0; v < values.length; v += 2) {
      push(spans, values[v] as number, values[v + 1] as number, field === 'data' ? 'base64' : 'bracket');
    }
  }
  detectBareMaps(text, spans);
}

function isConfigMapLine(text: string, at: number): boolean {
  const ls = text.lastIndexOf('\n', at) + 1;
  let le = text.indexOf('\n', at);
  if (le === -1) le = text.length;
  const line = text.slice(ls, le);
  return /\\?"kind\\?":[ ]?\\?"ConfigMap\\?"/.test(line);
}

function push(spans: Span[], start: number, end: number, style: Span['style'], priority = 70): void {
  if (end > start) spans.push({ start, end, id: 'k8s-secret-data', style, priority, counted: true });
}

/**
 * [start, end) of every string value of the flat JSON object opening at `open`; stops (keeping
 * what it found) at anything that is not a string→string pair. `escaped`: the object sits inside
 * a JSON string, so its quotes are `\"` and its backslashes `\\`.
 */
export function parseFlatMap(text: string, open: number, escaped: boolean): number[] {
  const out: number[] = [];
  const q = escaped ? '\\"' : '"';
  let i = open + 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (!text.startsWith(q, i)) return out;
    const keyEnd = stringEnd(text, i + q.length, escaped);
    if (keyEnd === -1) return out;
    i = keyEnd + q.length;
    while (text[i] === ' ') i++;
    if (text[i] !== ':') return out;
    i++;
    while (text[i] === ' ') i++;
    if (!text.startsWith(q, i)) return out;
    const valueStart = i + q.length;
    const valueEnd = stringEnd(text, valueStart, escaped);
    if (valueEnd === -1) {
      // Cut mid-value (a long line split into segments): mask to the end of what we have.
      let le = text.indexOf('\n', valueStart);
      if (le === -1) le = text.length;
      out.push(valueStart, le);
      return out;
    }
    out.push(valueStart, valueEnd);
    i = valueEnd + q.length;
  }
}

/** Index of the closing quote of a JSON string whose content starts at `i`, or -1. */
function stringEnd(text: string, i: number, escaped: boolean): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return -1;
    if (c !== 92) {
      if (c === 34 && !escaped) return i;
      continue;
    }
    if (!escaped) {
      i++;
      continue;
    }
    // Inside an escaped string: `\"` closes, `\\` is one inner backslash escaping what follows.
    const d = text.charCodeAt(i + 1);
    if (d === 34) return i;
    if (d === 92) {
      i += 2;
      if (text.charCodeAt(i) === 92) i++;
      continue;
    }
    i++;
  }
  return -1;
}

const BARE_JSON_MAP = /\{"[^"\n]*":"[A-Za-z0-9+/=]*"(?:,"[^"\n]*":"[A-Za-z0-9+/=]*")*\}(?=\r?\n|\r?$)/y;
const GO_MAP = /map\[((?:[^\s:\]]+:[A-Za-z0-9+/=]+ ?)+)\]/g;

const secretish = (v: string) => isBase64(v) && (decodesToText(v) || v.length >= 16) && !/^[0-9a-f]+$/i.test(v) && !/^\d+$/.test(v);

function detectBareMaps(text: string, spans: Span[]): void {
  // Only a `{"` that starts a line can start a bare map; the sticky regex runs there alone.
  for (let at = text.indexOf('{"'); at !== -1; at = text.indexOf('{"', at + 2)) {
    if (at > 0 && text.charCodeAt(at - 1) !== 10) continue;
    BARE_JSON_MAP.lastIndex = at;
    if (!BARE_JSON_MAP.test(text)) continue;
    const values = parseFlatMap(text, at, false);
    const strings = [];
    for (let v = 0; v < values.length; v += 2) strings.push(text.slice(values[v], values[v + 1]));
    if (!strings.some(secretish)) continue;
    for (let v = 0; v < values.length; v += 2) push(spans, values[v] as number, values[v + 1] as number, 'base64');
  }
  // `map[` found by its `[` (rare outside JSON arrays), not its common `m`.
  let mapAt = -1;
  for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) {
    if (text.startsWith('map', at - 3)) {
      mapAt = at;
      break;
    }
  }
  if (mapAt !== -1) {
    for (const m of text.matchAll(GO_MAP)) {
      const pairs = (m[1] as string).trim().split(' ');
      if (!pairs.some((p) => secretish(p.slice(p.indexOf(':') + 1)))) continue;
      let at = m.index + 4;
      for (const pair of pairs) {
        const colon = pair.indexOf(':');
        push(spans, at + colon + 1, at + pair.length, 'base64');
        at += pair.length + 1;
      }
    }
  }
}

/** A line that is nothing but a base64 value; `certificates` lists line ranges to leave alone. */
export function detectBareValues(text: string, certificates: readonly number[], spans: Span[]): void {
  // A walk over line starts rather than a `(?:^|\n)…` regex: the engine would try every position,
  // and almost every line fails on its first few characters (indentation, `-`, a word and `:`).
  let c = 0;
  for (let at = 0; at <= text.length; ) {
    let next = text.indexOf('\n', at);
    if (next === -1) next = text.length;
    const end = bareValueEnd(text, at, next);
    if (end !== -1) {
      while (c < certificates.length && (certificates[c + 1] as number) < at) c += 2;
      const inCertificate = c < certificates.length && (certificates[c] as number) <= at;
      // Low priority: a specific detector (an AWS key id on its own line) names it better.
      if (!inCertificate && secretish(text.slice(at, end))) push(spans, at, end, 'base64', 5);
    }
    at = next + 1;
  }
}

const BASE64_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64_CHAR[ch.charCodeAt(0)] = 1;

/** End of the value when the line [at, lineEnd) is `[A-Za-z0-9+/]{8,}={0,2}\r?`, else -1. */
function bareValueEnd(text: string, at: number, lineEnd: number): number {
  let i = at;
  while (i < lineEnd && BASE64_CHAR[text.charCodeAt(i)] === 1) i++;
  if (i - at < 8) return -1;
  const end = text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
  if (end - i > 2) return -1;
  for (let j = i; j < end; j++) if (text.charCodeAt(j) !== 61) return -1;
  return end;
}
