// The text that replaces a secret. `[MASKED:<detector>]` reads well and keeps quoting; inside a
// Secret's `data` the marker is itself base64 (of that same text) so `-o json` stays a valid
// Secret and `base64 -d` prints the marker. The optional fingerprint is a keyed hash (HMAC), never
// a plain one, so equal values can be told apart without being guessable offline.
import { createHmac } from 'node:crypto';
import type { MarkerStyle } from './detectors/types.ts';

export type MarkerRenderer = (id: string, style: MarkerStyle, original: string) => string;

export function createMarkerRenderer(fingerprintKey?: Uint8Array): MarkerRenderer {
  // Keyed by id, then style: no key string is built per masked value.
  const cache = new Map<string, Partial<Record<MarkerStyle, string>>>();
  return (id, style, original) => {
    if (fingerprintKey) {
      const fp = createHmac('sha256', fingerprintKey).update(original, 'latin1').digest('hex').slice(0, 8);
      return styled(`[MASKED:${id}:${fp}]`, style);
    }
    let byStyle = cache.get(id);
    if (byStyle === undefined) cache.set(id, (byStyle = {}));
    return (byStyle[style] ??= styled(`[MASKED:${id}]`, style));
  };
}

function styled(text: string, style: MarkerStyle): string {
  return style === 'base64' ? Buffer.from(text, 'latin1').toString('base64') : text;
}
