// Small HTTP helpers for the relay: bounded JSON bodies, JSON answers, and one error type whose
// status and stable code reach the client unchanged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorBody } from '../../contract/relay-api.ts';
import { nestsDeeperThan } from './json-depth.ts';
import { MAX_JSON_DEPTH } from './limits.ts';

/** Request bodies are a command line and some metadata: 256 KiB is generous. */
export const MAX_BODY_BYTES = 256 * 1024;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** How slowly a body may arrive: a client that stops sending, or drips, is cut off with 408. */
export type BodyPacing = { idleMs: number; deadlineMs: number };

export type ReadJsonOptions = BodyPacing & { limit?: number; maxDepth?: number };

export async function readJson(req: IncomingMessage, options: ReadJsonOptions): Promise<unknown> {
  const limit = options.limit ?? MAX_BODY_BYTES;
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  const tooBig = () => new ApiError(413, 'ERR_BODY_TOO_LARGE', `request body is larger than ${limit} bytes`);
  if (declared > limit) {
    req.resume();
    throw tooBig();
  }
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    req.resume();
    throw new ApiError(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', `send the body as application/json (got ${JSON.stringify(type)})`);
  }
  const body = await readBody(req, limit, options, tooBig);
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  if (nestsDeeperThan(body, maxDepth)) throw new ApiError(400, 'ERR_JSON_TOO_DEEP', `request body nests arrays and objects deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ApiError(400, 'ERR_MALFORMED_JSON', `request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The 408 for a body that stalled or took too long; the connection is closed after it. */
export function bodyTimeout(why: 'idle' | 'deadline', pacing: BodyPacing): ApiError {
  const message = why === 'idle'
    ? `the request body stopped arriving (nothing for ${pacing.idleMs} ms)`
    : `the request body took longer than ${pacing.deadlineMs} ms to arrive`;
  return new ApiError(408, 'ERR_BODY_TIMEOUT', message, why, { connection: 'close' });
}

/**
 * A guard for one body: `touch()` on every chunk; `signal` aborts (with the 408 as its reason)
 * after `idleMs` without a chunk or `deadlineMs` in all. `done()` clears both timers.
 */
export function bodyGuard(pacing: BodyPacing): { signal: AbortSignal; touch(): void; done(): void } {
  const controller = new AbortController();
  const expire = (why: 'idle' | 'deadline') => () => controller.abort(bodyTimeout(why, pacing));
  const deadline = setTimeout(expire('deadline'), pacing.deadlineMs).unref();
  let idle = setTimeout(expire('idle'), pacing.idleMs).unref();
  return {
    signal: controller.signal,
    touch() {
      clearTimeout(idle);
      if (!controller.signal.aborted) idle = setTimeout(expire('idle'), pacing.idleMs).unref();
    },
    done() {
      clearTimeout(idle);
      clearTimeout(deadline);
    },
  };
}

function readBody(req: IncomingMessage, limit: number, pacing: BodyPacing, tooBig: () => ApiError): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const guard = bodyGuard(pacing);
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: ApiError | null) => {
      guard.done();
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      guard.signal.removeEventListener('abort', onAbort);
      if (error === null) return resolve(Buffer.concat(chunks));
      // What is left is read and dropped: closing a socket with unread data would reset it and
      // destroy the answer; the connection closes after the answer instead.
      req.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish(tooBig());
      chunks.push(chunk);
      guard.touch();
    };
    const onEnd = () => finish(null);
    const onError = (error: Error) => finish(new ApiError(400, 'ERR_BODY_ABORTED', `the request body was cut off: ${error.message}`));
    const onClose = () => {
      if (!req.readableEnded) finish(new ApiError(400, 'ERR_BODY_ABORTED', 'the client went away before the body was complete'));
    };
    const onAbort = () => finish(guard.signal.reason as ApiError);
    req.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
    guard.signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** `extra` goes beside `error` in the body (e.g. the existing manifest of an already closed session). */
export function sendError(res: ServerResponse, error: ApiError, extra: Record<string, unknown> = {}): void {
  const body: ApiErrorBody = { ...extra, error: { code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) } };
  // After a 413 the rest of the body is not read; closing stops a client streaming megabytes.
  const close: Record<string, string> = error.status === 413 || error.status === 408 ? { connection: 'close' } : {};
  sendJson(res, error.status, body, { ...close, ...error.headers });
}
