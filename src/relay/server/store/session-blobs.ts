// The relay's own copies of session files, in `<dataDir>/sessions/` (0600): the .cast as the
// wrapper uploaded it and the manifest as the relay signed it, so that a deletion on the
// wrapper's machine is visible and an auditor can replay from the relay.
//
// Uploads stream to a temporary file (never whole in memory), hashed and counted as they go,
// and are renamed into place only once complete and fsync'd: a torn upload leaves no copy.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { castFileName, manifestFileName, type FlattenedJws } from '../../../contract/manifest.ts';
import { ApiError } from '../http.ts';

export const SESSIONS_DIR = 'sessions';
export type CastCopy = { sha256: string; size: number };

/** Sees every chunk before it is written and may refuse (throw); `end` runs before the copy is kept. */
export type CastInspector = { push(chunk: Buffer): void; end(): void };

export const castCopyPath = (dir: string, sessionId: string): string => join(dir, castFileName(sessionId));
export const manifestCopyPath = (dir: string, sessionId: string): string => join(dir, manifestFileName(sessionId));

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

export type ReceiveOptions = { inspect?: CastInspector; signal?: AbortSignal };

/** Streams the request body to `<dir>/<session>.cast`; refuses (413) past `cap` bytes. */
export function receiveCast(req: IncomingMessage, dir: string, sessionId: string, cap: number, options: ReceiveOptions = {}): Promise<CastCopy> {
  return writeCastCopy(dir, sessionId, options.inspect, async (write) => {
    let received = 0;
    for (;;) {
      const chunk = await nextChunk(req, options.signal);
      if (chunk === null) return;
      received += chunk.length;
      if (received > cap) throw tooLarge(cap, req);
      await write(chunk);
    }
  });
}

/** Keeps a .cast that came whole in the close request (small ones do, to save a round trip). */
export function storeCast(bytes: Buffer, dir: string, sessionId: string, inspect?: CastInspector): Promise<CastCopy> {
  return writeCastCopy(dir, sessionId, inspect, (write) => write(bytes));
}

/** Writes, hashes and counts the chunks `fill` gives, then fsyncs and renames into place. */
async function writeCastCopy(
  dir: string, sessionId: string, inspect: CastInspector | undefined, fill: (write: (chunk: Buffer) => Promise<void>) => Promise<void>,
): Promise<CastCopy> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const part = join(dir, `${castFileName(sessionId)}.${randomUUID()}.part`);
  const handle = await open(part, 'wx', 0o600);
  const hash = createHash('sha256');
  let size = 0;
  const write = async (chunk: Buffer): Promise<void> => {
    inspect?.push(chunk);
    size += chunk.length;
    hash.update(chunk);
    let written = 0;
    while (written < chunk.length) written += (await handle.write(chunk, written)).bytesWritten;
  };
  try {
    await fill(write);
    inspect?.end();
    await handle.sync();
    await handle.close();
    await rename(part, castCopyPath(dir, sessionId));
    return { sha256: hash.digest('hex'), size };
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(part, { force: true });
    throw error;
  }
}

// One chunk at a time, reading only when the previous one is on disk: backpressure without
// for-await, whose early exit would destroy the socket before the error answer is sent.
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

export async function writeManifestCopy(dir: string, sessionId: string, manifest: FlattenedJws): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = `${manifestCopyPath(dir, sessionId)}.${randomUUID()}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, manifestCopyPath(dir, sessionId));
}

export async function readManifestCopy(dir: string, sessionId: string): Promise<FlattenedJws | null> {
  try {
    return JSON.parse(await readFile(manifestCopyPath(dir, sessionId), 'utf8')) as FlattenedJws;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
