// A request body as chunks for the store (which knows nothing of HTTP), capped, with the HTTP
// answers a refused or cut-off upload gets.
import type { IncomingMessage } from 'node:http';
import { ApiError } from './http.ts';

/** How long a refused upload may keep sending (discarded) before the connection is dropped. */
const LINGER_MS = 10_000;

/**
 * The 413 for an upload past the cap. The connection is kept open and the rest of the body
 * read and discarded for a while: closing a socket with unread data makes the kernel send a
 * reset, which destroys the answer before the client reads it ("lingering close", as httpd does).
 */
export function tooLarge(cap: number, req: IncomingMessage): ApiError {
  return lingering(req, new ApiError(413, 'ERR_CAST_TOO_LARGE', `the recording is larger than this relay accepts (${cap} bytes)`, undefined, { connection: 'keep-alive' }));
}

/** Reads and drops the rest of a refused upload for a while, so that `error` reaches the client. */
export function lingering(req: IncomingMessage, error: ApiError): ApiError {
  if (!req.readableEnded) {
    const drop = setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
    req.once('end', () => clearTimeout(drop)).once('close', () => clearTimeout(drop)).resume();
  }
  return error;
}

/** Sees every chunk before the store does and may refuse (throw); `end` runs before the blob is kept. */
export type CastInspector = { push(chunk: Buffer): void; end(): void };

/**
 * The body's chunks, one at a time; past `cap` bytes it throws the 413. With `signal` (the body
 * guard's idle timeout and deadline), an abort ends the wait for the next chunk with its reason.
 */
export async function* cappedBody(req: IncomingMessage, cap: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  let received = 0;
  for (;;) {
    const chunk = await nextChunk(req, signal);
    if (chunk === null) return;
    received += chunk.length;
    if (received > cap) throw tooLarge(cap, req);
    yield chunk;
  }
}

// One chunk at a time, reading only when the previous one is on disk: backpressure without
// for-await over the request, whose early exit would destroy the socket before the error answer is sent.
function nextChunk(req: IncomingMessage, signal?: AbortSignal): Promise<Buffer | null> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const ready = req.read() as Buffer | null;
  if (ready !== null) return Promise.resolve(ready);
  if (req.readableEnded) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cleanup();
      reject(signal!.reason);
    };
    const cleanup = () => {
      signal?.removeEventListener('abort', onAbort);
      req.off('readable', onReadable);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onReadable = () => {
      const chunk = req.read() as Buffer | null;
      if (chunk === null) return;
      cleanup();
      resolve(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ApiError(400, 'ERR_UPLOAD_ABORTED', `the upload was cut off: ${error.message}`));
    };
    const onClose = () => {
      if (req.readableEnded) return onEnd();
      cleanup();
      reject(new ApiError(400, 'ERR_UPLOAD_ABORTED', 'the client went away before the upload was complete'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('readable', onReadable);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
}

/**
 * `chunks` as they go to the store, each shown to `inspect` first; `inspect.end()` runs after the
 * last one, so a refusal there (or on any chunk) reaches the store as an error and nothing is kept.
 */
export async function* inspected(chunks: Uint8Array | AsyncIterable<Buffer>, inspect: CastInspector): AsyncGenerator<Buffer> {
  if (chunks instanceof Uint8Array) {
    const whole = Buffer.from(chunks.buffer, chunks.byteOffset, chunks.byteLength);
    inspect.push(whole);
    yield whole;
  } else {
    for await (const chunk of chunks) {
      inspect.push(chunk);
      yield chunk;
    }
  }
  inspect.end();
}
