// kubectl's typed clients (`create configmap|secret|namespace`, `auth can-i`…) send protobuf, which
// the gateway cannot read without every type's schema. Rather than guess (a decoder that skips an
// unknown field would skip `privileged`), it asks the cluster itself: the same request, as the
// same identity, with dryRun=All, answered in JSON. That answer is exactly the object the API
// server decoded (defaults included), and that is what policy decides on; only then is the real
// request sent. An error answer is the cluster's own (the real request would get it too) and is
// what the client receives.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { MAX_REQUEST_BODY } from './body.ts';
import { upstreamHeaders, upstreamPath, type ActAs, type Upstream } from './upstream.ts';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

export type DryRunAnswer =
  | { ok: true; object: unknown }
  | { ok: false; status: number; headers: IncomingHttpHeaders; body: Buffer };

export function isProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === PROTOBUF;
}

export function withDryRun(apiTarget: string): string {
  return `${apiTarget}${apiTarget.includes('?') ? '&' : '?'}dryRun=All`;
}

export function decodeByDryRun(req: IncomingMessage, upstream: Upstream, apiTarget: string, actAs: ActAs, bytes: Buffer): Promise<DryRunAnswer> {
  const send = upstream.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send({
      agent: upstream.agent, method: req.method, hostname: upstream.url.hostname, port: upstream.url.port || undefined,
      path: upstreamPath(upstream, withDryRun(apiTarget)), headers: upstreamHeaders(req.headers, upstream, actAs, { upgrade: false, bodyLength: bytes.length }),
    }, (answer) => {
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > 4 * MAX_REQUEST_BODY) answer.destroy(new Error('the dry-run answer is too large'));
        else chunks.push(chunk);
      });
      answer.on('error', reject);
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const status = answer.statusCode ?? 502;
        if (status < 200 || status >= 300) return resolve({ ok: false, status, headers: answer.headers, body });
        try {
          resolve({ ok: true, object: JSON.parse(body.toString('utf8')) });
        } catch (error) {
          reject(new Error(`the cluster's dry-run answer is not JSON: ${(error as Error).message}`));
        }
      });
    });
    outgoing.on('error', reject);
    outgoing.end(bytes);
  });
}
