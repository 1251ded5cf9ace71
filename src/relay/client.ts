// Typed calls to the relay's v1 API over undici. Used by the wrapper (before running kubectl)
// and by the approver and audit commands. Network failures become RelayUnreachableError (exit 75,
// naming the relay URL): a command that cannot get a decision does not run.
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import type { JWK } from 'jose';
import type { SessionDraft } from '../recording/manifest.ts';
import type { AuditEntry } from './audit-chain.ts';
import { errorFromAnswer, RelayError, RelayUnreachableError } from './client-errors.ts';
import type {
  ApprovalRequest, ApprovalStatus, DecisionAnswer, Health, RequestList, SessionStateFilter, SessionSummary, SignedManifest, SubmitBody, UploadAnswer, Verdict,
} from './types.ts';

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
  audit(options?: { since?: Date; limit?: number; fromSeq?: number; toSeq?: number }): Promise<{ entries: AuditEntry[] }>;
  /** Streams the session's .cast (`size` bytes) to the relay, which keeps its own copy. */
  uploadCast(sessionId: string, body: Readable, size: number): Promise<UploadAnswer>;
  /**
   * Closes the session; the relay answers with the signed manifest. A session closed before
   * (e.g. the answer was lost) gives back the manifest it got then, with `alreadyClosed`.
   */
  closeSession(sessionId: string, draft: SessionDraft): Promise<{ manifest: SignedManifest; alreadyClosed: boolean }>;
  sessions(state?: SessionStateFilter): Promise<SessionSummary[]>;
  sessionManifest(sessionId: string): Promise<SignedManifest>;
  /** The relay's copy of the .cast, as a stream. */
  sessionCast(sessionId: string): Promise<Readable>;
  close(): Promise<void>;
};

export function createRelayClient(options: RelayClientOptions): RelayClient {
  const base = options.url.replace(/\/+$/, '');
  const ownDispatcher = options.dispatcher ? null : new Agent({ keepAliveTimeout: 10_000, connect: { timeout: 5_000 } });
  const dispatcher = options.dispatcher ?? ownDispatcher!;
  const timeoutMs = options.timeoutMs ?? 15_000;

  type Send = { method: 'GET' | 'POST' | 'PUT'; path: string; body?: string | Readable; type?: string; length?: number; waitMs?: number; auth?: boolean; signal?: AbortSignal };

  async function send({ method, path, body, type, length, waitMs = 0, auth = true, signal }: Send): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth && options.token !== undefined) headers.authorization = `Bearer ${typeof options.token === 'string' ? options.token : await options.token()}`;
    if (type !== undefined) headers['content-type'] = type;
    if (length !== undefined) headers['content-length'] = String(length);
    try {
      return await request(`${base}${path}`, {
        method, headers, dispatcher, body, ...(signal ? { signal } : {}), headersTimeout: timeoutMs + waitMs, bodyTimeout: timeoutMs,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new RelayUnreachableError(base, error);
    }
  }

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, waitMs = 0, auth = true, signal?: AbortSignal): Promise<T> {
    const json = body === undefined ? {} : { body: JSON.stringify(body), type: 'application/json' };
    return answerOf<T>(await send({ method, path, ...json, waitMs, auth, ...(signal ? { signal } : {}) }));
  }

  async function answerOf<T>(answer: Dispatcher.ResponseData): Promise<T> {
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
    audit(query = {}) {
      const params = new URLSearchParams();
      if (query.since) params.set('since', query.since.toISOString());
      if (query.limit) params.set('limit', String(query.limit));
      if (query.fromSeq !== undefined) params.set('fromSeq', String(query.fromSeq));
      if (query.toSeq !== undefined) params.set('toSeq', String(query.toSeq));
      return call('GET', `/v1/audit?${params}`);
    },
    async uploadCast(sessionId, body, size) {
      // Allow for a slow link: at least 1 MB/s before the relay's answer is overdue.
      const waitMs = Math.ceil(size / 1_000);
      return answerOf(await send({ method: 'PUT', path: `/v1/sessions/${id(sessionId)}/cast`, body, type: 'application/octet-stream', length: size, waitMs }));
    },
    async closeSession(sessionId, draft) {
      try {
        return { manifest: (await call<{ manifest: SignedManifest }>('POST', `/v1/sessions/${id(sessionId)}/close`, { draft })).manifest, alreadyClosed: false };
      } catch (error) {
        const manifest = error instanceof RelayError && error.status === 409 ? (error.body as { manifest?: SignedManifest } | null)?.manifest : undefined;
        if (manifest) return { manifest, alreadyClosed: true };
        throw error;
      }
    },
    async sessions(state = 'all') {
      return (await call<{ sessions: SessionSummary[] }>('GET', `/v1/sessions?state=${state}`)).sessions;
    },
    sessionManifest: (sessionId) => call('GET', `/v1/sessions/${id(sessionId)}/manifest`),
    async sessionCast(sessionId) {
      const answer = await send({ method: 'GET', path: `/v1/sessions/${id(sessionId)}/cast` });
      if (answer.statusCode >= 400) return answerOf(answer);
      return answer.body;
    },
    close: async () => {
      await ownDispatcher?.close();
    },
  };
}
