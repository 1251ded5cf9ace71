// The relay's Kubernetes API gateway, under /gateway/<cluster>/… on the relay's listener. For
// each request of a session: the grant authenticates it; the request info is read as the API
// server reads it; discovery passes; a write's object is read and decided by the policy; the
// request must lie in the grant's scope; then it goes to the cluster as the session's identity
// (impersonation), and the answer comes back masked and recorded. Every refusal is a Kubernetes
// Status that kubectl prints, a line in the session's record and an entry in the audit log.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import type { GatewayRefusedEvent } from '../../../contract/audit-events.ts';
import { resolveRequestTarget, type RequestInfo } from '../../../kube-api/request-info.ts';
import { policyMasking, type MaskProfileName } from '../../../masking/index.ts';
import type { RelayCore } from '../core.ts';
import type { Grant } from '../state.ts';
import { BodyRefusal, bodySummary, decodedBody, parseRequestBody, readRequestBody, type RequestBody } from './body.ts';
import { decodeByDryRun, isProtobuf, PROTOBUF, type DryRunAnswer } from './dry-run-decode.ts';
import { maskObject } from './mask-object.ts';
import { lookupGrant } from './grant.ts';
import { createLeafMasker } from './leaf-masker.ts';
import { OutgoingDigest, RECORD_INLINE_BYTES, recordedBody, type RecordHeader, type SessionRecords } from './record.ts';
import { canonicalResource, decideRequest, requestIntent } from './request-policy.ts';
import { bodyKindOf, kindOfResource, maskingStreamFor, tap } from './respond.ts';
import { checkScope, requestClass } from './scope.ts';
import { sendStatus, statusBody, statusResponseBytes } from './status.ts';
import { openTunnel } from './tunnel.ts';
import { createUpstream, isImpersonationHeader, responseHeaders, upstreamHeaders, upstreamPath, type Upstream } from './upstream.ts';
import { createHash } from 'node:crypto';

/** Paths that only describe the API: always allowed (GET), whatever the scope. */
const DISCOVERY = [/^\/(api|apis)$/, /^\/api\/[^/]+$/, /^\/apis\/[^/]+(\/[^/]+)?$/, /^\/version$/, /^\/openapi\/(v2|v3)(\/.*)?$/];

