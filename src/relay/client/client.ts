// Typed calls to the relay's v1 API. Used by the wrapper before and after every kubectl it runs,
// and by the approver and audit commands. Network failures become RelayUnreachableError (exit 75,
// naming the relay URL): a command that cannot get a decision does not run.
//
// The transport is node:http(s) with a keep-alive agent rather than undici: this module is on the
// path of every governed kubectl command, and loading undici costs more than Node's own start-up
// (bench/governed.bench.ts), while the calls here are a handful of small JSON requests.
import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { Readable } from 'node:stream';
import type { JWK } from 'jose';
import type { SessionDraft } from '../../contract/manifest.ts';
import type { AuditEntry } from '../../contract/audit-chain.ts';
import type { SignedCheckpoint } from '../../contract/checkpoint.ts';
import { errorFromAnswer, RelayError, RelayUnreachableError } from './client-errors.ts';
import type {
  ApprovalRequest, ApprovalStatus, CloseBody, DecisionAnswer, Health, RequestList, SessionStateFilter, SessionSummary, SignedManifest, SubmitBody, UploadAnswer, Verdict,
} from '../../contract/relay-api.ts';

export type TokenSource = string | (() => Promise<string>);

export type RelayClientOptions = {
  url: string;
  token?: TokenSource;
  /** PEM CA certificate(s) to trust for an https relay, besides the system's (and NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer;
  /** Sockets kept per relay (default 8). */
  maxSockets?: number;
  /** For calls that are not long-polls. */
  timeoutMs?: number;
  /** Where the URL came from (`--hk-relay`, `HKUBECTL_RELAY`, config.yaml…), for errors that ask the user to check it. */
  urlSource?: string;
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
  /** Every signed checkpoint of the audit log's head, oldest first (auditors). */
  checkpoints(): Promise<{ checkpoints: SignedCheckpoint[] }>;
  /** Streams the session's .cast (`size` bytes) to the relay, which keeps its own copy. */
  uploadCast(sessionId: string, body: Readable, size: number): Promise<UploadAnswer>;
  /**
   * Closes the session; the relay answers with the signed manifest. A session closed before
   * (e.g. the answer was lost) gives back the manifest it got then, with `alreadyClosed`.
   * `cast`: the whole .cast when it is small (INLINE_CAST_MAX_BYTES), kept by the relay as if uploaded.
   */
  closeSession(sessionId: string, draft: SessionDraft, cast?: Buffer): Promise<{ manifest: SignedManifest; alreadyClosed: boolean }>;
  sessions(state?: SessionStateFilter): Promise<SessionSummary[]>;
  /** The sessions the caller itself was recorded running (no auditor group needed). */
  ownSessions(state?: SessionStateFilter): Promise<SessionSummary[]>;
  sessionManifest(sessionId: string): Promise<SignedManifest>;
  /** The relay's copy of the .cast, as a stream. */
  sessionCast(sessionId: string): Promise<Readable>;
  /** The relay's own record of a gateway session (JSON lines), as a stream; 404 for a local-mode session. */
  sessionRecord(sessionId: string): Promise<Readable>;
  close(): Promise<void>;
};

type Answer = { statusCode: number; body: IncomingMessage };

