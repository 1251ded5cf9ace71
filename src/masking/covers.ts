// Ranges structural masking already masks (Secret data, PEM bodies): counted spans with a
// priority above every detector's. A detector's finding inside one cannot change the output —
// merge() keeps the union of overlapping spans and names it by its highest priority, and the
// union is counted already — so such a finding is dropped before its (costly) validation.
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
  if (covering.length === 0) return NONE;
  covering.sort((a, b) => a.start - b.start || b.end - a.end);
  // Joined only where they overlap, as merge() joins them: touching spans stay two markers.
  const starts: number[] = [];
  const ends: number[] = [];
  for (const span of covering) {
    const last = ends.length - 1;
    if (last >= 0 && span.start < (ends[last] as number)) ends[last] = Math.max(ends[last] as number, span.end);
    else {
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
