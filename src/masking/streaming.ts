// Bytes in, masked bytes out, for pipes and pseudo-terminals. Bytes are handled as latin1
// (one char per byte), so invalid UTF-8 and binary pass through byte-exactly wherever nothing
// is masked. Whole lines are masked as they complete; the partial last line is held back. A
// line reaching SEGMENT bytes is cut, at the last delimiter in its final 3 KiB when there is
// one, so the hold-back never exceeds 4 KiB and a token of up to 3 KiB is never split. Cut
// points depend only on the bytes, never on how they arrived, so chunking cannot change output.
//
// Multi-line values (PEM private keys, block scalars under a Secret's data) need no hold-back:
// the line walker carries "inside a key body" as state and masks each body line as it completes.
import { BlockMasker, type BlockMaskerConfig, type MaskCounts, type MaskedParts } from './block-masker.ts';

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

/** Text of its own (latin1, one char per byte), holding no reference to a larger string. */
export function detachedText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function createBlockStreamingMasker(config: BlockMaskerConfig): StreamingMasker {
  const masker = new BlockMasker(config);
  /** The held partial line, as text and as the bytes it came from. */
  let pending = '';
  let pendingBytes: Uint8Array = new Uint8Array(0);
  let continues = false;

  return {
    push(chunk) {
      if (chunk.length === 0) return new Uint8Array(0);
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const text = pending + bytes.toString('latin1');
      const out = new Output(pendingBytes, bytes);
      const emit = (start: number, end: number) => out.add(start, end, masker.maskParts(text.slice(start, end), continues));
      let blockStart = 0;
      let lineStart = 0;
      for (;;) {
        // Skips whole runs of short lines at once: the last newline within SEGMENT of lineStart
        // ends a run of lines that are all shorter than SEGMENT.
        const last = text.lastIndexOf('\n', lineStart + SEGMENT - 1);
        if (last >= lineStart) {
          lineStart = last + 1;
          continue;
        }
        const nl = text.indexOf('\n', lineStart + SEGMENT);
        if (nl === -1) break;
        if (lineStart > blockStart) {
          emit(blockStart, lineStart);
          continues = false;
        }
        blockStart = lineStart;
        while (nl - blockStart >= SEGMENT) {
          const cut = cutPoint(text, blockStart);
          emit(blockStart, cut);
          continues = true;
          blockStart = cut;
        }
        lineStart = nl + 1;
      }
      if (lineStart > blockStart) {
        emit(blockStart, lineStart);
        continues = false;
        blockStart = lineStart;
      }
      while (text.length - blockStart >= SEGMENT) {
        const cut = cutPoint(text, blockStart);
        emit(blockStart, cut);
        continues = true;
        blockStart = cut;
      }
      pendingBytes = out.copyFrom(blockStart);
      // Decoded from its own bytes, not sliced from `text`: a slice would keep this push's whole
      // text alive until the next one, so that every block's text outlived a young-generation
      // collection and was promoted (the pipe then spent more time collecting than masking).
      pending = detachedText(pendingBytes);
      return out.bytes();
    },
    flush() {
      if (pending.length === 0) return new Uint8Array(0);
      const masked = masker.mask(pending, continues);
      continues = true;
      pending = '';
      pendingBytes = new Uint8Array(0);
      return Buffer.from(masked, 'latin1');
    },
    get counts() {
      return masker.counts;
    },
    get heldBytes() {
      return pending.length;
    },
  };
}

/**
 * The output of one push. A block the masker left as it was is copied from the input bytes
 * (`held` then `chunk`, indexed like the text made of them) instead of being re-encoded.
 */
class Output {
  private readonly parts: (string | number)[] = [];
  private length = 0;

  constructor(
    private readonly held: Uint8Array,
    private readonly chunk: Uint8Array,
  ) {}

  /** Block [start, end) of the text, masked as `masked` (null: unchanged). */
  add(start: number, end: number, masked: MaskedParts | null): void {
    if (masked === null) {
      this.parts.push(start, end);
      this.length += end - start;
      return;
    }
    for (let i = 0; i < masked.length; i++) {
      const part = masked[i] as string | number;
      if (typeof part === 'string') {
        this.parts.push(part);
        this.length += part.length;
      } else {
        const partEnd = masked[++i] as number;
        this.parts.push(start + part, start + partEnd);
        this.length += partEnd - part;
      }
    }
  }

  bytes(): Uint8Array {
    if (this.length === 0) return new Uint8Array(0);
    const out = Buffer.allocUnsafe(this.length);
    let at = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i] as string | number;
      if (typeof part === 'string') at += out.write(part, at, 'latin1');
      else {
        const end = this.parts[++i] as number;
        this.copy(out, at, part, end);
        at += end - part;
      }
    }
    return out;
  }

  /** A copy of the input from text index `start` to its end. */
  copyFrom(start: number): Uint8Array {
    const end = this.held.length + this.chunk.length;
    const out = new Uint8Array(end - start);
    this.copy(out, 0, start, end);
    return out;
  }

  private copy(target: Uint8Array, at: number, start: number, end: number): void {
    const split = this.held.length;
    if (start < split) target.set(this.held.subarray(start, Math.min(end, split)), at);
    if (end > split) target.set(this.chunk.subarray(Math.max(start, split) - split, end - split), at + Math.max(0, split - start));
  }
}
