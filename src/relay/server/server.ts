// startRelay: the policy relay as an HTTP(S) server on a given address, importable by tests and
// `hkubectl demo`, and run by `hkubectl relay`. State comes from the audit log in the store
// (replayed at start, then followed through the store's subscription): files in `dataDir`, one
// relay per data dir (a lock file), or a PostgreSQL database that several relays share
// (open-store.ts).
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TokenVerifier } from '../../auth/verify-token.ts';
import { ConfigError } from '../../errors.ts';
import type { Policy } from '../../policy/types.ts';
import type { AuditLog } from './store/audit-log.ts';
import { AUDIT_LOG_FILE } from './store/file-store.ts';
import type { RelayStore } from './store/store.ts';
import { allApproverGroups, createCore, type RelayCore } from './core.ts';
import { startCheckpoints, type Checkpointer } from './checkpoints.ts';
import type { KeyStore } from './keys.ts';
import { openRelayStore, type OpenedStore, type StoreChoice } from './open-store.ts';
import { createNotifier } from './notifier.ts';
import { createRoutes } from './routes.ts';
import { DEFAULT_LIMITS, type RelayLimits } from './limits.ts';
import { RelayState } from './state.ts';
import { startExpirySweep } from './sweep.ts';
import { checkClusterTargets, type ClusterTarget } from './gateway/clusters.ts';
import { createGateway, type Gateway } from './gateway/gateway.ts';
import { RefusalLog } from './gateway/refusal-log.ts';
import { DEFAULT_GRANT_DURATIONS, type GrantDurations } from './gateway/lifetime.ts';
import { RECORDS_DIR, SessionRecords } from './gateway/record.ts';

export { AUDIT_LOG_FILE };

export type RelayOptions = {
  /** The file store's directory (unused on PostgreSQL). */
  dataDir: string;
  /** Where the relay keeps everything: files in dataDir when left out or null. */
  store?: StoreChoice;
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
  /** The file store's log (its head is known at once); null on PostgreSQL. */
  log: AuditLog | null;
  state: RelayState;
  /** Signs a checkpoint of the log's head now (unless it is signed already). */
  checkpoint(): Promise<void>;
  rotateKey(): Promise<{ kid: string; previousKid: string }>;
  stop(): Promise<void>;
};

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const now = options.now ?? Date.now;
  const clock = () => new Date(now());
  checkClusterTargets(options.clusters ?? []);
  const state = new RelayState();
  const opened: OpenedStore = await openRelayStore({
    dataDir: options.dataDir, choice: options.store ?? null, repair: options.repairLog ?? false, clock, replay: (entry) => state.apply(entry),
  });
  let checkpoints: Checkpointer | undefined;
  try {
    const { store, keys, head } = opened;
    const approverGroups = allApproverGroups(options.policy);
    const records = new SessionRecords(join(options.dataDir, RECORDS_DIR), now);
    await records.init();
    let url = '';
    const caPem = options.gatewayCaPem ?? (options.tls ? String(options.tls.cert) : undefined);
    const core = createCore({
      gateway: {
        // Commits through the core made just below, once a refusal happens.
        clusters: options.clusters ?? [], records, refusals: new RefusalLog((event) => core.commit(event), now), durations: { ...DEFAULT_GRANT_DURATIONS, ...options.maxSessionDuration },
        url: () => options.publicUrl ?? url, ...(caPem ? { caPem } : {}),
      },
      policy: options.policy, state, store, keys, notifier: createNotifier(), verifier: options.verifier, now, head,
      randomId: options.randomId ?? randomUUID, approverGroups,
      auditorGroups: new Set([...approverGroups, ...(options.auditorGroups ?? [])]), maxWaitMs: options.maxWaitMs ?? 60_000,
      limits: limitsOf(options), uploading: new Set(),
      checkpoint: () => checkpoints!.checkpoint(),
    });
    const subscription = await store.subscribe(head.seq, (entry) => core.fold(entry), (to) => core.rollback(to));
    checkpoints = startCheckpoints({
      store, keys, lastDurable: () => core.lastDurable(), now, copyTo: options.checkpointCopy ?? null,
      ...(options.checkpointEveryMs === undefined ? {} : { everyMs: options.checkpointEveryMs }),
    });
    if (opened.keysCreated) await core.commit({ type: 'key-created', kid: keys.kid() });
    const rotateKey = async () => {
      const rotated = await keys.rotate();
      await core.commit({ type: 'key-rotated', ...rotated });
      return rotated;
    };
    if (options.rotateKey) await rotateKey();
    await core.commit({ type: 'relay-start', policy: options.policy.source, policyRules: options.policy.rules.length, kid: keys.kid() });
    await checkpoints.checkpoint();
    const sweep = startExpirySweep(core);
    const gateway = createGateway(core, records);
    const server = await listen(core, gateway, options);
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
    let stopping: Promise<void> | undefined;
    const signs = checkpoints;
    return {
      url,
      dataDir: options.dataDir, keys, store, log: opened.log, state, rotateKey, checkpoint: () => signs.checkpoint(),
      stop() {
        stopping ??= (async () => {
          sweep.stop();
          signs.stop();
          core.notifier.notifyAll();
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await gateway.stop();
          await opened.flushed();
          // The last entries get a checkpoint too, so a clean stop leaves nothing unanchored.
          await signs.checkpoint().catch(() => {});
          subscription.close();
          await opened.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    checkpoints?.stop();
    await opened.close();
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
