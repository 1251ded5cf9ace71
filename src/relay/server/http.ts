// Small HTTP helpers for the relay: bounded JSON bodies, JSON answers, and one error type whose
// status and stable code reach the client unchanged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorBody } from '../../contract/relay-api.ts';

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

export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
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
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooBig();
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new ApiError(400, 'ERR_MALFORMED_JSON', `request body is not valid JSON: ${(error as Error).message}`);
  }
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
  const close: Record<string, string> = error.status === 413 ? { connection: 'close' } : {};
  sendJson(res, error.status, body, { ...close, ...error.headers });
}
