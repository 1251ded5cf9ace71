// Masks one block of the stream: whole lines, or a bounded segment of a line too long to hold.
// Everything here is a function of the block and the state left by the blocks before it (and by
// the session's memory of masked values, shared with its other maskers), so however the input
// was chunked the output is the same.
import { escapesWithin, stripAnsi } from './ansi.ts';
import { maskedBy } from './covers.ts';
import { detect } from './detect.ts';
import type { Detector, MarkerStyle, Span } from './detectors/types.ts';
import { detectBareValues, detectInlineMaps } from './kube-inline.ts';
import { detectEmbeddedDocuments } from './embedded.ts';
import { initialStructureState, isStructureKey, walkStructure, type StructureState } from './kube-structure.ts';
import { scanKeys } from './key-scan.ts';
import type { AllowList } from './allow-list.ts';
import type { MarkerRenderer } from './marker.ts';
import { knownValueSpan, MIN_VALUE, type MaskedValueMemory } from './masked-value-memory.ts';

export interface MaskCounts {
  [detectorId: string]: number;
}

/** How much of the current line's already-emitted text detectors see as context. */
const PREFIX_CONTEXT = 256;

export interface BlockMaskerConfig {
  detectors: readonly Detector[];
  allow: AllowList;
  marker: MarkerRenderer;
  /** Values masked earlier in the session, masked wherever they recur; shared by its maskers. */
  memory?: MaskedValueMemory;
}

/**
 * A masked block: numbers come in pairs, [start, end) of the block kept as it was, and strings
 * are inserted (markers, and the escape sequences a masked value held). Kept ranges let the
 * stream copy input bytes instead of re-encoding the whole block.
 */
export type MaskedParts = (string | number)[];

interface Continuation {
  id: string;
  style: MarkerStyle;
  /** The rest of a remembered value whose first part ended the previous block. */
  rest?: string;
}

export class BlockMasker {
  readonly counts: MaskCounts = {};
  private readonly structure: StructureState = initialStructureState();
  /** Unmasked text of the current line emitted so far (tail), when a line was cut. */
  private linePrefix = '';
  /** A masked value ran into the end of the previous (cut) segment: its rest is masked too. */
  private continuation: Continuation | null = null;
  /** Values first masked in the current block, and where: only later occurrences are masked as known. */
  private readonly learned = new Map<string, number>();

  constructor(private readonly config: BlockMaskerConfig) {}

  mask(block: string, continues: boolean): string {
    const parts = this.maskParts(block, continues);
    if (parts === null) return block;
    let out = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string | number;
      out += typeof part === 'string' ? part : block.slice(part, parts[++i] as number);
    }
    return out;
  }

  /** `continues`: the block starts mid-line; `terminated`: it ends with a newline. Null: unchanged. */
  maskParts(block: string, continues: boolean): MaskedParts | null {
    const terminated = block.charCodeAt(block.length - 1) === 10;
    const stripped = block.includes('\x1b') ? stripAnsi(block) : null;
    const clean = stripped ? stripped.clean : block;
    const spans: Span[] = [];

    const memory = this.config.memory;
    const learned = this.learned;
    if (learned.size > 0) learned.clear();
    let walkFrom = 0;
    /** How much of the block the continuation masks, and what of a remembered value is still to come. */
    let continued = 0;
    let rest: string | undefined;
    if (continues) {
      const nl = clean.indexOf('\n');
      walkFrom = nl === -1 ? clean.length : nl + 1;
      if (this.continuation) {
        const span = continuationSpan(clean, this.continuation);
        spans.push(span);
        continued = span.end;
        const known = this.continuation.rest;
        if (known === undefined) {
          if (memory !== undefined && continued >= MIN_VALUE) this.remember(memory, clean.slice(0, continued), 0, learned);
        } else if (known.length > clean.length && known.startsWith(clean)) rest = known.slice(clean.length);
      }
    }
    const prefix = continues ? this.linePrefix : '';
    const text = prefix + clean;
    const found: Span[] = [];
    const certificates: number[] = [];
    const keys = scanKeys(text);
    const structureLines: number[] = [];
    // Ascending, as scanKeys finds them.
    for (const hit of keys) if (isStructureKey(text, hit.keyStart, hit.keyEnd)) structureLines.push(hit.start);
    walkStructure(text, prefix.length + walkFrom, structureLines, this.structure, found, certificates);
    detectInlineMaps(text, found);
    detectEmbeddedDocuments(text, this.nestedScan, found);
    detectBareValues(text, certificates, found);
    detect(text, this.config.detectors, keys, found);
    for (const span of found) {
      if (span.end <= prefix.length) continue;
      if (memory !== undefined && span.end - span.start >= MIN_VALUE) this.remember(memory, text.slice(span.start, span.end), span.start, learned);
      span.start = Math.max(0, span.start - prefix.length);
      span.end -= prefix.length;
      spans.push(span);
    }
    // After this block's own findings are remembered: a value masked on one line is masked where
    // it recurs further down the same block, as it would be had the lines come one by one.
    if (memory !== undefined && memory.size > 0) {
      const tailRest = maskKnownValues(memory, text, prefix.length, terminated, continued, learned, spans);
      rest ??= tailRest;
    }

    const merged = merge(spans);
    this.continuation = null;
    if (!terminated) {
      const last = merged[merged.length - 1];
      if (last && last.end === clean.length) this.continuation = { id: last.id, style: last.style, rest };
      const lineStart = text.lastIndexOf('\n') + 1;
      // A copy: a slice would keep the whole block's text alive for as long as the line goes on.
      this.linePrefix = Buffer.from(text.slice(Math.max(lineStart, text.length - PREFIX_CONTEXT)), 'latin1').toString('latin1');
    } else this.linePrefix = '';
    return this.render(block, clean, stripped?.map, merged);
  }

  /** What masking a multi-line string found inside an embedded document would replace. */
  private readonly nestedScan = (value: string): { value: string; id: string }[] => {
    const block = value.endsWith('\n') ? value : `${value}\n`;
    const inner = new BlockMasker({ ...this.config, memory: undefined });
    const parts = inner.maskParts(block, false);
    if (parts === null) return [];
    const found: { value: string; id: string }[] = [];
    let at = 0;
    let marker = '';
    const take = (end: number) => {
      const original = block.slice(at, end).replace(/\n$/, '');
      if (original.length > 0) found.push({ value: original, id: markerId(marker) });
    };
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string | number;
      if (typeof part === 'string') {
        marker ||= part;
        continue;
      }
      if (part > at) take(part);
      at = parts[++i] as number;
      marker = '';
    }
    if (at < block.length) take(block.length);
    return found;
  };

  private remember(memory: MaskedValueMemory, value: string, at: number, learned: Map<string, number>): void {
    // An allow-listed value is never masked, so it must not be masked later as a known value.
    if (this.config.allow(value) || !memory.remember(value)) return;
    const first = learned.get(value);
    if (first === undefined || at < first) learned.set(value, at);
  }

  private render(block: string, clean: string, map: Int32Array | undefined, spans: readonly Span[]): MaskedParts | null {
    if (spans.length === 0) return null;
    const parts: MaskedParts = [];
    let at = 0;
    for (const span of spans) {
      const original = clean.slice(span.start, span.end);
      if (this.config.allow(original)) continue;
      const start = map ? (map[span.start] as number) : span.start;
      const end = map ? (map[span.end - 1] as number) + 1 : span.end;
      if (start > at) parts.push(at, start);
      if (span.counted) {
        this.counts[span.id] = (this.counts[span.id] ?? 0) + 1;
        parts.push(this.config.marker(span.id, span.style, original));
      } else if (span.priority >= 0) {
        parts.push(this.config.marker(span.id, span.style, original));
      }
      if (map) parts.push(escapesWithin(block, start, end));
      at = end;
    }
    if (block.length > at) parts.push(at, block.length);
    return parts;
  }
}