async function readJson(body: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function createRelayClient(options: RelayClientOptions): RelayClient {
  const base = options.url.replace(/\/+$/, '');
  const transport = lazyTransport(base.startsWith('https:'), options);
  // Loading starts now, so it overlaps whatever the caller reads before its first call.
  void transport.get();
  const timeoutMs = options.timeoutMs ?? 15_000;
  const connectTimeoutMs = 5_000;

  type Send = { method: 'GET' | 'POST' | 'PUT'; path: string; body?: string | Readable; type?: string; length?: number; waitMs?: number; auth?: boolean; signal?: AbortSignal };

  async function send({ method, path, body, type, length, waitMs = 0, auth = true, signal }: Send): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth && options.token !== undefined) headers.authorization = `Bearer ${typeof options.token === 'string' ? options.token : await options.token()}`;
    if (type !== undefined) headers['content-type'] = type;
    if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
    else if (length !== undefined) headers['content-length'] = String(length);
    let url: URL;
    try {
      url = new URL(`${base}${path}`);
    } catch (error) {
      throw new RelayUnreachableError(base, error, options.urlSource);
    }
    const { agent, request } = await transport.get();
    return new Promise<Answer>((resolve, reject) => {
      const req = request(url, { method, headers, agent, ...(signal ? { signal } : {}) });
      let answered = false;
      const fail = (error: unknown): void => {
        if (answered) return;
        answered = true;
        reject(signal?.aborted ? error : new RelayUnreachableError(base, error, options.urlSource));
      };
      // No answer in time (a long-poll gets its wait on top): give up on this request.
      const overdue = setTimeout(() => {
        const error = Object.assign(new Error('it did not answer in time'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
        fail(error);
        req.destroy(error);
      }, timeoutMs + waitMs);
      req.once('socket', (socket) => {
        if (socket.connecting) {
          const slow = setTimeout(() => req.destroy(Object.assign(new Error('connect timed out'), { code: 'UND_ERR_CONNECT_TIMEOUT' })), connectTimeoutMs);
          socket.once('connect', () => clearTimeout(slow)).once('close', () => clearTimeout(slow));
        }
      });
      req.once('error', (error) => {
        clearTimeout(overdue);
        fail(error);
      });
      req.once('response', (res) => {
        clearTimeout(overdue);
        if (answered) return res.resume();
        answered = true;
        // An answer before the whole upload was sent (e.g. 413): stop sending it.
        if (body !== undefined && typeof body !== 'string' && !body.readableEnded) {
          body.unpipe(req);
          body.destroy();
          res.once('end', () => req.destroy());
        }
        resolve({ statusCode: res.statusCode ?? 0, body: res });
      });
      if (body === undefined) req.end();
      else if (typeof body === 'string') req.end(body);
      else {
        body.once('error', (error) => req.destroy(error));
        body.pipe(req);
      }
    });
  }

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, waitMs = 0, auth = true, signal?: AbortSignal): Promise<T> {
    const json = body === undefined ? {} : { body: JSON.stringify(body), type: 'application/json' };
    return answerOf<T>(await send({ method, path, ...json, waitMs, auth, ...(signal ? { signal } : {}) }));
  }

  async function answerOf<T>(answer: Answer): Promise<T> {
    let parsed: unknown;
    try {
      parsed = await readJson(answer.body);
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
    checkpoints: () => call('GET', '/v1/checkpoints'),
    async uploadCast(sessionId, body, size) {
      // Allow for a slow link: at least 1 MB/s before the relay's answer is overdue.
      const waitMs = Math.ceil(size / 1_000);
      return answerOf(await send({ method: 'PUT', path: `/v1/sessions/${id(sessionId)}/cast`, body, type: 'application/octet-stream', length: size, waitMs }));
    },
    async closeSession(sessionId, draft, cast) {
      const body: CloseBody = cast ? { draft, cast: cast.toString('base64') } : { draft };
      try {
        return { manifest: (await call<{ manifest: SignedManifest }>('POST', `/v1/sessions/${id(sessionId)}/close`, body)).manifest, alreadyClosed: false };
      } catch (error) {
        const manifest = error instanceof RelayError && error.status === 409 ? (error.body as { manifest?: SignedManifest } | null)?.manifest : undefined;
        if (manifest) return { manifest, alreadyClosed: true };
        throw error;
      }
    },
    async sessions(state = 'all') {
      return (await call<{ sessions: SessionSummary[] }>('GET', `/v1/sessions?state=${state}`)).sessions;
    },
    async ownSessions(state = 'all') {
      return (await call<{ sessions: SessionSummary[] }>('GET', `/v1/sessions/mine?state=${state}`)).sessions;
    },
    sessionManifest: (sessionId) => call('GET', `/v1/sessions/${id(sessionId)}/manifest`),
    async sessionCast(sessionId) {
      const answer = await send({ method: 'GET', path: `/v1/sessions/${id(sessionId)}/cast` });
      if (answer.statusCode >= 400) return answerOf(answer);
      return answer.body;
    },
    async sessionRecord(sessionId) {
      const answer = await send({ method: 'GET', path: `/v1/sessions/${id(sessionId)}/record` });
      if (answer.statusCode >= 400) return answerOf(answer);
      return answer.body;
    },
    close: async () => {
      (await transport.started())?.agent.destroy();
    },
  };
}

type Transport = { agent: Agent; request: (url: URL, options: RequestOptions) => ClientRequest };

/**
 * node:http or node:https, loaded at the first call. The wrapper loads this client before every
 * governed command, and node:https (with TLS) alone costs about 5 ms: an http relay never needs it.
 */
function lazyTransport(secure: boolean, options: RelayClientOptions): { get(): Promise<Transport>; started(): Promise<Transport> | undefined } {
  const agentOptions = { keepAlive: true, keepAliveMsecs: 10_000, maxSockets: options.maxSockets ?? 8 };
  let loading: Promise<Transport> | undefined;
  const load = async (): Promise<Transport> => {
    if (secure) {
      const https = await import('node:https');
      return { agent: new https.Agent({ ...agentOptions, ...(options.ca ? { ca: options.ca } : {}) }), request: https.request };
    }
    const http = await import('node:http');
    return { agent: new http.Agent(agentOptions), request: http.request };
  };
  return { get: () => (loading ??= load()), started: () => loading };
}
