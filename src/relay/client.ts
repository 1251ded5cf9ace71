// Typed calls to the relay's v1 API over undici. Used by the wrapper (before running kubectl)
// and by the approver and audit commands. Network failures become RelayUnreachableError (exit 75,
// naming the relay URL): a command that cannot get a decision does not run.
import { Agent, request, type Dispatcher } from 'undici';
import type { AuditEntry } from './audit-chain.ts';
import { errorFromAnswer, RelayUnreachableError } from './client-errors.ts';
import type { ApprovalRequest, ApprovalStatus, DecisionAnswer, Health, RequestList, SignedManifest, SubmitBody, Verdict } from './types.ts';
import type { JWK } from 'jose';

export type TokenSource = string | (() => Promise<string>);

export type RelayClientOptions = {
  url: string;
  token?: TokenSource;
  dispatcher?: Dispatcher;
  /** For calls that are not long-polls. */
  timeoutMs?: number;
};

export type RelayClient = {
  readonly url: string;
  health(): Promise<Health>;
  jwks(): Promise<{ keys: JWK[] }>;
  submit(body: SubmitBody): Promise<DecisionAnswer>;
  get(id: string): Promise<ApprovalRequest>;
  /** Returns when the request is no longer pending, or after `timeoutMs` (still pending). */
  wait(id: string, timeoutMs: number, signal?: AbortSignal): Promise<ApprovalRequest>;
  list(options?: { status?: ApprovalStatus | 'all'; since?: number; timeoutMs?: number; signal?: AbortSignal }): Promise<RequestList>;
  review(id: string, verdict: Verdict, justification: string): Promise<ApprovalRequest>;
  signManifest(payload: Record<string, unknown>): Promise<SignedManifest>;
  audit(options?: { since?: Date; limit?: number }): Promise<{ entries: AuditEntry[] }>;
  close(): Promise<void>;
};

export function createRelayClient(options: RelayClientOptions): RelayClient {
  const base = options.url.replace(/\/+$/, '');
  const ownDispatcher = options.dispatcher ? null : new Agent({ keepAliveTimeout: 10_000, connect: { timeout: 5_000 } });
  const dispatcher = options.dispatcher ?? ownDispatcher!;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, waitMs = 0, auth = true, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth && options.token !== undefined) headers.authorization = `Bearer ${typeof options.token === 'string' ? options.token : await options.token()}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let answer: Dispatcher.ResponseData;
    try {
      answer = await request(`${base}${path}`, {
        method, headers, dispatcher, body: body === undefined ? undefined : JSON.stringify(body), ...(signal ? { signal } : {}),
        headersTimeout: timeoutMs + waitMs, bodyTimeout: timeoutMs,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new RelayUnreachableError(base, error);
    }
    let parsed: unknown;
    try {
      parsed = await answer.body.json();
    } catch (error) {
      if (answer.statusCode >= 400) throw errorFromAnswer(base, answer.statusCode, null);
      throw new RelayUnreachableError(base, new Error(`answer is not JSON (HTTP ${answer.statusCode}): ${(error as Error).message}`));
    }
    if (answer.statusCode >= 400) throw errorFromAnswer(base, answer.statusCode, parsed);
    return parsed as T;
  }

  const id = (value: string) => encodeURIComponent(value);
  return {
    url: base,
    health: () => call('GET', '/v1/health', undefined, 0, false),
    jwks: () => call('GET', '/v1/jwks', undefined, 0, false),
    submit: (body) => call('POST', '/v1/decisions', body),
    get: (requestId) => call('GET', `/v1/requests/${id(requestId)}`),
    wait: (requestId, waitMs, signal) => call('GET', `/v1/requests/${id(requestId)}/wait?timeout=${Math.max(0, Math.round(waitMs))}`, undefined, waitMs, true, signal),
    list(query = {}) {
      const params = new URLSearchParams({ status: query.status ?? 'pending' });
      if (query.since !== undefined) params.set('since', String(query.since));
      if (query.timeoutMs !== undefined) params.set('timeout', String(Math.round(query.timeoutMs)));
      return call('GET', `/v1/requests?${params}`, undefined, query.timeoutMs ?? 0, true, query.signal);
    },
    review: (requestId, verdict, justification) => call('POST', `/v1/requests/${id(requestId)}/review`, { verdict, justification }),
    signManifest: (payload) => call('POST', '/v1/manifests/sign', { payload }),
    audit(query = {}) {
      const params = new URLSearchParams();
      if (query.since) params.set('since', query.since.toISOString());
      if (query.limit) params.set('limit', String(query.limit));
      return call('GET', `/v1/audit?${params}`);
    },
    close: async () => {
      await ownDispatcher?.close();
    },
  };
}
