// Runs regex detectors over a block of whole lines. Anchored detectors scan only the lines that
// hold one of their literals (found with native substring search), so the common case — a
// kubectl table or a pod's YAML with nothing secret — costs a few memchr-speed passes.
import { COVER_PRIORITY, coversOf, type Covers } from './covers.ts';
import type { Detector, Span } from './detectors/types.ts';
import { endingCode, type KeyHit } from './key-scan.ts';

const endingSets = new WeakMap<Detector, ReadonlySet<number>>();

function keyEndingSet(detector: Detector): ReadonlySet<number> | undefined {
  if (!detector.keyEndings) return undefined;
  let set = endingSets.get(detector);
  if (!set) endingSets.set(detector, (set = new Set(detector.keyEndings.map(endingCode))));
  return set;
}

export function detect(text: string, detectors: readonly Detector[], keys: readonly KeyHit[], spans: Span[]): void {
  // Lower-casing a block costs as much as several regex passes: only for case-insensitive anchors.
  let lower: string | undefined;
  let gated: Map<(text: string) => number[], number[]> | undefined;
  let sharedLines: Map<string, number[]> | undefined;
  const covers = coversOf(spans);
  for (const detector of detectors) {
    if (detector.priority >= COVER_PRIORITY) throw new Error(`detector ${detector.id}: priority must stay below ${COVER_PRIORITY}`);
    if (detector.keyed) {
      const endings = keyEndingSet(detector);
      for (const hit of keys) {
        if (endings && !endings.has(hit.ending)) continue;
        if (detector.keyWord && !detector.keyWord.test(text.slice(hit.keyStart, hit.keyEnd))) continue;
        detector.regex.lastIndex = hit.start;
        const m = detector.regex.exec(text);
        if (m) found(m, 0, text, detector, spans, covers);
      }
      continue;
    }
    if (detector.gate) {
      gated ??= new Map();
      let lines = gated.get(detector.gate);
      if (!lines) gated.set(detector.gate, (lines = detector.gate(text)));
      for (let i = 0; i < lines.length; i += 2) {
        scan(text.slice(lines[i], lines[i + 1]), lines[i] as number, text, detector, spans, covers);
      }
      continue;
    }
    if (!detector.anchors) {
      scan(text, 0, text, detector, spans, covers);
      continue;
    }
    if (detector.anchorStart) {
      scanFromAnchors(text, detector, detector.anchorStart, spans, covers);
      continue;
    }
    const hay = detector.anchorsIgnoreCase ? (lower ??= text.toLowerCase()) : text;
    // Detectors anchored on the same single literal share its search (`_` for several vendors).
    let lines: number[] | undefined;
    if (detector.anchors.length === 1 && !detector.anchorsIgnoreCase) {
      const anchor = detector.anchors[0] as string;
      sharedLines ??= new Map();
      lines = sharedLines.get(anchor);
      if (!lines) sharedLines.set(anchor, (lines = anchoredLines(hay, detector.anchors)));
    } else lines = anchoredLines(hay, detector.anchors);
    for (let i = 0; i < lines.length; i += 2) {
      scan(text.slice(lines[i], lines[i + 1]), lines[i] as number, text, detector, spans, covers);
    }
  }
}

/** Sorted, distinct [start, end) pairs of the lines holding any anchor. */
function anchoredLines(hay: string, anchors: readonly string[]): number[] {
  const starts: number[] = [];
  for (const anchor of anchors) {
    let at = hay.indexOf(anchor);
    while (at !== -1) {
      const lineStart = hay.lastIndexOf('\n', at) + 1;
      let lineEnd = hay.indexOf('\n', at);
      if (lineEnd === -1) lineEnd = hay.length;
      starts.push(lineStart, lineEnd);
      at = hay.indexOf(anchor, lineEnd);
    }
  }
  if (anchors.length === 1 || starts.length <= 2) return starts;
  const order: number[] = [];
  for (let i = 0; i < starts.length; i += 2) order.push(i);
  order.sort((a, b) => (starts[a] as number) - (starts[b] as number));
  const out: number[] = [];
  let last = -1;
  for (const i of order) {
    const s = starts[i] as number;
    if (s === last) continue;
    last = s;
    out.push(s, starts[i + 1] as number);
  }
  return out;
}

/** Runs the (sticky) regex where each anchor hit says a match would start. */
function scanFromAnchors(text: string, detector: Detector, startOf: (text: string, at: number) => number, spans: Span[], covers: Covers): void {
  const re = detector.regex;
  for (const anchor of detector.anchors ?? []) {
    for (let at = text.indexOf(anchor); at !== -1; at = text.indexOf(anchor, at + anchor.length)) {
      re.lastIndex = startOf(text, at);
      const m = re.exec(text);
      if (m === null || m.index + m[0].length <= at) continue;
      found(m, 0, text, detector, spans, covers);
      at = Math.max(at, m.index + m[0].length - anchor.length);
    }
  }
}

function scan(slice: string, offset: number, text: string, detector: Detector, spans: Span[], covers: Covers): void {
  const re = detector.regex;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(slice)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    found(m, offset, text, detector, spans, covers);
  }
}

function found(m: RegExpExecArray, offset: number, text: string, detector: Detector, spans: Span[], covers: Covers): void {
  let start = offset + m.index;
  let value = m[0];
  if (detector.valueGroup === 2) {
    if (m[2] === undefined) return;
    start += (m[1] ?? '').length;
    value = m[2];
  } else if (detector.valueGroup === 'value') {
    const at = m.indices?.groups?.['value'];
    if (!at) return;
    start = offset + at[0];
    value = m.groups?.['value'] ?? '';
  }
  if (detector.valueGroup !== 0) [start, value] = unquoted(start, value);
  if (value.length === 0) return;
  const end = start + value.length;
  // extend() is pure, so it may run before validation: a finding already masked is dropped early.
  const extended = detector.extend ? detector.extend(text, start, end) : end;
  if (covers.contains(start, extended)) return;
  let id = detector.id;
  if (detector.validate) {
    const verdict = detector.validate(value, text, start, end);
    if (verdict === false) return;
    if (typeof verdict === 'string') id = verdict;
  }
  spans.push({ start, end: extended, id, style: 'bracket', priority: detector.priority, counted: true });
}

/** A quoted value is masked inside its quotes, so JSON and YAML keep their shape. */
function unquoted(start: number, value: string): [number, string] {
  const n = value.length;
  if (n >= 4 && value.startsWith('\\"') && value.endsWith('\\"')) return [start + 2, value.slice(2, -2)];
  const q = value[0];
  if ((q === '"' || q === "'") && n >= 2 && value[n - 1] === q) return [start + 1, value.slice(1, -1)];
  return [start, value];
}
