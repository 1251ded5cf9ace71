// Forwarding to the cluster: the relay's own credential (a bearer, or a client certificate on
// the connection) plus Impersonate-User / Impersonate-Group of the session's identity, so the
// cluster's RBAC applies to the agent. Whatever the client sent as Authorization or
// Impersonate-* never reaches the cluster; Accept asks for JSON (a Table where kubectl asked for
// one), never protobuf, and no compression, so the gateway can read and mask every answer.
import { Agent as HttpAgent, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { ClusterTarget } from './clusters.ts';

export type Upstream = {
  cluster: ClusterTarget;
  url: URL;
  agent: HttpAgent | HttpsAgent;
  /** TLS options for raw connections (upgrades). */
  tls: { ca?: string; cert?: string; key?: string };
};

export function createUpstream(cluster: ClusterTarget): Upstream {
  const url = new URL(cluster.server);
  const tls = {
    ...(cluster.caPem ? { ca: cluster.caPem } : {}),
    ...('certPem' in cluster.credential ? { cert: cluster.credential.certPem, key: cluster.credential.keyPem } : {}),
  };
  const agent = url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 256, ...tls }) : new HttpAgent({ keepAlive: true, maxSockets: 256 });
  return { cluster, url, agent, tls };
}

/** Headers that describe one hop, or that only the relay may set. */
const DROPPED = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'host', 'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'accept-encoding', 'accept', 'content-length', 'forwarded', 'x-forwarded-for', 'x-forwarded-host',
  'x-forwarded-proto', 'x-remote-user', 'x-remote-group',
]);

export function isImpersonationHeader(name: string): boolean {
  return name.toLowerCase().startsWith('impersonate-');
}

/**
 * Accept as the gateway sends it: the client's JSON forms only (a Table with `as=Table`, aggregated
 * discovery with `as=APIGroupDiscoveryList`), then plain JSON; never protobuf or anything else.
 */
export function jsonAccept(accept: string | undefined): string {
  const json = (accept ?? '').split(',').map((part) => part.trim()).filter((part) => /^application\/json(\s*;|$)/i.test(part) && part.toLowerCase() !== 'application/json');
  return [...json, 'application/json'].join(', ');
}

export type ActAs = { user: string; groups: readonly string[] };

export function upstreamHeaders(client: IncomingHttpHeaders, upstream: Upstream, actAs: ActAs, options: { upgrade: boolean; bodyLength?: number }): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || DROPPED.has(name) || isImpersonationHeader(name)) continue;
    headers[name] = value;
  }
  if (options.upgrade) {
    headers.connection = 'Upgrade';
    headers.upgrade = client.upgrade ?? '';
  } else {
    headers.accept = jsonAccept(client.accept);
    headers['accept-encoding'] = 'identity';
  }
  if (options.bodyLength !== undefined) headers['content-length'] = options.bodyLength;
  headers.host = upstream.url.host;
  if ('token' in upstream.cluster.credential) headers.authorization = `Bearer ${upstream.cluster.credential.token}`;
  headers['impersonate-user'] = actAs.user;
  if (actAs.groups.length > 0) headers['impersonate-group'] = [...actAs.groups];
  return headers;
}

/** The upstream path for a gateway path: the cluster server's own path prefix, then the API path and query. */
export function upstreamPath(upstream: Upstream, apiTarget: string): string {
  return `${upstream.url.pathname.replace(/\/+$/, '')}${apiTarget}`;
}

/** Upstream response headers passed back as they are: fixed forms the API server itself writes. */
const PASSED = ['content-type', 'audit-id', 'cache-control', 'x-kubernetes-pf-flowschema-uid', 'x-kubernetes-pf-prioritylevel-uid', 'retry-after'];

/**
 * Response headers passed back to the client (the body is re-encoded, so no length or encoding).
 * `Warning` is free text that admission webhooks and the API server fill with what they saw (a
 * field's value, an object's content), so it goes through the session's masker like the body;
 * every other header is dropped.
 */
export function responseHeaders(upstreamHeaders: IncomingHttpHeaders, maskText: (text: string) => string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name of PASSED) {
    const value = upstreamHeaders[name];
    if (value !== undefined) out[name] = value;
  }
  // Node joins repeated Warning headers into one value (", "), masked as a whole.
  const warning = upstreamHeaders.warning;
  if (typeof warning === 'string') out.warning = maskText(warning);
  return out;
}
