// startRelay: the policy relay as an HTTP(S) server on a given address, importable by tests and
// `hkubectl demo`, and run by `hkubectl relay`. State comes from the audit log in the store
// (`dataDir`, replayed at start, then followed through the store's subscription); one relay per
// data dir, enforced with a lock file.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { TokenVerifier } from '../../auth/verify-token.ts';
import { ConfigError } from '../../errors.ts';
import type { Policy } from '../../policy/types.ts';
import type { AuditLog } from './store/audit-log.ts';
import { AUDIT_LOG_FILE, openFileStore, type FileStore } from './store/file-store.ts';
import type { RelayStore } from './store/store.ts';
import { allApproverGroups, createCore, type RelayCore } from './core.ts';
import { startCheckpoints, type Checkpointer } from './checkpoints.ts';
import { openKeyStore, type KeyStore } from './keys.ts';
import { createNotifier } from './notifier.ts';
import { createRoutes } from './routes.ts';
import { DEFAULT_LIMITS, type RelayLimits } from './limits.ts';
import { RelayState } from './state.ts';
import { startExpirySweep } from './sweep.ts';
import { checkClusterTargets, type ClusterTarget } from './gateway/clusters.ts';
import { createGateway, type Gateway } from './gateway/gateway.ts';
import { DEFAULT_GRANT_DURATIONS, type GrantDurations } from './gateway/lifetime.ts';
import { RECORDS_DIR, SessionRecords } from './gateway/record.ts';

export { AUDIT_LOG_FILE };

export type RelayOptions = {
  dataDir: string;
  policy: Policy;
  verifier: TokenVerifier;
  listen?: { host: string; port: number };
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Cut off a damaged last audit-log line (and log that) instead of refusing to start. */
  repairLog?: boolean;
  /** Make a new signing key current at start (old public keys stay in the JWKS). */
  rotateKey?: boolean;
  /** Groups that may read the audit log besides the approver groups. */
  auditorGroups?: string[];
  /** Longest long-poll the relay holds open. */
  maxWaitMs?: number;
  /** Largest .cast a wrapper may upload (default: DEFAULT_LIMITS.maxCastBytes); the same as limits.maxCastBytes. */
  maxCastBytes?: number;
  /** Body pacing and quotas; each left out takes its default (limits.ts). */
  limits?: Partial<RelayLimits>;
  /** Also append every signed checkpoint to this file (relay.yaml `checkpoints.copy`). */
  checkpointCopy?: string | null;
  /** How often checkpoints are signed while entries arrive (default a minute). */
  checkpointEveryMs?: number;
  now?: () => number;
  randomId?: () => string;
  /**
   * The clusters whose API the relay brokers (relay.yaml `clusters:`, read): an allowed command
   * on one of them gets a session grant, and runs through /gateway/<name>.
   */
  clusters?: ClusterTarget[];
  /** Longest life of a session grant by kind of command (lifetime.ts defaults the rest). */
  maxSessionDuration?: Partial<GrantDurations>;
  /** The relay's URL as agents reach it, for the gateway server in grants (default: the listener's own URL). */
  publicUrl?: string;
  /** PEM of the CA for the relay's certificate, handed to wrappers in grants (default: the TLS certificate itself). */
  gatewayCaPem?: string;
};

