// The relay's HTTP API, version 1. Every route but health and the JWKS needs a verified bearer
// token; every state change goes through core.commit, so it is in the audit log before the answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../../auth/identity.ts';
import { isHkError } from '../../errors.ts';
import { mayView, reviewRefusal, statusAt } from './approvals.ts';
import { readAuditEntries } from './store/audit-read.ts';
import { isClaimTaken } from './store/store.ts';
import type { RelayCore } from './core.ts';
import type { AuditEvent } from '../../contract/audit-chain.ts';
import { decide, personOf } from './decide.ts';
import type { ReviewEvent } from '../../contract/audit-events.ts';
import { ApiError, readJson, sendError, sendJson } from './http.ts';
import { ANY_REQUEST } from './notifier.ts';
import { APPROVAL_STATUSES, type ApprovalRequest, type Health, type RequestList } from '../../contract/relay-api.ts';
import { reviewBody, submitBody } from './validate.ts';
import { sessionRoutes } from './session-routes.ts';
import { isoTime, oneOf, parseQuery, wholeNumber } from './query.ts';
import { checkSessionQuota } from './quota-checks.ts';
import { ownSessionsRoute } from './own-sessions.ts';
import { showCommand } from '../../contract/command-line.ts';
import { contactsCluster } from '../../policy/verbs.ts';
import { targetCluster } from './gateway/clusters.ts';
import { issueGrant } from './gateway/issue.ts';

/** A claim lost to another relay is decided again at most this many times (each loss means progress elsewhere). */
const RACE_ATTEMPTS = 5;
/** Longest wait for this relay to fold what the store already holds, before answering 404. */
const CATCH_UP_MS = 2000;

/**
 * Commits `event`, or, when another relay sharing the store took the same claim first (used the
 * approval, reviewed the request), catches up with that relay's entry and answers false so the
 * caller decides again on what it now knows. After RACE_ATTEMPTS losses the loss is the answer.
 */
