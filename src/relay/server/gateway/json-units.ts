// A JSON document from the API server, masked as it streams: the top-level object is cut into
// units — each member value, and each element of a member that is an array (a list's `items`, a
// Table's `rows`) — and each unit is parsed, masked as an object and written out again, so memory
// holds one item at a time whatever the size of the list. The bytes between units (braces, keys,
// commas) pass as they are. A document that is not an object is held whole (bounded) and masked
// at its end. A unit larger than `maxUnitBytes` fails the stream: nothing unread passes.
import { Transform, type TransformCallback } from 'node:stream';
import { maskObject, type LeafMasker } from './mask-object.ts';

export const MAX_UNIT_BYTES = 64 * 1024 * 1024;

type Phase = 'start' | 'key' | 'colon' | 'value' | 'elements' | 'done' | 'whole';
type Unit = { kind: 'member' | 'element'; parts: Buffer[]; size: number; depth: number; string: boolean; escape: boolean; scalar: boolean };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class JsonDocumentMasker extends Transform {
  private phase: Phase = 'start';
  private key = '';
  private keyParts: number[] | null = null;
  private keyEscape = false;
  private unit: Unit | null = null;
  private topKind: string | undefined;
  private whole: Buffer[] = [];
  private wholeSize = 0;
  /** What one input chunk produced, pushed as one buffer: many tiny writes would each be a TLS record and a syscall. */
  private out: Buffer[] = [];

  private output(bytes: Buffer | string): void {
    this.out.push(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  }

  private drain(): void {
    if (this.out.length === 0) return;
    const joined = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out);
    this.out = [];
    this.push(joined);
  }

  constructor(private readonly leaf: LeafMasker, private readonly resourceKind: string | undefined, private readonly maxUnitBytes = MAX_UNIT_BYTES) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.scan(chunk);
      this.drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.phase === 'whole') {
        const text = Buffer.concat(this.whole).toString('utf8');
        if (text.trim() !== '') this.output(JSON.stringify(maskObject(JSON.parse(text), this.leaf, { kind: this.resourceKind })));
      } else if (this.unit) {
        this.endUnit();
      }
      if (this.phase !== 'done' && this.phase !== 'whole' && this.phase !== 'start') throw new Error('the JSON document ended early');
      this.drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private scan(chunk: Buffer): void {
    let rawStart = 0;
    const flushRaw = (end: number) => {
      if (end > rawStart) this.output(chunk.subarray(rawStart, end));
    };
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.phase === 'whole') {
        this.addWhole(chunk.subarray(i));
        return;
      }
      if (this.unit) {
        const ended = this.unitByte(byte);
        if (ended === 'continue') continue;
        // The unit ended: before this byte (a scalar's delimiter, read again below) or with it.
        const end = ended === 'before' ? i : i + 1;
        this.unit.parts.push(chunk.subarray(this.unitStart, end));
        this.unitStart = -1;
        this.endUnit();
        rawStart = end;
        if (ended === 'with') continue;
      }
      switch (this.phase) {
        case 'start':
          if (WS.has(byte)) continue;
          if (byte !== 0x7b) {
            flushRaw(i);
            this.phase = 'whole';
            this.addWhole(chunk.subarray(i));
            return;
          }
          this.phase = 'key';
          continue;
        case 'key':
          if (this.keyParts !== null) {
            if (this.keyEscape) this.keyEscape = false;
            else if (byte === BACKSLASH) this.keyEscape = true;
            else if (byte === QUOTE) {
              this.key = JSON.parse(`"${Buffer.from(this.keyParts).toString('utf8')}"`) as string;
              this.keyParts = null;
              this.phase = 'colon';
              continue;
            }
            if (this.keyParts.length > 4096) throw new Error('a key of the JSON document is too long');
            this.keyParts.push(byte);
            continue;
          }
          if (WS.has(byte) || byte === 0x2c) continue;
          if (byte === 0x7d) {
            this.phase = 'done';
            continue;
          }
          if (byte !== QUOTE) throw new Error('the JSON document is not an object of named members');
          this.keyParts = [];
          continue;
        case 'colon':
          if (WS.has(byte)) continue;
          if (byte !== 0x3a) throw new Error('the JSON document has a key without a value');
          this.phase = 'value';
          continue;
        case 'value':
          if (WS.has(byte)) continue;
          if (byte === 0x5b) {
            this.phase = 'elements';
            continue;
          }
          flushRaw(i);
          this.beginUnit('member', byte, i);
          continue;
        case 'elements':
          if (WS.has(byte) || byte === 0x2c) continue;
          if (byte === 0x5d) {
            this.phase = 'key';
            continue;
          }
          flushRaw(i);
          this.beginUnit('element', byte, i);
          continue;
        case 'done':
          if (WS.has(byte)) continue;
          throw new Error('the JSON document has bytes after its end');
      }
    }
    if (this.unit && this.unitStart >= 0) {
      this.unit.parts.push(chunk.subarray(this.unitStart));
      this.unitStart = 0;
      rawStart = chunk.length;
    }
    flushRaw(chunk.length);
    if (this.unit) this.unitStart = 0;
  }

  private unitStart = -1;

  private beginUnit(kind: Unit['kind'], byte: number, at: number): void {
    const container = byte === 0x7b || byte === 0x5b;
    this.unit = { kind, parts: [], size: 0, depth: container ? 1 : 0, string: byte === QUOTE, escape: false, scalar: !container && byte !== QUOTE };
    this.unitStart = at;
  }

  /** Feeds one byte of the current unit: whether it ends before this byte, with it, or goes on. */
  private unitByte(byte: number): 'continue' | 'before' | 'with' {
    const unit = this.unit!;
    unit.size += 1;
    if (unit.size > this.maxUnitBytes) throw new Error(`one item of the response is larger than ${this.maxUnitBytes} bytes`);
    if (unit.scalar) return byte === 0x2c || byte === 0x7d || byte === 0x5d || WS.has(byte) ? 'before' : 'continue';
    if (unit.string) {
      if (unit.escape) unit.escape = false;
      else if (byte === BACKSLASH) unit.escape = true;
      else if (byte === QUOTE) {
        if (unit.depth === 0) return 'with';
        unit.string = false;
      }
      return 'continue';
    }
    if (byte === QUOTE) unit.string = true;
    else if (byte === 0x7b || byte === 0x5b) unit.depth += 1;
    else if (byte === 0x7d || byte === 0x5d) {
      unit.depth -= 1;
      if (unit.depth === 0) return 'with';
    }
    return 'continue';
  }

  private endUnit(): void {
    const unit = this.unit!;
    this.unit = null;
    const value = JSON.parse(Buffer.concat(unit.parts).toString('utf8')) as unknown;
    if (unit.kind === 'member' && this.key === 'kind' && typeof value === 'string') this.topKind = value;
    // Masked inside a one-member object of the document's kind, so that a Secret's `data`, a
    // list's `items` and a Table's `rows` are read as what they are (a Secret when unknown).
    const kind = this.topKind ?? this.resourceKind ?? ((this.key === 'data' || this.key === 'stringData') ? 'Secret' : undefined);
    const holder = { ...(kind ? { kind } : {}), [this.key]: unit.kind === 'element' ? [value] : value };
    const masked = maskObject(holder, this.leaf, { kind: this.resourceKind }) as Record<string, unknown>;
    const out = unit.kind === 'element' ? (masked[this.key] as unknown[])[0] : masked[this.key];
    this.output(JSON.stringify(out));
    this.phase = unit.kind === 'element' ? 'elements' : 'key';
  }

  private addWhole(bytes: Buffer): void {
    this.wholeSize += bytes.length;
    if (this.wholeSize > this.maxUnitBytes) throw new Error(`the response is larger than ${this.maxUnitBytes} bytes and not a JSON object`);
    this.whole.push(Buffer.from(bytes));
  }
}
