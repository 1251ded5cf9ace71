// Masks one block of the stream: whole lines, or a bounded segment of a line too long to hold.
// Everything here is a function of the block and the state left by the blocks before it, so
// however the input was chunked the output is the same.
import { escapesWithin, stripAnsi } from './ansi.ts';
import { detect } from './detect.ts';
import type { Detector, MarkerStyle, Span } from './detectors/types.ts';
import { detectBareValues, detectInlineMaps } from './kube-inline.ts';
import { initialStructureState, isStructureKey, walkStructure, type StructureState } from './kube-structure.ts';
import { scanKeys } from './key-scan.ts';
import type { AllowList } from './allow-list.ts';
import type { MarkerRenderer } from './marker.ts';

export interface MaskCounts {
  [detectorId: string]: number;
}

/** How much of the current line's already-emitted text detectors see as context. */
const PREFIX_CONTEXT = 256;

export interface BlockMaskerConfig {
  detectors: readonly Detector[];
  allow: AllowList;
  marker: MarkerRenderer;
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
}

export class BlockMasker {
  readonly counts: MaskCounts = {};
  private readonly structure: StructureState = initialStructureState();
  /** Unmasked text of the current line emitted so far (tail), when a line was cut. */
  private linePrefix = '';
  /** A masked value ran into the end of the previous (cut) segment: its rest is masked too. */
  private continuation: Continuation | null = null;

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

    let walkFrom = 0;
    if (continues) {
      const nl = clean.indexOf('\n');
      walkFrom = nl === -1 ? clean.length : nl + 1;
      if (this.continuation) spans.push(continuationSpan(clean, this.continuation));
    }
    const prefix = continues ? this.linePrefix : '';
    const text = prefix + clean;
    const found: Span[] = [];
    const certificates: number[] = [];
    const keys = scanKeys(text);
    const structureLines: number[] = [];
    for (const hit of keys) if (isStructureKey(text, hit.keyStart, hit.keyEnd)) structureLines.push(hit.start);
    structureLines.sort((a, b) => a - b);
    walkStructure(text, prefix.length + walkFrom, structureLines, this.structure, found, certificates);
    detectInlineMaps(text, found);
    detectBareValues(text, certificates, found);
    detect(text, this.config.detectors, keys, found);
    for (const span of found) {
      if (span.end <= prefix.length) continue;
      span.start = Math.max(0, span.start - prefix.length);
      span.end -= prefix.length;
      spans.push(span);
    }

    const merged = merge(spans);
    this.continuation = null;
    if (!terminated) {
      const last = merged[merged.length - 1];
      if (last && last.end === clean.length) this.continuation = { id: last.id, style: last.style };
      const lineStart = text.lastIndexOf('\n') + 1;
      this.linePrefix = text.slice(Math.max(lineStart, text.length - PREFIX_CONTEXT));
    } else this.linePrefix = '';
    return this.render(block, clean, stripped?.map, merged);
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

// Where the rest of a cut value ends: at whitespace, a quote, a JSON delimiter or `\"`.
function continuationSpan(clean: string, c: Continuation): Span {
  let end = 0;
  for (; end < clean.length; end++) {
    const ch = clean.charCodeAt(end);
    if (ch <= 32 || ch === 34 || ch === 39 || ch === 44 || ch === 59 || ch === 123 || ch === 125 || ch === 93) break;
    if (ch === 92 && clean.charCodeAt(end + 1) === 34) break;
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
