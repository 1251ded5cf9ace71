// The object in a write request, read before anything is forwarded: JSON (objects and the
// merge, strategic-merge and JSON patch types) or YAML (server-side apply). A body the gateway
// cannot read (protobuf, CBOR, anything else) is refused with 415 rather than passed unchecked.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { bodyGuard, type BodyPacing } from '../http.ts';

/** The API server refuses larger requests too (3 MiB). */
export const MAX_REQUEST_BODY = 3 * 1024 * 1024;

const JSON_TYPES = new Set(['application/json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json']);
const YAML_TYPES = new Set(['application/apply-patch+yaml', 'application/yaml']);

export type RequestBody = { bytes: Buffer; contentType: string; value: unknown };

export class BodyRefusal extends Error {
  constructor(readonly status: 400 | 408 | 413 | 415, message: string) {
    super(message);
  }
}

/** Reads the whole body (bounded); one that stalls or drips is cut off with 408, as the relay's own routes do. */
export async function readRequestBody(req: IncomingMessage, pacing: BodyPacing): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > MAX_REQUEST_BODY) throw new BodyRefusal(413, `the request body is larger than ${MAX_REQUEST_BODY} bytes`);
  if (req.readableEnded) return Buffer.alloc(0);
  const guard = bodyGuard(pacing);
  const onAbort = () => req.destroy(guard.signal.reason as Error);
  guard.signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      guard.touch();
      size += chunk.length;
      if (size > MAX_REQUEST_BODY) throw new BodyRefusal(413, `the request body is larger than ${MAX_REQUEST_BODY} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (guard.signal.aborted) throw new BodyRefusal(408, (guard.signal.reason as Error).message);
    throw error;
  } finally {
    guard.done();
    guard.signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks);
}

/** Parses a body by its content type; an empty body is no object. */
export function parseRequestBody(bytes: Buffer, contentTypeHeader: string | undefined): RequestBody | null {
  if (bytes.length === 0) return null;
  return parseTyped(bytes, contentTypeHeader);
}

/** A body the cluster decoded for the gateway (dry-run-decode.ts): the JSON object it answered. */
export function decodedBody(object: unknown): RequestBody {
  return { bytes: Buffer.from(JSON.stringify(object)), contentType: 'application/json', value: object };
}

function parseTyped(bytes: Buffer, contentTypeHeader: string | undefined): RequestBody {
  const contentType = (contentTypeHeader ?? '').split(';')[0]!.trim().toLowerCase();
  const text = bytes.toString('utf8');
  if (JSON_TYPES.has(contentType)) {
    try {
      return { bytes, contentType, value: JSON.parse(text) };
    } catch (error) {
      throw new BodyRefusal(400, `the request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (YAML_TYPES.has(contentType)) {
    try {
      return { bytes, contentType, value: parseYaml(text, { maxAliasCount: 0, uniqueKeys: true }) };
    } catch (error) {
      throw new BodyRefusal(400, `the request body is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new BodyRefusal(415, `the gateway reads request bodies as JSON or YAML, not ${JSON.stringify(contentType || 'an unnamed type')}; nothing was forwarded`);
}

/** What the record keeps of a body: its shape, never its values. */
export function bodySummary(body: RequestBody | null): Record<string, unknown> | undefined {
  if (body === null) return undefined;
  const value = body.value as { kind?: unknown; apiVersion?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
  const object = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  const pick = (field: unknown) => (typeof field === 'string' ? field : undefined);
  return {
    contentType: body.contentType, size: body.bytes.length,
    kind: pick(object.kind), apiVersion: pick(object.apiVersion), name: pick(object.metadata?.name), namespace: pick(object.metadata?.namespace),
  };
}
