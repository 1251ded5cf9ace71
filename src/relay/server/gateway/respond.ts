// Which masker a response body goes through, by what it is: a JSON document (objects, lists,
// Tables) is masked item by item; a watch stream event by event (one JSON object a line); logs and
// other text line by line through the streaming masker. Anything else (protobuf, which the
// gateway never asks for, or an unknown type) is unreadable and never passes.
import { Transform, type TransformCallback } from 'node:stream';
import { createMaskingTransform, type MaskingOptions } from '../../../masking/index.ts';
import { JsonDocumentMasker, MAX_UNIT_BYTES } from './json-units.ts';
import { maskObject, type LeafMasker } from './mask-object.ts';

export type BodyKind = 'json' | 'watch' | 'text' | 'unreadable';

export function bodyKindOf(contentType: string | undefined, watching: boolean): BodyKind {
  const type = (contentType ?? '').toLowerCase();
  const media = type.split(';')[0]!.trim();
  if (media === 'application/json') return watching || /;\s*stream=watch/.test(type) ? 'watch' : 'json';
  if (media === 'text/plain' || media === '') return 'text';
  return 'unreadable';
}

/** The kind of object a resource's JSON holds where it does not say (list items): what masking needs to know. */
export function kindOfResource(canonical: string): string | undefined {
  return canonical === 'secrets' ? 'Secret' : undefined;
}

/** Watch events: one JSON object a line, each masked as an object; `onEvent` sees each masked line. */
export class WatchEventMasker extends Transform {
  private held: Buffer[] = [];
  private heldSize = 0;

  constructor(private readonly leaf: LeafMasker, private readonly resourceKind: string | undefined, private readonly onEvent: (line: Buffer) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      let start = 0;
      for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
        this.held.push(chunk.subarray(start, newline));
        this.emitLine();
        start = newline + 1;
      }
      if (start < chunk.length) {
        this.heldSize += chunk.length - start;
        if (this.heldSize > MAX_UNIT_BYTES) throw new Error(`a watch event is larger than ${MAX_UNIT_BYTES} bytes`);
        this.held.push(chunk.subarray(start));
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.heldSize > 0 || this.held.length > 0) this.emitLine();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private emitLine(): void {
    const text = Buffer.concat(this.held).toString('utf8');
    this.held = [];
    this.heldSize = 0;
    if (text.trim() === '') return;
    const line = Buffer.from(`${JSON.stringify(maskObject(JSON.parse(text), this.leaf, { kind: this.resourceKind }))}\n`);
    this.onEvent(line);
    this.push(line);
  }
}

export type MaskerFor = { leaf: LeafMasker; text: MaskingOptions; resourceKind: string | undefined };

/** The masking stream for a body kind (not 'unreadable'); `onEvent` sees each masked watch event. */
export function maskingStreamFor(kind: Exclude<BodyKind, 'unreadable'>, masker: MaskerFor, onEvent: (frame: Buffer) => void): Transform {
  if (kind === 'json') return new JsonDocumentMasker(masker.leaf, masker.resourceKind);
  if (kind === 'watch') return new WatchEventMasker(masker.leaf, masker.resourceKind, onEvent);
  return createMaskingTransform({ ...masker.text, idleFlushMs: 50 });
}

/** Passes chunks on unchanged, showing each to `see` (the record's digest and log frames). */
export function tap(see: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      see(chunk);
      callback(null, chunk);
    },
  });
}
