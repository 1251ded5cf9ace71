// The sandbox: an in-memory, Kubernetes-API-compatible server on 127.0.0.1 that the real kubectl
// drives (TLS with a fresh CA, bearer tokens, RBAC and impersonation as the apiserver does them),
// plus the kubeconfig that points kubectl at it as the administrator.
// The kubeconfig marks the context as a sandbox (see kubeconfig.ts) so that replay re-execution
// can refuse any other cluster.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { eventRecorder } from './controllers/events.ts';
import { startNamespaceController } from './controllers/namespaces.ts';
import { startWorkloadControllers } from './controllers/workloads.ts';
import { Jailer, type Isolation, type JailOptions } from './jail.ts';
import { buildKubeconfig } from './kubeconfig.ts';
import { logSource } from './logs.ts';
import type { Cluster } from './operations.ts';
import { createObject } from './operations.ts';
import { PodPorts } from './portforward.ts';
import { findResource } from './resources.ts';
import { PodRuntime } from './runtime.ts';
import { loadSeed, readSeedFile } from './seed.ts';
import { TokenAuthenticator } from './auth/authenticate.ts';
import type { SandboxIdentity, SeedUser } from './auth/identities.ts';
import { buildIdentities } from './auth/identities.ts';
import { Gate } from './gate.ts';
import { Authorizer } from './rbac/authorize.ts';
import { bootstrapPolicy } from './rbac/bootstrap-policy.ts';
import { RuleResolver } from './rbac/resolver.ts';
import { createApiServer } from './server.ts';
import { Store } from './store.ts';
import { generateSandboxTls } from './tls.ts';

export { SANDBOX_EXTENSION, isSandboxContext, sandboxIsolation } from './kubeconfig.ts';
export type { Isolation, JailOptions } from './jail.ts';
export { ADMIN_USER, type SandboxIdentity, type SeedUser } from './auth/identities.ts';

export interface SandboxOptions {
  port?: number;
  /** The administrator's token (kubernetes-admin, system:masters), written into the kubeconfig. */
  token?: string;
  /** Users to accept besides the administrator, each with its token (random unless given). */
  users?: SeedUser[];
  /** A kube-apiserver `--token-auth-file` (CSV: token,user,uid,"group1,group2"). */
  tokenAuthFile?: string;
  seed?: unknown[] /* k8s objects */;
  seedFile?: string;
  kubeconfigPath?: string;
  contextName?: string /* default 'sandbox' */;
  /** How pod processes are isolated (default: bubblewrap, falling back to host processes with a warning when it does not work). */
  isolation?: JailOptions;
}

