// Values a session has already masked, so that a later bare occurrence is masked too: a key
// typed as `export KEY=…` and then printed by `echo $KEY`, a token seen in `env` that turns up
// again in a log line or on stderr. No detector recognises such a value out of its context; only
// having seen it masked once does. One memory is shared by every masker of a session (stdout,
// stderr, the typed input), and it is bounded — oldest dropped — so a stream cannot grow it
// without limit.
//
// Lookup samples the text: every value is at least MIN_VALUE (8) bytes long, so each occurrence
// holds a whole 4-byte word at a position that is a multiple of 4. Which of the value's words
// that is depends only on the occurrence's start modulo 4; so each value is indexed by one word
// of each of those four classes (offsets o, o+4, o+8… for o = 0..3). A scan copies the text into
// an aligned buffer (native, GB/s), reads it one 32-bit word at a time against a small counting
// filter, and verifies the rare hits with a native string comparison.
//
// Values sharing words (JWTs all start `eyJhbGciOi`, base64 certificates `LS0tLS1CRUdJTi`) are
// indexed by a later, rarer word where they have one, and no word indexes more than
// BUCKET_LIMIT values: the oldest is forgotten first. So a text that repeats a shared word costs
// at most BUCKET_LIMIT comparisons per word, however the memory was filled.
import type { Span } from './detectors/types.ts';

export const KNOWN_VALUE_ID = 'session-known-value';
/** Shorter values are too likely to recur by chance (`true`, `admin`, a port number). */
export const MIN_VALUE = 8;
/** Below every detector's, so a detector that also recognises the value names it. */
const KNOWN_VALUE_PRIORITY = 5;

const WORD = 4;
const FILTER_BITS = 16;
const FILTER_SHIFT = 32 - FILTER_BITS;
const GOLDEN = 0x9e3779b1;
/** Text is scanned this many bytes at a time (a multiple of WORD), whatever a block's size. */
const WINDOW = 64 * 1024;
/** A word indexing this many forms is crowded: a later word of the value is taken if it is not. */
const CROWDED = 4;
const BUCKET_LIMIT = 8;

export interface MemoryLimits {
  /** Values remembered at once (a value's base64 form belongs to it). */
  maxValues: number;
  /** Bytes of all remembered values and their base64 forms together. */
  maxBytes: number;
  /** Longer values are not remembered (the stream masks at most a 4 KiB segment at once). */
  maxValueBytes: number;
}

export const DEFAULT_MEMORY_LIMITS: MemoryLimits = { maxValues: 4096, maxBytes: 4 * 1024 * 1024, maxValueBytes: 8192 };

interface Probe {
  /** The value as it was masked: what a hit reports. */
  readonly value: string;
  /** What is searched: the value, or its base64 form without the padding. */
  readonly form: string;
  /** The `=` padding of the base64 form, masked with it where it follows. */
  readonly padding: string;
  readonly offset: number;
  readonly key: number;
}

/** An occurrence of a remembered value, or of its base64 form, at [start, end). */
export type KnownValueHit = (start: number, end: number, value: string) => void;

/** Where the text ends in the first part of a remembered form, and what the form goes on with. */
export interface TailMatch {
  start: number;
  rest: string;
}

export class MaskedValueMemory {
  private readonly limits: MemoryLimits;
  /** Remembered value → the probes of its forms; Map order is recency, oldest first. */
  private readonly values = new Map<string, Probe[]>();
  private readonly buckets = new Map<number, Probe[]>();
  /** Probes per filter slot: zero means no word hashing there is indexed. */
  private filter: Uint32Array | null = null;
  private scratch: { bytes: Buffer; words: Int32Array } | null = null;
  private bytes = 0;

  constructor(limits: Partial<MemoryLimits> = {}) {
    this.limits = { ...DEFAULT_MEMORY_LIMITS, ...limits };
  }

  /** How many values are remembered. */
  get size(): number {
    return this.values.size;
  }

  has(value: string): boolean {
    return this.values.has(value);
  }

  /**
   * Remembers a masked value (latin1: one char per byte), and the base64 form of it; true if it
   * was not remembered before. Values too short to mean anything, too long to keep, or holding a
   * marker or PEM armour are ignored: remembering a marker would mask every later marker.
   */
  remember(value: string): boolean {
    if (value.length < MIN_VALUE || value.length > this.limits.maxValueBytes) return false;
    const known = this.values.get(value);
    if (known !== undefined) {
      // Moved to the newest end under a key of its own (see below).
      this.values.delete(value);
      this.values.set(Buffer.from(value, 'latin1').toString('latin1'), known);
      return false;
    }
    if (notSecret(value)) return false;
    const bytes = Buffer.from(value, 'latin1');
    // Kept as a string of its own: the value is a slice of a block's text, which it would keep
    // alive (64 KiB and more) for as long as it is remembered.
    value = bytes.toString('latin1');
    const base64 = bytes.toString('base64');
    const size = value.length + base64.length;
    if (size > this.limits.maxBytes || this.limits.maxValues < 1) return false;
    while (this.values.size >= this.limits.maxValues || this.bytes + size > this.limits.maxBytes) this.forgetOldest();
    const probes: Probe[] = [];
    this.index(probes, value, value, '');
    const unpadded = base64.replace(/=+$/, '');
    this.index(probes, value, unpadded, base64.slice(unpadded.length));
    this.values.set(value, probes);
    this.bytes += size;
    return true;
  }

