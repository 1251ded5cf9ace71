// One output stream of kubectl on its way out: masked first, then handed to every sink (the
// agent's stdout or stderr, and the recording) as the same bytes. A partial line held back by
// the masker is flushed, masked, once the stream goes idle, so prompts and echoed keystrokes are
// not delayed. If masking fails, nothing more is passed on (fail closed) and `failure` is set.
import type { StreamingMasker } from '../masking/index.ts';

export type Sink = (bytes: Uint8Array) => void;
/** Runs `flush` once the stream is idle; returns a cancel function. */
export type IdleScheduler = (flush: () => void) => () => void;

export const nextTurn: IdleScheduler = (flush) => {
  const handle = setImmediate(flush);
  return () => clearImmediate(handle);
};

export function afterIdle(ms: number): IdleScheduler {
  return (flush) => {
    const handle = setTimeout(flush, ms);
    return () => clearTimeout(handle);
  };
}

export class MaskedOutput {
  failure: unknown = undefined;
  private cancelIdle: (() => void) | undefined;

  constructor(
    private readonly masker: StreamingMasker,
    private readonly sinks: Sink[],
    private readonly onIdle: IdleScheduler,
  ) {}

  get counts(): Readonly<Record<string, number>> {
    return this.masker.counts;
  }

  push(chunk: Uint8Array): void {
    if (this.failure !== undefined) return;
    this.cancelIdle?.();
    this.cancelIdle = undefined;
    this.emit(() => this.masker.push(chunk));
    if (this.failure === undefined && this.masker.heldBytes > 0) {
      this.cancelIdle = this.onIdle(() => {
        this.cancelIdle = undefined;
        this.emit(() => this.masker.flush());
      });
    }
  }

  end(): void {
    this.cancelIdle?.();
    this.cancelIdle = undefined;
    if (this.failure === undefined) this.emit(() => this.masker.flush());
  }

  private emit(produce: () => Uint8Array): void {
    let bytes: Uint8Array;
    try {
      bytes = produce();
    } catch (error) {
      this.failure = error;
      return;
    }
    if (bytes.length === 0) return;
    for (const sink of this.sinks) sink(bytes);
  }
}