export type Relay = {
  url: string;
  dataDir: string;
  keys: KeyStore;
  store: RelayStore;
  /** The file store's log (its head is known at once). */
  log: AuditLog;
  state: RelayState;
  /** Signs a checkpoint of the log's head now (unless it is signed already). */
  checkpoint(): Promise<void>;
  rotateKey(): Promise<{ kid: string; previousKid: string }>;
  stop(): Promise<void>;
};

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const now = options.now ?? Date.now;
  const clock = () => new Date(now());
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  checkClusterTargets(options.clusters ?? []);
  const release = await lockDataDir(options.dataDir);
  let store: FileStore | undefined;
  let checkpoints: Checkpointer | undefined;
  try {
    const state = new RelayState();
    store = await openFileStore({ dataDir: options.dataDir, repair: options.repairLog ?? false, now: clock, onEntry: (entry) => state.apply(entry) });
    const opened = await openKeyStore(options.dataDir, clock);
    const approverGroups = allApproverGroups(options.policy);
    const head = await store.head();
    const records = new SessionRecords(join(options.dataDir, RECORDS_DIR), now);
    await records.init();
    let url = '';
    const caPem = options.gatewayCaPem ?? (options.tls ? String(options.tls.cert) : undefined);
    const core = createCore({
      gateway: {
        clusters: options.clusters ?? [], records, durations: { ...DEFAULT_GRANT_DURATIONS, ...options.maxSessionDuration },
        url: () => options.publicUrl ?? url, ...(caPem ? { caPem } : {}),
      },
      policy: options.policy, state, store, keys: opened.store, notifier: createNotifier(), verifier: options.verifier, now, head,
      randomId: options.randomId ?? randomUUID, approverGroups,
      auditorGroups: new Set([...approverGroups, ...(options.auditorGroups ?? [])]), maxWaitMs: options.maxWaitMs ?? 60_000,
      limits: limitsOf(options), uploading: new Set(),
      checkpoint: () => checkpoints!.checkpoint(),
    });
    const subscription = await store.subscribe(head.seq, (entry) => core.fold(entry), (to) => core.rollback(to));
    checkpoints = startCheckpoints({
      store, keys: opened.store, lastDurable: () => core.lastDurable(), now, copyTo: options.checkpointCopy ?? null,
      ...(options.checkpointEveryMs === undefined ? {} : { everyMs: options.checkpointEveryMs }),
    });
    if (opened.created) await core.commit({ type: 'key-created', kid: opened.store.kid() });
    const rotateKey = async () => {
      const rotated = await opened.store.rotate();
      await core.commit({ type: 'key-rotated', ...rotated });
      return rotated;
    };
    if (options.rotateKey) await rotateKey();
    await core.commit({ type: 'relay-start', policy: options.policy.source, policyRules: options.policy.rules.length, kid: opened.store.kid() });
    await checkpoints.checkpoint();
    const sweep = startExpirySweep(core);
    const gateway = createGateway(core, records);
    const server = await listen(core, gateway, options);
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
    let stopping: Promise<void> | undefined;
    const opens = store;
    const signs = checkpoints;
    return {
      url,
      dataDir: options.dataDir, keys: opened.store, store: opens, log: opens.log, state, rotateKey, checkpoint: () => signs.checkpoint(),
      stop() {
        stopping ??= (async () => {
          sweep.stop();
          signs.stop();
          core.notifier.notifyAll();
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await gateway.stop();
          await opens.log.flushed();
          // The last entries get a checkpoint too, so a clean stop leaves nothing unanchored.
          await signs.checkpoint().catch(() => {});
          subscription.close();
          await opens.close();
          await release();
        })();
        return stopping;
      },
    };
  } catch (error) {
    checkpoints?.stop();
    await store?.close();
    await release();
    throw error;
  }
}

function limitsOf(options: RelayOptions): RelayLimits {
  return { ...DEFAULT_LIMITS, ...options.limits, ...(options.maxCastBytes === undefined ? {} : { maxCastBytes: options.maxCastBytes }) };
}

async function listen(core: RelayCore, gateway: Gateway, options: RelayOptions): Promise<Server> {
  const routes = createRoutes(core);
  const handler: Parameters<typeof createHttpServer>[1] = (req, res) => ((req.url ?? '').startsWith('/gateway/') ? gateway.handle(req, res) : routes(req, res));
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').startsWith('/gateway/')) return gateway.upgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  // Long-polls may legitimately last up to maxWaitMs, and a recording upload its uploadDeadline;
  // bodies are paced by the routes themselves (limits.ts), this is only the outer bound.
  const limits = limitsOf(options);
  server.requestTimeout = Math.max((options.maxWaitMs ?? 60_000) + 30_000, limits.uploadDeadlineMs + 60_000, limits.bodyDeadlineMs + 60_000);
  const { host, port } = options.listen ?? { host: '127.0.0.1', port: 0 };
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new ConfigError('ERR_RELAY_LISTEN', `cannot listen on ${host}:${port}: ${error.message}`, { cause: error })));
    server.listen(port, host, resolve);
  });
  return server;
}

async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, { lockfilePath: join(dataDir, 'relay.lock'), stale: 15_000, update: 5_000, realpath: false });
  } catch (error) {
    throw new ConfigError('ERR_RELAY_DATA_LOCKED', `another relay is using the data directory ${dataDir}`, {
      hint: 'stop that relay first, or give this one its own --data directory', cause: error,
    });
  }
}
