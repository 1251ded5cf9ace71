// The Node stream edge: kubectl's stdout (pipe or pty) → masker → agent and recorder. A partial
// line is flushed, masked, after `idleFlushMs` without input, so a prompt or an echoed keystroke
// is not held. Fail closed: if masking throws, nothing more is passed on and the stream errors
// with an HkError the CLI turns into a one-line message.
import { Transform } from 'node:stream';
import { HkError, ExitCode } from '../errors.ts';
import type { MaskCounts } from './block-masker.ts';
import type { StreamingMasker } from './streaming.ts';

export const DEFAULT_IDLE_FLUSH_MS = 20;

/** A Transform that also tells what it masked so far (for the session record). */
export type MaskingTransform = Transform & { readonly counts: MaskCounts };

export function maskingTransform(masker: StreamingMasker, idleFlushMs = DEFAULT_IDLE_FLUSH_MS): MaskingTransform {
  let timer: NodeJS.Timeout | undefined;
  let failed = false;

  const fail = (stream: Transform, error: unknown) => {
    failed = true;
    stream.destroy(
      new HkError('MASKING_FAILED', 'masking the output failed, so the rest of it was withheld', ExitCode.software, {
        cause: error,
        hint: 'the command ran but its output was not shown; report this with the command that produced it',
      }),
    );
  };

  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (failed) return callback();
      clearTimeout(timer);
      let masked: Uint8Array;
      try {
        masked = masker.push(chunk);
      } catch (error) {
        return fail(this, error);
      }
      if (masked.length > 0) this.push(masked);
      if (masker.heldBytes > 0) {
        timer = setTimeout(() => {
          if (failed || transform.destroyed) return;
          try {
            const rest = masker.flush();
            if (rest.length > 0) transform.push(rest);
          } catch (error) {
            fail(transform, error);
          }
        }, idleFlushMs);
        timer.unref();
      }
      callback();
    },
    flush(callback) {
      clearTimeout(timer);
      if (failed) return callback();
      try {
        const rest = masker.flush();
        callback(null, rest.length > 0 ? rest : undefined);
      } catch (error) {
        fail(this, error);
      }
    },
    destroy(error, callback) {
      clearTimeout(timer);
      callback(error);
    },
  });
  return Object.defineProperty(transform, 'counts', { get: () => masker.counts }) as MaskingTransform;
}
