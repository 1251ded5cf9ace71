// One string at a time through the session's masker (maskText, the same engine as every other
// stream), remembered: API responses repeat the same values (images, phases, label values) many
// times, and a list of 100 MB must not be masked string by string from scratch.
import { maskText, type MaskingOptions } from '../../../masking/index.ts';
import type { LeafMasker } from './mask-object.ts';

const CACHE_ENTRIES = 50_000;
/** Longer strings are masked each time rather than kept. */
const CACHE_MAX_LENGTH = 4096;

/** Keys that can stand before `: ` on a line as they are (no colon, quote or line break in them). */
const PLAIN_KEY = /^[\w./-]{1,253}$/;

export function createLeafMasker(options: MaskingOptions): LeafMasker & { counts: Record<string, number> } {
  const cache = new Map<string, string>();
  const counts: Record<string, number> = {};
  const run = (text: string): string => {
    const result = maskText(text, options);
    for (const [id, count] of Object.entries(result.counts)) counts[id] = (counts[id] ?? 0) + (count as number);
    return result.text;
  };
  /** `key: value` as one line of YAML, so detectors that read assignments (`password: …`) see one. */
  const withKey = (text: string, key: string): string => {
    const prefix = `${key}: `;
    const masked = run(`${prefix}${text}`);
    if (masked.startsWith(prefix)) return masked.slice(prefix.length);
    // The masker took the key in with the value: the value is all masked.
    return run(text) === text ? '[MASKED:key-value]' : run(text);
  };
  const mask = (text: string, key?: string): string => {
    if (text === '') return text;
    const usable = key !== undefined && PLAIN_KEY.test(key) ? key : '';
    const cacheKey = `${usable}\u0000${text}`;
    const known = cache.get(cacheKey);
    if (known !== undefined) return known;
    const result = usable === '' ? run(text) : withKey(text, usable);
    if (text.length <= CACHE_MAX_LENGTH) {
      if (cache.size >= CACHE_ENTRIES) cache.clear();
      cache.set(cacheKey, result);
    }
    return result;
  };
  return Object.assign(mask, { counts });
}
