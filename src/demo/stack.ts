// The demo's servers, all on 127.0.0.1 and all in this process: the sandbox cluster with the demo
// seed, the development IdP, and the relay with the default bank policy trusting that IdP. Each
// person gets a config dir (issuer, client id, relay) as an `hkubectl login` on their machine
// would. The relay is the data path (gateway mode): it listens with TLS (a certificate of a CA
// made here) and brokers the sandbox as cluster "sandbox" with the sandbox user hkubectl-relay,
// who may only impersonate; agent-7's kubeconfig names that cluster and holds no credential.
// Everything but the recordings lives in one temp dir that stop() removes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevIdp, type DevIdp } from '../auth/dev-idp.ts';
import { createTokenVerifier } from '../auth/verify-token.ts';
import { defaultPolicy } from '../policy/index.ts';
import { startRelay, type Relay } from '../relay/server/server.ts';
import { startSandbox, type Sandbox } from '../sandbox/index.ts';
import { parseSeedYaml } from '../sandbox/seed.ts';
import { DEMO_SEED, DEMO_USERS } from '../sandbox/seeds/demo.ts';
import { generateSandboxTls } from '../sandbox/tls.ts';
import { FILES, prepareDatabase, type DemoStore } from './relay-store.ts';

export type DemoPerson = 'agent-7' | 'alice';

export interface DemoStack {
  /** Temp dir holding kubeconfig, logins, relay data and kubectl's cache. */
  root: string;
  /** The sandbox with RBAC on; its kubeconfigPath is the administrator's (full rights). */
  sandbox: Sandbox;
  /** agent-7's own kubeconfig: a context naming the relay's cluster "sandbox", no server, no user. */
  agentKubeconfig: string;
  /** The PEM file of the CA that signs the relays' TLS certificate (NODE_EXTRA_CA_CERTS for hkubectl). */
  relayCaFile: string;
  /** The PEM of that CA, for the in-process relay clients. */
  relayCaPem: string;
  idp: DevIdp;
  /** The agent's relay. */
  relay: Relay;
  /** The approver's relay: the agent's, or with `--relays 2` the other one on the same database. */
  approverRelay: Relay;
  /** HKUBECTL_CONFIG_DIR of each person (config.yaml, and their tokens once logged in). */
  configDirs: Record<DemoPerson, string>;
  /** The agent's HKUBECTL_DATA_DIR (spool, local state). */
  agentDataDir: string;
  /** kubectl's discovery cache (KUBECACHEDIR), kept out of the user's ~/.kube. */
  kubeCacheDir: string;
  stop(): Promise<void>;
}

export interface StackProgress {
  sandbox(sandbox: Sandbox): void;
  idp(idp: DevIdp): void;
  relay(relay: Relay): void;
}

/** Starts the three servers; on any failure, stops what had started and removes the temp dir. */
export async function startDemoStack(progress: StackProgress, store: DemoStore = FILES): Promise<DemoStack> {
  const root = await mkdtemp(join(tmpdir(), 'hk-demo-'));
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stops.splice(0).reverse()) await stopOne().catch(() => {});
    await rm(root, { recursive: true, force: true });
  };
  try {
    // Independent of each other, so started side by side; reported in a fixed order.
    const [sandboxStarted, idpStarted] = await Promise.allSettled([
      startSandbox({
        kubeconfigPath: join(root, 'admin.kubeconfig'), seed: parseSeedYaml(DEMO_SEED, 'demo seed'), contextName: 'sandbox',
        users: DEMO_USERS.map((user) => ({ ...user, groups: [...user.groups] })),
      }),
      // A short poll interval: the person confirms at once, and the demo should not sit idle.
      startDevIdp({ pollInterval: 0.2 }),
    ]);
    if (sandboxStarted.status === 'fulfilled') stops.push(() => sandboxStarted.value.stop());
    if (idpStarted.status === 'fulfilled') stops.push(() => idpStarted.value.stop());
    if (sandboxStarted.status === 'rejected') throw sandboxStarted.reason;
    if (idpStarted.status === 'rejected') throw idpStarted.reason;
    const sandbox = sandboxStarted.value;
    const idp = idpStarted.value;
    progress.sandbox(sandbox);
    progress.idp(idp);

    await prepareDatabase(store);
    // kubectl sends a bearer token only over TLS, so the relays listen with a certificate of a CA made here.
    const tls = generateSandboxTls();
    const relayCaFile = join(root, 'relay-ca.pem');
    await writeFile(relayCaFile, tls.caPem);
    const relayToken = sandbox.identities.find((identity) => identity.name === 'hkubectl-relay')!.token;
    const clusters = [{ name: 'sandbox', server: sandbox.url, caPem: sandbox.caPem, credential: { token: relayToken } }];
    const agentKubeconfig = join(root, 'agent.kubeconfig');
    await writeFile(agentKubeconfig, AGENT_KUBECONFIG, { mode: 0o600 });
    const relays: Relay[] = [];
    for (let n = 1; n <= store.relays; n += 1) {
      const relay = await startRelay({
        dataDir: join(root, `relay-${n}`),
        ...(store.choice ? { store: store.choice } : {}),
        policy: defaultPolicy(),
        verifier: createTokenVerifier({ issuers: [{ issuer: idp.issuer, audience: idp.clientId }] }),
        listen: { host: '127.0.0.1', port: 0 },
        tls: { cert: tls.certPem, key: tls.keyPem }, gatewayCaPem: tls.caPem, clusters,
      });
      stops.push(() => relay.stop());
      progress.relay(relay);
      relays.push(relay);
    }
    const relay = relays[0]!;
    const approverRelay = relays[relays.length - 1]!;

    const configDirs = {
      'agent-7': await personConfig(root, 'agent-7', idp, relay),
      alice: await personConfig(root, 'alice', idp, approverRelay),
    };
    return { root, sandbox, agentKubeconfig, relayCaFile, relayCaPem: tls.caPem, idp, relay, approverRelay, configDirs, agentDataDir: join(root, 'data-agent-7'), kubeCacheDir: join(root, 'kube-cache'), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Where to go is the relay's business (gateway mode): a context naming its cluster, nothing else. */
const AGENT_KUBECONFIG = 'apiVersion: v1\nkind: Config\ncurrent-context: sandbox\ncontexts:\n- name: sandbox\n  context: { cluster: sandbox, namespace: default }\n';

async function personConfig(root: string, person: DemoPerson, idp: DevIdp, relay: Relay): Promise<string> {
  const dir = join(root, `config-${person}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'config.yaml'), `issuer: ${idp.issuer}\nclient-id: ${idp.clientId}\nrelay: ${relay.url}\n`, { mode: 0o600 });
  return dir;
}
