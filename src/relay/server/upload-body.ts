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
  if (!req.readableEnded) {
    const drop = setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
    req.once('end', () => clearTimeout(drop)).once('close', () => clearTimeout(drop)).resume();
  }
  return new ApiError(413, 'ERR_CAST_TOO_LARGE', `the recording is larger than this relay accepts (${cap} bytes)`, undefined, { connection: 'keep-alive' });
}

/** The body's chunks, one at a time; past `cap` bytes it throws the 413. */
export async function* cappedBody(req: IncomingMessage, cap: number): AsyncGenerator<Buffer> {
  let received = 0;
  for (;;) {
    const chunk = await nextChunk(req);
    if (chunk === null) return;
    received += chunk.length;
    if (received > cap) throw tooLarge(cap, req);
    yield chunk;
  }
}

// One chunk at a time, reading only when the previous one is on disk: backpressure without
// for-await over the request, whose early exit would destroy the socket before the error answer is sent.
function nextChunk(req: IncomingMessage): Promise<Buffer | null> {
  const ready = req.read() as Buffer | null;
  if (ready !== null) return Promise.resolve(ready);
  if (req.readableEnded) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const cleanup = () => {
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
    req.on('readable', onReadable);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
}
