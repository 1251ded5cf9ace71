// Bytes in, masked bytes out, for pipes and pseudo-terminals. Bytes are handled as latin1
// (one char per byte), so invalid UTF-8 and binary pass through byte-exactly wherever nothing
// is masked. Whole lines are masked as they complete; the partial last line is held back. A
// line reaching SEGMENT bytes is cut, at the last delimiter in its final 3 KiB when there is
// one, so the hold-back never exceeds 4 KiB and a token of up to 3 KiB is never split. Cut
// points depend only on the bytes, never on how they arrived, so chunking cannot change output.
//
// Multi-line values (PEM private keys, block scalars under a Secret's data) need no hold-back:
// the line walker carries "inside a key body" as state and masks each body line as it completes.
import { BlockMasker, type BlockMaskerConfig, type MaskCounts } from './block-masker.ts';

export const SEGMENT = 4096;
const MIN_CUT = 1024;

export interface StreamingMasker {
  push(chunk: Uint8Array): Uint8Array;
  /** Emits the held partial line, masked (call on idle and at end of stream). */
  flush(): Uint8Array;
  readonly counts: MaskCounts;
  readonly heldBytes: number;
}

// Bytes that end a token: whitespace, controls, quotes and JSON/YAML punctuation.
const DELIMITER = new Uint8Array(256);
for (let c = 0; c <= 32; c++) DELIMITER[c] = 1;
for (const ch of `"',;{}[]()<>|&`) DELIMITER[ch.charCodeAt(0)] = 1;
DELIMITER[127] = 1;

function cutPoint(text: string, start: number): number {
  for (let i = start + SEGMENT - 1; i >= start + MIN_CUT; i--) {
    if (DELIMITER[text.charCodeAt(i)] === 1) return i + 1;
  }
  return start + SEGMENT;
}

export function createBlockStreamingMasker(config: BlockMaskerConfig): StreamingMasker {
  const masker = new BlockMasker(config);
  let pending = '';
  let continues = false;

  const out = (parts: string[]) => (parts.length === 0 ? new Uint8Array(0) : Buffer.from(parts.join(''), 'latin1'));

  return {
    push(chunk) {
      if (chunk.length === 0) return new Uint8Array(0);
      const text = pending + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
      const parts: string[] = [];
      let blockStart = 0;
      let lineStart = 0;
      for (;;) {
        const nl = text.indexOf('\n', lineStart);
        if (nl === -1) break;
        if (nl - lineStart < SEGMENT) {
          lineStart = nl + 1;
          continue;
        }
        if (lineStart > blockStart) {
          parts.push(masker.mask(text.slice(blockStart, lineStart), continues));
          continues = false;
        }
        blockStart = lineStart;
        while (nl - blockStart >= SEGMENT) {
          const cut = cutPoint(text, blockStart);
          parts.push(masker.mask(text.slice(blockStart, cut), continues));
          continues = true;
          blockStart = cut;
        }
        lineStart = nl + 1;
      }
      if (lineStart > blockStart) {
        parts.push(masker.mask(text.slice(blockStart, lineStart), continues));
        continues = false;
        blockStart = lineStart;
      }
      while (text.length - blockStart >= SEGMENT) {
        const cut = cutPoint(text, blockStart);
        parts.push(masker.mask(text.slice(blockStart, cut), continues));
        continues = true;
        blockStart = cut;
      }
      pending = text.slice(blockStart);
      return out(parts);
    },
    flush() {
      if (pending.length === 0) return new Uint8Array(0);
      const masked = masker.mask(pending, continues);
      continues = true;
      pending = '';
      return out([masked]);
    },
    get counts() {
      return masker.counts;
    },
    get heldBytes() {
      return pending.length;
    },
  };
}