export type Gateway = {
  handle(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  stop(): Promise<void>;
};

type Refusal = { status: number; rule: string; message: string };

/** A request that got as far as a session: who, where, and the record it writes to. */
type InSession = { grant: Grant; upstream: Upstream; header: RecordHeader; id: string; method: string; path: string; info: RequestInfo | null; objectName?: string };

class ScopeRefusal extends Error {}

const actAsOf = (session: InSession) => ({ user: session.grant.by.subject, groups: session.grant.by.groups });

function objectName(value: unknown): string {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' ? name : '';
}

export function createGateway(core: RelayCore, records: SessionRecords): Gateway {
  const upstreams = new Map(core.gateway.clusters.map((cluster) => [cluster.name, createUpstream(cluster)]));
  let counter = 0;

  /** /gateway/<cluster>/<api target> → the cluster and the API target, or null. */
  function split(rawUrl: string): { cluster: string; apiTarget: string } | null {
    const match = /^\/gateway\/([^/?#]+)(\/[^#]*|\?[^#]*)?$/.exec(rawUrl);
    if (!match) return null;
    const rest = match[2] ?? '/';
    return { cluster: match[1]!, apiTarget: rest.startsWith('?') ? `/${rest}` : rest };
  }

  type Admitted = { ok: true; session: InSession; apiTarget: string } | { ok: false; status: number; message: string; session?: InSession };

  /** Authentication and the checks that need no body: the cluster, the grant, impersonation headers. */
  function admit(req: IncomingMessage): Admitted {
    const target = split(req.url ?? '/');
    if (!target) return { ok: false, status: 404, message: 'the gateway serves /gateway/<cluster>/…' };
    const upstream = upstreams.get(target.cluster);
    if (!upstream) return { ok: false, status: 404, message: `this relay brokers no cluster named ${JSON.stringify(target.cluster)}` };
    const found = lookupGrant(core.state, req.headers.authorization, core.now());
    if (!found.ok) return { ok: false, status: 401, message: found.message };
    const { grant } = found;
    const method = req.method ?? 'GET';
    counter += 1;
    const session: InSession = {
      grant, upstream, header: { cluster: grant.cluster, subject: grant.by.subject }, id: String(counter), method, path: target.apiTarget.split('?')[0]!, info: null,
    };
    if (grant.cluster !== target.cluster) return { ok: false, status: 403, message: `this session grant is for cluster ${grant.cluster}, not ${target.cluster}`, session };
    const impersonating = Object.keys(req.headers).filter(isImpersonationHeader);
    if (impersonating.length > 0) {
      return { ok: false, status: 403, message: `the gateway acts as ${grant.by.subject} only: ${impersonating.join(', ')} headers are refused (impersonation would hide who acted)`, session };
    }
    return { ok: true, session, apiTarget: target.apiTarget };
  }

  function record(session: InSession, line: Record<string, unknown>): void {
    records.append(session.grant.sessionId, session.header, { id: session.id, ...line });
  }

  async function logRefusal(session: InSession, refusal: Refusal): Promise<void> {
    record(session, { type: 'refused', status: refusal.status, rule: refusal.rule, message: refusal.message });
    const info = session.info;
    const event: GatewayRefusedEvent = {
      type: 'gateway.refused', sessionId: session.grant.sessionId, by: session.grant.by, cluster: session.grant.cluster, status: refusal.status,
      method: session.method, path: session.path, verb: info?.verb ?? '', resource: info ? canonicalResource(info).canonical : '', namespace: info?.namespace ?? '', name: info?.name || session.objectName || '',
      rule: refusal.rule, message: refusal.message,
    };
    // Past the first refusals of a session, summarised (refusal-log.ts); the record above keeps each.
    await core.gateway.refusals.refused(event).catch(() => {});
  }

  /** The decision on a request: its scope, then the policy on the action and its object. Null: go ahead. */
  function judge(session: InSession, info: RequestInfo, query: URLSearchParams, body: RequestBody | null): Refusal | null {
    if (!info.isResourceRequest) {
      const path = info.path.replace(/\/$/, '');
      if ((session.method === 'GET' || session.method === 'HEAD') && DISCOVERY.some((pattern) => pattern.test(path))) return null;
      return { status: 403, rule: 'scope', message: `the gateway forwards API discovery and resources only, not ${session.method} ${info.path}` };
    }
    const { canonical } = canonicalResource(info);
    const intent = requestIntent(info, query, body);
    const scope = checkScope(session.grant.scope, info, canonical, requestClass(info, canonical, query), intent.verb);
    if (!scope.ok) return { status: 403, rule: 'scope', message: `outside the session's scope: ${scope.message}` };
    const decision = decideRequest(core.policy, intent, { subject: session.grant.by.subject, groups: session.grant.by.groups }, session.upstream.cluster.server);
    if (decision.decision === 'deny') return { status: 403, rule: decision.rule, message: `blocked by rule ${decision.rule}: ${decision.message}` };
    if (decision.decision === 'approve' && !session.grant.scope.approved) {
      return { status: 403, rule: decision.rule, message: `rule ${decision.rule} needs approval for this request, and this session was not approved: ${decision.message}` };
    }
    return null;
  }

  // One leaf masker (and its cache of masked strings) per profile and identity, shared by the
  // sessions that mask alike: most strings of one cluster's answers recur across requests.
  const leafMaskers = new Map<string, ReturnType<typeof createLeafMasker>>();
  function maskerFor(session: InSession, canonical: string) {
    const sessionRecord = core.state.sessions.get(session.grant.sessionId);
    const profile = (sessionRecord?.decision.mask ?? 'strict') as MaskProfileName;
    // The policy's masking section (its allow-lists, its own detectors) applies here as in the wrapper.
    const text = { ...policyMasking(profile, core.policy.masking), ownIdentities: [session.grant.by.subject] };
    const key = JSON.stringify([profile, session.grant.by.subject]);
    let leaf = leafMaskers.get(key);
    if (!leaf) {
      if (leafMaskers.size >= 64) leafMaskers.clear();
      leafMaskers.set(key, (leaf = createLeafMasker(text)));
    }
    return { leaf, text, resourceKind: kindOfResource(canonical) };
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const admitted = admit(req);
    if (!admitted.ok) {
      req.resume();
      if (admitted.session) await logRefusal(admitted.session, { status: admitted.status, rule: admitted.status === 403 ? 'impersonation' : 'grant', message: admitted.message });
      return sendStatus(res, admitted.status, admitted.message);
    }
    const { session, apiTarget } = admitted;
    const resolved = resolveRequestTarget(session.method, apiTarget);
    if (!resolved.ok) {
      req.resume();
      await logRefusal(session, { status: 400, rule: 'request', message: `the request path ${resolved.reason}` });
      return sendStatus(res, 400, `the request path ${resolved.reason}`);
    }
    const { info, query } = resolved;
    session.info = info;
    let body: RequestBody | null = null;
    let bytes: Buffer = Buffer.alloc(0);
    try {
      bytes = await readRequestBody(req, { idleMs: core.limits.bodyIdleMs, deadlineMs: core.limits.bodyDeadlineMs });
      if (bytes.length > 0 && isProtobuf(req.headers['content-type']) && (session.method === 'POST' || session.method === 'PUT') && info.isResourceRequest) {
        // Scope first (no request leaves for what the grant does not cover), then the cluster decodes it.
        const { canonical } = canonicalResource(info);
        const scope = checkScope(session.grant.scope, info, canonical, requestClass(info, canonical, query), requestIntent(info, query, null).verb);
        if (!scope.ok) throw new ScopeRefusal(scope.message);
        const decoded = await decodeByDryRun(req, session.upstream, apiTarget, actAsOf(session), bytes);
        if (!decoded.ok) {
          record(session, { type: 'request', method: session.method, path: session.path, query: query.toString(), verb: info.verb, body: { contentType: PROTOBUF, size: bytes.length } });
          return relayAnswer(session, res, info, decoded);
        }
        body = decodedBody(decoded.object);
      } else {
        body = bytes.length > 0 ? parseRequestBody(bytes, req.headers['content-type']) : null;
      }
    } catch (error) {
      if (error instanceof ScopeRefusal) {
        record(session, { type: 'request', method: session.method, path: session.path, query: query.toString(), verb: info.verb });
        await logRefusal(session, { status: 403, rule: 'scope', message: `outside the session's scope: ${error.message}` });
        return sendStatus(res, 403, `outside the session's scope: ${error.message}`);
      }
      if (!(error instanceof BodyRefusal)) throw error;
      record(session, { type: 'request', method: session.method, path: session.path, query: query.toString(), verb: info.verb });
      await logRefusal(session, { status: error.status, rule: 'body', message: error.message });
      return sendStatus(res, error.status, error.message);
    }
    record(session, {
      type: 'request', method: session.method, path: session.path, query: query.toString(), verb: info.verb,
      resource: info.isResourceRequest ? canonicalResource(info).canonical : '', subresource: info.subresource, namespace: info.namespace, name: info.name,
      ...(body ? { body: bodySummary(body) } : {}),
    });
    session.objectName = body ? objectName(body.value) : '';
    const refusal = judge(session, info, query, body);
    if (refusal) {
      await logRefusal(session, refusal);
      return sendStatus(res, refusal.status, refusal.message);
    }
    forward(session, req, res, apiTarget, info, bytes);
  }

  /** The cluster's own error answer to a dry run, passed on masked, as the real request would have got it. */
  function relayAnswer(session: InSession, res: ServerResponse, info: RequestInfo, answer: Extract<DryRunAnswer, { ok: false }>): void {
    const masker = maskerFor(session, canonicalResource(info).canonical);
    let body = answer.body;
    try {
      body = Buffer.from(JSON.stringify(maskObject(JSON.parse(body.toString('utf8')), masker.leaf, { kind: masker.resourceKind })));
    } catch {
      body = Buffer.from(JSON.stringify(statusBody(answer.status, `the cluster refused the request (${answer.status})`)));
    }
    record(session, { type: 'response', status: answer.status, contentType: 'application/json', ...recordedBody(body, createHash('sha256').update(body).digest('hex'), body.length) });
    res.writeHead(answer.status, { ...responseHeaders(answer.headers, (text) => masker.leaf(text)), 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  }

  function forward(session: InSession, req: IncomingMessage, res: ServerResponse, apiTarget: string, info: RequestInfo, bytes: Buffer): void {
    const { upstream } = session;
    const headers = upstreamHeaders(req.headers, upstream, { user: session.grant.by.subject, groups: session.grant.by.groups }, { upgrade: false, ...(bytes.length > 0 || ['POST', 'PUT', 'PATCH'].includes(session.method) ? { bodyLength: bytes.length } : {}) });
    const send = upstream.url.protocol === 'https:' ? httpsRequest : httpRequest;
    let ended = false;
    const end = (how: string) => {
      if (ended) return;
      ended = true;
      untrack();
      record(session, { type: 'end', how });
    };
    const outgoing = send({
      agent: upstream.agent, method: session.method, hostname: upstream.url.hostname, port: upstream.url.port || undefined,
      path: upstreamPath(upstream, apiTarget), headers,
    });
    const untrack = records.track(session.grant.sessionId, session.header, (how) => {
      end(how);
      outgoing.destroy();
      res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        outgoing.destroy();
        end('client-closed');
      }
    });
    outgoing.on('error', (error) => {
      if (!res.headersSent) sendStatus(res, 502, `the gateway could not reach cluster ${upstream.cluster.name}: ${error.message}`);
      else res.destroy();
      end(`upstream-error: ${error.message}`);
    });
    outgoing.on('response', (answer) => {
      const status = answer.statusCode ?? 502;
      const kind = bodyKindOf(answer.headers['content-type'], info.verb === 'watch');
      const { canonical } = canonicalResource(info);
      const masker = maskerFor(session, canonical);
      const headersOut = responseHeaders(answer.headers, (text) => masker.leaf(text));
      const empty = session.method === 'HEAD' || status === 204 || status === 304;
      if (kind === 'unreadable') {
        if (empty) {
          res.writeHead(status, headersOut);
          answer.resume();
          res.end();
          return end('complete');
        }
        answer.destroy();
        record(session, { type: 'response', status: 502, contentType: answer.headers['content-type'] ?? '' });
        sendStatus(res, 502, `the cluster answered with ${JSON.stringify(answer.headers['content-type'])}, which the gateway cannot read and mask; nothing of it was passed on`);
        return end('unreadable');
      }
      res.writeHead(status, headersOut);
      if (empty) {
        answer.resume();
        res.end();
        record(session, { type: 'response', status, size: 0 });
        return end('complete');
      }
      const digest = new OutgoingDigest();
      const onEvent = (line: Buffer) => record(session, { type: 'event', ...frame(line) });
      const onChunk = (chunk: Buffer) => {
        digest.add(chunk);
        if (kind === 'text' && info.subresource === 'log') record(session, { type: 'log', ...frame(chunk) });
      };
      pipeline(answer, maskingStreamFor(kind, masker, onEvent), tap(onChunk), res, (error) => {
        record(session, { type: 'response', status, contentType: answer.headers['content-type'] ?? '', ...digest.summary() });
        if (!error) return end('complete');
        end(answer.errored || !answer.complete ? `upstream-error: ${error.message}` : res.destroyed ? 'client-closed' : `masking-error: ${error.message}`);
      });
    });
    outgoing.end(bytes.length > 0 ? bytes : undefined);
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const refuse = (status: number, message: string) => {
      socket.end(statusResponseBytes(status, message));
    };
    const admitted = admit(req);
    if (!admitted.ok) {
      if (admitted.session) await logRefusal(admitted.session, { status: admitted.status, rule: admitted.status === 403 ? 'impersonation' : 'grant', message: admitted.message });
      return refuse(admitted.status, admitted.message);
    }
    const { session, apiTarget } = admitted;
    const resolved = resolveRequestTarget(session.method, apiTarget);
    if (!resolved.ok) return refuse(400, `the request path ${resolved.reason}`);
    const { info, query } = resolved;
    session.info = info;
    record(session, {
      type: 'request', method: session.method, path: session.path, query: query.toString(), verb: info.verb, resource: canonicalResource(info).canonical,
      subresource: info.subresource, namespace: info.namespace, name: info.name, upgrade: String(req.headers.upgrade ?? ''),
    });
    const refusal = requestClass(info, canonicalResource(info).canonical, query) === 'connect'
      ? judge(session, info, query, null)
      : { status: 400, rule: 'request', message: 'the gateway upgrades only exec, attach and port-forward connections' };
    if (refusal) {
      await logRefusal(session, refusal);
      return refuse(refusal.status, refusal.message);
    }
    record(session, { type: 'tunnel-open', protocol: String(req.headers['sec-websocket-protocol'] ?? req.headers.upgrade ?? '') });
    let untrack = () => {};
    const close = openTunnel(req, socket, head, session.upstream, apiTarget, { user: session.grant.by.subject, groups: session.grant.by.groups }, (end) => {
      untrack();
      record(session, { type: 'tunnel-close', ...end });
    });
    untrack = records.track(session.grant.sessionId, session.header, close);
  }

  return {
    handle(req, res) {
      handleRequest(req, res).catch((error: unknown) => sendStatus(res, 500, `internal gateway error: ${(error as Error).message}`));
    },
    upgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      handleUpgrade(req, socket, head).catch(() => socket.destroy());
    },
    async stop() {
      await core.gateway.refusals.finishAll().catch(() => {});
      for (const upstream of upstreams.values()) upstream.agent.destroy();
      await records.stopAll();
    },
  };
}

/** A stream frame as the record keeps it: the masked text, or its digest when large. */
function frame(bytes: Buffer): Record<string, unknown> {
  if (bytes.length <= RECORD_INLINE_BYTES) return { text: bytes.toString('utf8') };
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