  /**
   * Reports every occurrence of a remembered value (or its base64 form) in `text`. With
   * `tailFrom`, also returns the longest end of `text`, starting there or later and at least
   * MIN_VALUE bytes, that is the first part of a longer remembered form: a value the stream cut
   * (at an idle flush, or a long line's segment end) is then masked from its first part on.
   */
  scan(text: string, hit: KnownValueHit, tailFrom = Infinity): TailMatch | null {
    const filter = this.filter;
    if (filter === null || this.values.size === 0) return null;
    const { bytes, words } = (this.scratch ??= alignedScratch());
    const buckets = this.buckets;
    let tail: TailMatch | null = null;
    for (let base = 0; base + WORD <= text.length; base += WINDOW) {
      const end = Math.min(text.length, base + WINDOW);
      bytes.write(base === 0 && end === text.length ? text : text.slice(base, end), 0, 'latin1');
      const count = (end - base) >> 2;
      for (let w = nextCandidate(words, filter, 0, count); w < count; w = nextCandidate(words, filter, w + 1, count)) {
        const key = words[w]!;
        const bucket = buckets.get(key);
        if (bucket === undefined) continue;
        const at = base + w * WORD;
        for (let i = 0; i < bucket.length; i++) {
          const probe = bucket[i]!;
          const start = at - probe.offset;
          if (start < 0) continue;
          const form = probe.form;
          const formEnd = start + form.length;
          if (formEnd <= text.length) {
            if (!text.startsWith(form, start)) continue;
            hit(start, probe.padding !== '' && text.startsWith(probe.padding, formEnd) ? formEnd + probe.padding.length : formEnd, probe.value);
          } else if (start >= tailFrom && text.length - start >= MIN_VALUE && (tail === null || start < tail.start)) {
            const part = text.slice(start);
            if (form.startsWith(part)) tail = { start, rest: form.slice(part.length) };
          }
        }
      }
    }
    return tail;
  }

  private index(probes: Probe[], value: string, form: string, padding: string): void {
    const filter = (this.filter ??= new Uint32Array(1 << FILTER_BITS));
    for (let first = 0; first < WORD; first++) {
      // The earliest word that is not crowded (an early word also finds a value cut short at the
      // end of a block), else the least crowded one.
      let offset = first;
      let key = wordAt(form, first);
      let load = this.buckets.get(key)?.length ?? 0;
      for (let next = first + WORD; load >= CROWDED && next + WORD <= form.length; next += WORD) {
        const nextKey = wordAt(form, next);
        const nextLoad = this.buckets.get(nextKey)?.length ?? 0;
        if (nextLoad < load) [offset, key, load] = [next, nextKey, nextLoad];
      }
      let bucket = this.buckets.get(key);
      if (bucket === undefined) this.buckets.set(key, (bucket = []));
      while (bucket.length >= BUCKET_LIMIT) {
        const oldest = bucket.find((probe) => probe.value !== value);
        if (oldest === undefined) break;
        this.forget(oldest.value);
      }
      const probe: Probe = { value, form, padding, offset, key };
      bucket.push(probe);
      if (!this.buckets.has(key)) this.buckets.set(key, bucket);
      filter[slotOf(key)]!++;
      probes.push(probe);
    }
  }

  private forgetOldest(): void {
    const oldest = this.values.keys().next();
    if (!oldest.done) this.forget(oldest.value);
  }

  private forget(value: string): void {
    const probes = this.values.get(value);
    if (probes === undefined) return;
    this.values.delete(value);
    for (const probe of probes) {
      const bucket = this.buckets.get(probe.key)!;
      // In order, so a bucket's first probe stays its oldest.
      bucket.splice(bucket.indexOf(probe), 1);
      if (bucket.length === 0) this.buckets.delete(probe.key);
      this.filter![slotOf(probe.key)]!--;
    }
    this.bytes -= value.length + Math.ceil(value.length / 3) * 4;
  }
}

/**
 * A marker (`[MASKED:…`, or its base64 inside a Secret's data) or a PEM armour line: masked
 * spans may hold them, but masking them again later would hide what the output is, not a secret.
 */
function notSecret(value: string): boolean {
  return value.includes('MASKED:') || value.includes('W01BU0tFRD') || (value.startsWith('-----') && value.endsWith('-----'));
}

function alignedScratch(): { bytes: Buffer; words: Int32Array } {
  const buffer = new ArrayBuffer(WINDOW);
  return { bytes: Buffer.from(buffer), words: new Int32Array(buffer) };
}

/** The 4 bytes at `at` as the scan reads them: a 32-bit word in the machine's byte order. */
const wordBytes = new Uint8Array(WORD);
const wordView = new Int32Array(wordBytes.buffer);
function wordAt(text: string, at: number): number {
  for (let i = 0; i < WORD; i++) wordBytes[i] = text.charCodeAt(at + i);
  return wordView[0]!;
}

/** The first word from `w` on whose filter slot is taken: the scan's hot loop, kept tight. */
function nextCandidate(words: Int32Array, filter: Uint32Array, w: number, count: number): number {
  for (; w < count; w++) if (filter[Math.imul(words[w]!, GOLDEN) >>> FILTER_SHIFT] !== 0) return w;
  return count;
}

function slotOf(key: number): number {
  return Math.imul(key, GOLDEN) >>> FILTER_SHIFT;
}

export function knownValueSpan(start: number, end: number): Span {
  return { start, end, id: KNOWN_VALUE_ID, style: 'bracket', priority: KNOWN_VALUE_PRIORITY, counted: true };
}
