// Request and response plumbing shared by every handler: bodies are JSON or YAML (kubectl sends
// JSON; `--raw` users may send either), capped like the apiserver's 3 MiB limit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { PROTOBUF_TYPE, decodeProtobufObject } from './protobuf.ts';
import type { Status } from './status.ts';
import { StatusError, badRequest, internal, tooLarge } from './status.ts';

export const MAX_BODY = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw tooLarge();
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (type === PROTOBUF_TYPE) return decodeProtobufObject(bytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw badRequest('request body is empty');
  try {
    return type.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(`the request body could not be decoded: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const data = JSON.stringify(body);
  res.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(data), 'cache-control': 'no-cache, private' });
  res.end(data);
}

export function sendStatus(res: ServerResponse, status: Status): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status.code, status);
}

/** Turns anything thrown in a handler into a Status response; unexpected errors become 500s. */
export function sendError(res: ServerResponse, error: unknown): void {
  const status = error instanceof StatusError ? error.status : internal((error as Error)?.message ?? String(error)).status;
  sendStatus(res, status);
}

export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}
