// Ranges structural masking already masks (Secret data, PEM bodies): counted spans with a
// priority above every detector's. A detector's finding inside one cannot change the output —
// merge() keeps the union of overlapping spans and names it by its highest priority, and the
// union is counted already — so such a finding is dropped before its (costly) validation.
// Likewise a remembered value's recurrence (masked-value-memory.ts) inside what the block's
// findings mask already is left to them.
import type { Span } from './detectors/types.ts';

/** Above every detector's priority (built-in ones go up to 60, custom ones are 55). */
export const COVER_PRIORITY = 70;

export interface Covers {
  /** Is [start, end) inside one run of overlapping covering spans? */
  contains(start: number, end: number): boolean;
}

const NONE: Covers = { contains: () => false };

export function coversOf(spans: readonly Span[]): Covers {
  const covering = spans.filter((s) => s.counted && s.priority >= COVER_PRIORITY && s.end > s.start);
  // Joined only where they overlap, as merge() joins them: touching spans stay two markers.
  return covering.length === 0 ? NONE : joined(covering, false);
}

/** Everything the spans mask, joined where they overlap or touch. */
export function maskedBy(spans: readonly Span[]): Covers {
  const masking = spans.filter((s) => s.end > s.start);
  return masking.length === 0 ? NONE : joined(masking, true);
}

function joined(spans: Span[], touching: boolean): Covers {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const span of spans) {
    const last = ends.length - 1;
    if (last >= 0 && (span.start < (ends[last] as number) || (touching && span.start === ends[last]))) {
      ends[last] = Math.max(ends[last] as number, span.end);
    } else {
      starts.push(span.start);
      ends.push(span.end);
    }
  }
  return {
    contains(start, end) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] as number) <= start) lo = mid;
        else hi = mid - 1;
      }
      return (starts[lo] as number) <= start && end <= (ends[lo] as number);
    },
  };
}
