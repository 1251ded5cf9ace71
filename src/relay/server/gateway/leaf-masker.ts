// One string at a time through the session's masker (maskText, the same engine as every other
// stream), remembered: API responses repeat the same values (images, phases, label values) many
// times, and a list of 100 MB must not be masked string by string from scratch.
import { maskText, type MaskingOptions } from '../../../masking/index.ts';
import type { LeafMasker } from './mask-object.ts';

const CACHE_ENTRIES = 50_000;
/** Longer strings are masked each time rather than kept. */
const CACHE_MAX_LENGTH = 4096;

export function createLeafMasker(options: MaskingOptions): LeafMasker & { counts: Record<string, number> } {
  const cache = new Map<string, string>();
  const counts: Record<string, number> = {};
  const mask = (text: string): string => {
    if (text === '') return text;
    const known = cache.get(text);
    if (known !== undefined) return known;
    const result = maskText(text, options);
    for (const [id, count] of Object.entries(result.counts)) counts[id] = (counts[id] ?? 0) + (count as number);
    if (text.length <= CACHE_MAX_LENGTH) {
      if (cache.size >= CACHE_ENTRIES) cache.clear();
      cache.set(text, result.text);
    }
    return result.text;
  };
  return Object.assign(mask, { counts });
}
