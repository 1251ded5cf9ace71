// Errors to Kubernetes clients as the API server writes them: a `Status` object, which kubectl
// prints as `Error from server (<Reason>): <message>`.
import type { ServerResponse } from 'node:http';

const REASONS: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType', 502: 'InternalError', 503: 'ServiceUnavailable',
};

export function statusBody(code: number, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: REASONS[code] ?? 'InternalError', code };
}

export function sendStatus(res: ServerResponse, code: number, message: string): void {
  const text = JSON.stringify(statusBody(code, message));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // After a body that was not read to its end (too large, too slow) the connection cannot carry another request.
  const close = code === 408 || code === 413 ? { connection: 'close' } : {};
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...close });
  res.end(text);
}

/** The raw HTTP/1.1 answer for an upgrade request refused before any tunnel exists. */
export function statusResponseBytes(code: number, message: string): string {
  const text = JSON.stringify(statusBody(code, message));
  return `HTTP/1.1 ${code} ${REASONS[code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`;
}