/** The detector id in a marker (`[MASKED:id]`, or its base64). */
function markerId(marker: string): string {
  const text = marker.startsWith('[') ? marker : Buffer.from(marker, 'base64').toString('latin1');
  return /^\[MASKED:([a-z0-9-]+)/.exec(text)?.[1] ?? 'embedded-secret';
}

/**
 * Spans of the remembered values in `text` (prefix + block), in block coordinates. On a block that
 * ends mid-line, a first part of a remembered value at its end is masked too; returns the rest.
 */
function maskKnownValues(
  memory: MaskedValueMemory,
  text: string,
  prefixLength: number,
  terminated: boolean,
  continued: number,
  learned: ReadonlyMap<string, number>,
  spans: Span[],
): string | undefined {
  const tailFrom = terminated ? Infinity : continued > 0 ? prefixLength + continued : 0;
  const hits: Span[] = [];
  const tail = memory.scan(
    text,
    (start, end, value) => {
      if (end <= prefixLength) return;
      // Begun in the previous block and masked there: the continuation masks its rest silently.
      if (start < prefixLength && end - prefixLength <= continued) return;
      const learnedAt = learned.get(value);
      if (learnedAt !== undefined && start < learnedAt) return;
      hits.push(knownValueSpan(Math.max(0, start - prefixLength), end - prefixLength));
    },
    tailFrom,
  );
  if (tail !== null) hits.push(knownValueSpan(Math.max(0, tail.start - prefixLength), text.length - prefixLength));
  if (hits.length === 0) return undefined;
  // Where a detector masks the value already, it is its finding (counted once, by its name); a
  // second, counted span would count each line of a private key again.
  const masked = maskedBy(spans);
  for (const hit of hits) if (!masked.contains(hit.start, hit.end)) spans.push(hit);
  return tail?.rest;
}

// Where the rest of a cut value ends: at whitespace, a quote, a JSON delimiter or `\"` — or where
// the text stops following the remembered value it began.
function continuationSpan(clean: string, c: Continuation): Span {
  let end = 0;
  for (; end < clean.length; end++) {
    const ch = clean.charCodeAt(end);
    if (ch <= 32 || ch === 34 || ch === 39 || ch === 44 || ch === 59 || ch === 123 || ch === 125 || ch === 93) break;
    if (ch === 92 && clean.charCodeAt(end + 1) === 34) break;
  }
  if (c.rest !== undefined) {
    let same = 0;
    const n = Math.min(clean.length, c.rest.length);
    while (same < n && clean.charCodeAt(same) === c.rest.charCodeAt(same)) same++;
    if (same > end) end = same;
  }
  // priority -1: a silent continuation; the marker was emitted with the value's first part.
  return { start: 0, end, id: c.id, style: c.style, priority: -1, counted: false };
}

/** Overlapping spans become their union, named by the most specific (highest priority) detector. */
function merge(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans.filter((s) => s.end > s.start);
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const span of spans) {
    if (span.end <= span.start) continue;
    const cur = out[out.length - 1];
    if (!cur || span.start >= cur.end) {
      out.push({ ...span });
      continue;
    }
    cur.end = Math.max(cur.end, span.end);
    // The most specific detector names the span and picks the marker's form (base64 inside data).
    if (span.priority > cur.priority || (span.priority === cur.priority && span.style === 'base64')) {
      cur.id = span.id;
      cur.priority = span.priority;
      cur.style = span.style;
    }
    cur.counted ||= span.counted;
  }
  return out;
}