export interface Sandbox {
  url: string;
  /** The administrator's token. */
  token: string;
  /** Every user the sandbox accepts, the administrator last. */
  identities: SandboxIdentity[];
  /** What reading the token file noticed (skipped or unusable records). */
  warnings: string[];
  /** A kubeconfig (YAML) for one of `identities`, marked as a sandbox like the administrator's. */
  kubeconfigFor(userName: string): string;
  caPem: string;
  kubeconfigPath: string;
  contextName: string;
  /** Whether pod processes run jailed; when not, why (the kubeconfig and the node say so too). */
  isolation: Isolation;
  stop(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function bootstrap(cluster: Cluster, now: Date, isolation: Isolation): void {
  const ns = findResource('', 'v1', 'namespaces')!;
  for (const name of SYSTEM_NAMESPACES) createObject(cluster, ns, undefined, { metadata: { name } });
  createObject(cluster, findResource('', 'v1', 'nodes')!, undefined, {
    metadata: { name: 'sandbox-node', labels: { 'kubernetes.io/hostname': 'sandbox-node', 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now.toISOString(), lastTransitionTime: now.toISOString() }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.10' }, { type: 'Hostname', address: 'sandbox-node' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'hkubectl sandbox', kernelVersion: process.version, containerRuntimeVersion: isolation.isolated ? 'bubblewrap://sandbox' : 'host-process://unisolated', operatingSystem: 'linux', architecture: process.arch },
      capacity: { cpu: '2', memory: '8Gi', pods: '1000' },
      allocatable: { cpu: '2', memory: '8Gi', pods: '1000' },
    },
  });
}

/** Lets the controllers finish what the seed set in motion, so callers see Running pods. */
async function settle(store: Store): Promise<void> {
  let last = '';
  for (let i = 0; i < 200 && store.resourceVersion !== last; i += 1) {
    last = store.resourceVersion;
    for (let j = 0; j < 3; j += 1) await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = () => new Date();
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { table, identities, warnings } = buildIdentities({
    adminToken: token, users: options.users, tokenAuthFile: options.tokenAuthFile, randomToken: () => randomBytes(24).toString('base64url'),
  });
  const root = mkdtempSync(join(tmpdir(), 'hk-sandbox-'));
  const contextName = options.contextName ?? 'sandbox';
  const tls = generateSandboxTls(now());
  const store = new Store({ now, uid: randomUUID });
  let nextIp = 1;
  const cluster: Cluster = {
    store, now,
    admission: { allocateClusterIP: () => `10.96.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}` },
  };
  // Subscribed before anything is stored, so it sees every Role and binding from the first.
  const rules = new RuleResolver(store);
  const authorizer = new Authorizer(rules);
  const record = eventRecorder(store, now);
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  const randomSuffix = () => [...randomBytes(5)].map((b) => SAFE[b % SAFE.length]).join('');
  const stopNamespaces = startNamespaceController(cluster, onError);
  const stopWorkloads = startWorkloadControllers(cluster, record, randomSuffix, onError);
  const jailer = Jailer.detect(options.isolation ?? {}, root);
  const isolation = jailer.isolation;
  if (!isolation.isolated) warnings.push(`pods run as HOST processes, not isolated: ${isolation.reason}`);
  const runtime = new PodRuntime(cluster, root, record, jailer);
  const ports = new PodPorts(runtime);
  const offPorts = store.onChange((c) => c.type === 'DELETED' && c.resource.kind === 'Pod' && ports.release(c.object.metadata.uid));

  const shutdown = () => {
    offPorts();
    rules.stop();
    stopNamespaces();
    stopWorkloads();
    runtime.stop();
    ports.close();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    bootstrap(cluster, now(), isolation);
    loadSeed(cluster, bootstrapPolicy());
    const seed = [...(options.seed ?? []), ...(options.seedFile ? readSeedFile(options.seedFile) : [])];
    loadSeed(cluster, seed);
  } catch (error) {
    shutdown();
    throw error;
  }

  const { server, closeUpgraded } = createApiServer({ cluster, runtime, ports, logs: logSource(runtime), gate: new Gate(new TokenAuthenticator(table), authorizer), rbac: { authorizer, rules }, certPem: tls.certPem, keyPem: tls.keyPem });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  }).catch((error: unknown) => {
    shutdown();
    throw error;
  });
  await settle(store);

  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfigPath = options.kubeconfigPath ?? join(root, 'kubeconfig');
  mkdirSync(dirname(kubeconfigPath), { recursive: true });
  writeFileSync(kubeconfigPath, buildKubeconfig({ server: url, caPem: tls.caPem, token, contextName, isolated: isolation.isolated }), { mode: 0o600 });

  let stopped: Promise<void> | undefined;
  return {
    url, token, caPem: tls.caPem, kubeconfigPath, contextName, identities, warnings, isolation,
    kubeconfigFor(userName: string) {
      const identity = identities.find((i) => i.name === userName);
      if (!identity) throw new Error(`the sandbox has no user ${userName}`);
      return buildKubeconfig({ server: url, caPem: tls.caPem, token: identity.token, contextName, isolated: isolation.isolated });
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        closeUpgraded();
        server.closeAllConnections();
        server.close(() => resolve());
        shutdown();
      });
      return stopped;
    },
  };
}