async function commitUnlessClaimed(core: RelayCore, event: AuditEvent, attempt: number): Promise<boolean> {
  try {
    await core.commit(event);
    return true;
  } catch (error) {
    if (!isClaimTaken(error) || attempt >= RACE_ATTEMPTS) throw error;
    await core.caughtUp(error.heldBySeq);
    return false;
  }
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void>;

export function createRoutes(core: RelayCore): (req: IncomingMessage, res: ServerResponse) => void {
  const view = (request: ApprovalRequest): ApprovalRequest => ({ ...request, status: statusAt(request, core.now()) });
  const inGroups = (identity: Identity, groups: ReadonlySet<string>) => identity.groups.some((group) => groups.has(group));

  async function authenticate(req: IncomingMessage): Promise<Identity> {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer[ ]+([^ ]+)$/i.exec(header);
    if (!match) {
      throw new ApiError(401, 'ERR_UNAUTHENTICATED', 'this call needs an "Authorization: Bearer <token>" header (run hkubectl login)', 'missing', {
        'www-authenticate': 'Bearer realm="hkubectl-relay"',
      });
    }
    try {
      return await core.verifier.verify(match[1]!);
    } catch (error) {
      if (isHkError(error) && 'reason' in error) {
        throw new ApiError(401, error.code, error.message, String(error.reason), {
          'www-authenticate': `Bearer realm="hkubectl-relay", error="invalid_token"`,
        });
      }
      throw error;
    }
  }

  /**
   * A request this relay has not folded yet may be one another relay sharing the store just
   * recorded: catch up to the store's head (briefly) before saying there is no such request.
   */
  async function catchUpFor(id: string): Promise<void> {
    if (core.state.requests.has(id)) return;
    const head = await core.store.head();
    await Promise.race([core.caughtUp(head.seq), new Promise((resolve) => setTimeout(resolve, CATCH_UP_MS).unref())]);
  }

  function requestFor(identity: Identity, id: string): ApprovalRequest {
    const request = core.state.requests.get(id);
    if (!request) throw new ApiError(404, 'ERR_NO_SUCH_REQUEST', `no approval request ${id}`);
    if (!mayView(request, personOf(identity))) throw new ApiError(403, 'ERR_FORBIDDEN', `${identity.subject} may not see request ${id}`);
    return request;
  }

  const waitMs = (timeout: number | undefined): number => Math.min(timeout ?? 0, core.maxWaitMs);
  const pacing = { idleMs: core.limits.bodyIdleMs, deadlineMs: core.limits.bodyDeadlineMs };

  // A client that goes away mid long-poll must not leave a timer behind.
  function closeSignal(res: ServerResponse): AbortSignal {
    const controller = new AbortController();
    res.once('close', () => controller.abort());
    return controller.signal;
  }

  // A relay whose log cannot be written decides nothing (every decision is logged first): it
  // says so, with 503, so a load balancer sends agents to another relay.
  const health: Route = async (_req, res, url) => {
    parseQuery(url, {});
    const store = await core.store.health();
    // A store that cannot be reached cannot say its head either: the last one this relay knows.
    const head = store.writable ? await core.store.head().catch(() => core.lastDurable()) : core.lastDurable();
    const body: Health = { ok: store.writable, api: 'v1', seq: head.seq, kid: core.keys.kid(), maxCastBytes: core.limits.maxCastBytes, ...(store.writable ? {} : { problem: store.problem }) };
    sendJson(res, store.writable ? 200 : 503, body);
  };

  const jwks: Route = async (_req, res, url) => (parseQuery(url, {}), sendJson(res, 200, core.keys.jwks(), { 'cache-control': 'public, max-age=300' }));

  const submit: Route = async (req, res, url) => {
    parseQuery(url, {});
    const identity = await authenticate(req);
    const body = submitBody(await readJson(req, pacing));
    // A cluster the relay brokers is decided as the relay knows it (its server), whatever else the kubeconfig reported.
    const target = targetCluster(core.gateway.clusters, body);
    const decidedBody = target ? { ...body, cluster: target.server } : body;
    // Decided again when another relay sharing the store used the same approval first (the
    // store's claim refuses the second use): this relay catches up and sees it consumed.
    for (let attempt = 1; ; attempt += 1) {
      const decided = decide({ policy: core.policy, state: core.state, nowMs: core.now(), randomId: core.randomId, brokered: target !== null }, identity, decidedBody);
      const { event, answer } = decided;
      // Every allow opens a session (a recording, a manifest to sign): those are what the quota counts.
      if (event.sessionId) await checkSessionQuota(core, event);
      if (!(await commitUnlessClaimed(core, event, attempt))) continue;
      if (target && answer.decision === 'allow' && contactsCluster(decided.intent)) {
        const issued = issueGrant(core.gateway, target, event, decided.intent, core.now());
        await core.commit(issued.event);
        answer.gateway = issued.grant;
      }
      sendJson(res, 200, answer);
      return;
    }
  };

  const list: Route = async (req, res, url) => {
    const query = parseQuery(url, { since: wholeNumber(0, Number.MAX_SAFE_INTEGER), timeout: wholeNumber(0, Number.MAX_SAFE_INTEGER), status: oneOf(['all', ...APPROVAL_STATUSES]) });
    const identity = await authenticate(req);
    if (!inGroups(identity, core.approverGroups)) {
      throw new ApiError(403, 'ERR_NOT_APPROVER', `${identity.subject} is in none of the approver groups (${[...core.approverGroups].join(', ')})`);
    }
    const timeout = waitMs(query.timeout);
    if (query.since !== undefined && query.since === core.publishedVersion() && timeout > 0) {
      await core.notifier.wait(ANY_REQUEST, timeout, closeSignal(res));
    }
    const wanted = query.status ?? 'pending';
    const person = personOf(identity);
    const requests = [...core.state.requests.values()].map(view)
      .filter((request) => (wanted === 'all' || request.status === wanted) && mayView(request, person))
      .slice(-500);
    const body: RequestList = { version: core.publishedVersion(), requests };
    sendJson(res, 200, body);
  };

  const getOne: Route = async (req, res, url, [id]) => {
    parseQuery(url, {});
    const identity = await authenticate(req);
    await catchUpFor(id!);
    sendJson(res, 200, view(requestFor(identity, id!)));
  };

  const wait: Route = async (req, res, url, [id]) => {
    const query = parseQuery(url, { timeout: wholeNumber(0, Number.MAX_SAFE_INTEGER) });
    const identity = await authenticate(req);
    const timeout = waitMs(query.timeout);
    const signal = closeSignal(res);
    const deadline = core.now() + timeout;
    await catchUpFor(id!);
    let request = requestFor(identity, id!);
    // Loop: a wake-up may be for a change that leaves the request pending.
    while (view(request).status === 'pending' && core.now() < deadline && !signal.aborted) {
      const left = Math.min(deadline - core.now(), Date.parse(request.expiresAt) - core.now());
      if (left <= 0) break;
      await core.notifier.wait(id!, left, signal);
      request = requestFor(identity, id!);
    }
    if (!signal.aborted) sendJson(res, 200, view(request));
  };

  const review: Route = async (req, res, url, [id]) => {
    parseQuery(url, {});
    const identity = await authenticate(req);
    const body = reviewBody(await readJson(req, pacing));
    await catchUpFor(id!);
    // Judged again when an approver on another relay sharing the store reviewed it first: the
    // store's claim lets one review through, and this one then meets "already reviewed" (409).
    for (let attempt = 1; ; attempt += 1) {
      const request = core.state.requests.get(id!);
      if (!request) throw new ApiError(404, 'ERR_NO_SUCH_REQUEST', `no approval request ${id}`);
      const refusal = reviewRefusal(request, personOf(identity), body.verdict, body.justification, core.now());
      if (refusal) {
        // The relay has just seen the expiry: note it now rather than at the next sweep.
        if (refusal.status === 410 && request.status !== 'expired') await core.commit({ type: 'expire', requestId: request.id, command: showCommand(request.argv) });
        throw new ApiError(refusal.status, refusal.code, refusal.message);
      }
      const event: ReviewEvent = { type: 'review', requestId: request.id, verdict: body.verdict, by: personOf(identity), justification: body.justification, command: showCommand(request.argv) };
      if (!(await commitUnlessClaimed(core, event, attempt))) continue;
      sendJson(res, 200, view(core.state.requests.get(request.id)!));
      return;
    }
  };

  const audit: Route = async (req, res, url) => {
    const query = parseQuery(url, { since: isoTime, limit: wholeNumber(1, 10_000), fromSeq: wholeNumber(0, Number.MAX_SAFE_INTEGER), toSeq: wholeNumber(0, Number.MAX_SAFE_INTEGER) });
    const identity = await authenticate(req);
    if (!inGroups(identity, core.auditorGroups)) {
      throw new ApiError(403, 'ERR_NOT_AUDITOR', `${identity.subject} is in none of the groups that may read the audit log (${[...core.auditorGroups].join(', ')})`);
    }
    const { since, fromSeq, toSeq } = query;
    const head = core.lastDurable().seq;
    const entries = await readAuditEntries(core.store, {
      since: since ?? null, limit: query.limit ?? 1000, upToSeq: toSeq === undefined ? head : Math.min(toSeq, head), ...(fromSeq === undefined ? {} : { fromSeq }),
    });
    sendJson(res, 200, { entries });
  };

  const checkpoints: Route = async (req, res, url) => {
    parseQuery(url, {});
    const identity = await authenticate(req);
    if (!inGroups(identity, core.auditorGroups)) {
      throw new ApiError(403, 'ERR_NOT_AUDITOR', `${identity.subject} is in none of the groups that may read the audit log (${[...core.auditorGroups].join(', ')})`);
    }
    const list = [];
    for await (const checkpoint of core.store.checkpoints()) list.push(checkpoint);
    sendJson(res, 200, { checkpoints: list });
  };

  const table: Array<[string, RegExp, Route]> = [
    ['GET', /^\/v1\/health$/, health],
    ['GET', /^\/v1\/jwks$/, jwks],
    ['GET', /^\/\.well-known\/jwks\.json$/, jwks],
    ['POST', /^\/v1\/decisions$/, submit],
    ['GET', /^\/v1\/requests$/, list],
    ['GET', /^\/v1\/requests\/([\w-]+)$/, getOne],
    ['GET', /^\/v1\/requests\/([\w-]+)\/wait$/, wait],
    ['POST', /^\/v1\/requests\/([\w-]+)\/review$/, review],
    ['GET', /^\/v1\/audit$/, audit],
    ['GET', /^\/v1\/checkpoints$/, checkpoints],
    ownSessionsRoute(core, authenticate),
    ...sessionRoutes(core, { authenticate, isAuditor: (identity) => inGroups(identity, core.auditorGroups), pacing }),
  ];

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    let allowed: string[] = [];
    for (const [method, pattern, route] of table) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      if (method !== req.method) {
        allowed.push(method);
        continue;
      }
      route(req, res, url, match.slice(1)).catch((error: unknown) => fail(res, error));
      return;
    }
    allowed = [...new Set(allowed)];
    fail(res, allowed.length > 0
      ? new ApiError(405, 'ERR_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}`, undefined, { allow: allowed.join(', ') })
      : new ApiError(404, 'ERR_NOT_FOUND', `no such endpoint ${url.pathname} (this relay speaks API v1)`));
  };
}

function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof ApiError) return sendError(res, error);
  if (isHkError(error) && error.exitCode === 75) return sendError(res, new ApiError(503, error.code, error.message));
  sendError(res, new ApiError(500, 'ERR_INTERNAL', `internal relay error: ${(error as Error).message}`));
}
