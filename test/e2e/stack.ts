// The whole system on 127.0.0.1, as an agent meets it: the sandbox cluster (demo seed), the dev
// IdP (oidc-provider) with agent-7 and the approvers signed in through the real device flow, and
// a relay with the default bank policy (or the one given). `hk()` runs the real hkubectl as agent-7.
// With `gateway: true` the relay is the data path: it listens with TLS and brokers the sandbox
// (RBAC on, the demo's users) as cluster "sandbox" with hkubectl-relay's token, which may only
// impersonate; agent-7's kubeconfig then holds no credential at all.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevIdp, type DevIdp } from '../../src/auth/dev-idp.ts';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import type { Policy } from '../../src/policy/types.ts';
import { createRelayClient, type RelayClient } from '../../src/relay/client/client.ts';
import { startRelay, type Relay } from '../../src/relay/server/server.ts';
import { parseSeedYaml } from '../../src/sandbox/seed.ts';
import { DEMO_SEED, DEMO_USERS } from '../../src/sandbox/seeds/demo.ts';
import { generateSandboxTls } from '../../src/sandbox/tls.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { loginFor, type Person } from '../relay/fixtures.ts';
import { hkubectl, kubectl, type RunOptions, type RunResult } from '../helpers/run.ts';

export interface Stack {
  root: string;
  idp: DevIdp;
  /** The running relay (a new object after restartRelay, at the same URL). */
  readonly relay: Relay;
  sandbox: Sandbox;
  recordings: string;
  /** The sandbox administrator's kubeconfig (full rights, for setting up and checking). */
  adminKubeconfig: string;
  /** Gateway mode: agent-7's own kubeconfig (a context naming cluster "sandbox", no server, no credential). */
  agentKubeconfig: string | null;
  /** Gateway mode: the PEM of the CA that signs the relay's certificate (null: the relay speaks plain HTTP). */
  relayCaPem: string | null;
  /** agent-7's environment for hkubectl. */
  env: NodeJS.ProcessEnv;
  envOf(person: Person): NodeJS.ProcessEnv;
  tokens: Record<Person, string>;
  hk(args: string[], options?: RunOptions): Promise<RunResult>;
  client(person: Person): RelayClient;
  /** Stops the relay as an outage would: its port closes, its data dir stays. */
  stopRelay(): Promise<void>;
  /** Starts the relay again on the same address and data dir; it rebuilds its state from its audit log. */
  restartRelay(): Promise<void>;
  close(): Promise<void>;
}

/** agent-7's kubeconfig in gateway mode: where to go is the relay's business, so no server and no user. */
export const AGENT_GATEWAY_KUBECONFIG = 'apiVersion: v1\nkind: Config\ncurrent-context: sandbox\ncontexts:\n- name: sandbox\n  context: { cluster: sandbox, namespace: default }\n';

export async function startStack(options: { policy?: Policy; gateway?: boolean } = {}): Promise<Stack> {
  const root = await mkdtemp(join(tmpdir(), 'hk-e2e-'));
  const idp = await startDevIdp({ pollInterval: 0.1 });
  const people: Person[] = ['agent-7', 'alice', 'bob'];
  const logins = Object.fromEntries(await Promise.all(people.map(async (p) => [p, await loginFor(idp, root, p)] as const))) as Record<Person, { token: string; configDir: string }>;
  const verifier = createTokenVerifier({ issuers: [{ issuer: idp.issuer, audience: idp.clientId }] });
  const sandbox = await startSandbox({
    kubeconfigPath: join(root, 'kubeconfig'), seed: parseSeedYaml(DEMO_SEED, 'demo seed'),
    ...(options.gateway ? { users: DEMO_USERS.map((user) => ({ ...user, groups: [...user.groups] })), isolation: { mode: 'host' as const } } : {}),
  });
  const relayOptions: Parameters<typeof startRelay>[0] = { dataDir: await mkdtemp(join(root, 'relay-')), policy: options.policy ?? defaultPolicy(), verifier };
  let relayCaPem: string | null = null;
  let agentKubeconfig: string | null = null;
  const gatewayEnv: NodeJS.ProcessEnv = {};
  if (options.gateway) {
    // kubectl sends a bearer token only over TLS, so the relay listens with a certificate of its own CA.
    const tls = generateSandboxTls();
    relayCaPem = tls.caPem;
    const relayToken = sandbox.identities.find((identity) => identity.name === 'hkubectl-relay')!.token;
    Object.assign(relayOptions, {
      tls: { cert: tls.certPem, key: tls.keyPem }, gatewayCaPem: tls.caPem,
      clusters: [{ name: 'sandbox', server: sandbox.url, caPem: sandbox.caPem, credential: { token: relayToken } }],
    });
    const caFile = join(root, 'relay-ca.pem');
    await writeFile(caFile, tls.caPem);
    agentKubeconfig = join(root, 'agent-kubeconfig');
    await writeFile(agentKubeconfig, AGENT_GATEWAY_KUBECONFIG, { mode: 0o600 });
    Object.assign(gatewayEnv, { NODE_EXTRA_CA_CERTS: caFile });
  }
  let relay = await startRelay(relayOptions);
  const relayAddress = new URL(relay.url);
  let relayRunning = true;
  const recordings = join(root, 'recordings');
  const envOf = (person: Person): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: root,
    ...gatewayEnv,
    KUBECONFIG: agentKubeconfig ?? sandbox.kubeconfigPath,
    KUBECACHEDIR: join(root, 'kube-cache'),
    HKUBECTL_CONFIG_DIR: logins[person].configDir,
    HKUBECTL_DATA_DIR: join(root, `data-${person}`),
    HKUBECTL_RELAY: relay.url,
    HKUBECTL_RECORDINGS: recordings,
  });
  const clients: RelayClient[] = [];
  return {
    root, idp, sandbox, recordings, adminKubeconfig: sandbox.kubeconfigPath, agentKubeconfig, relayCaPem,
    get relay() {
      return relay;
    },
    env: envOf('agent-7'),
    envOf,
    tokens: Object.fromEntries(people.map((p) => [p, logins[p].token])) as Record<Person, string>,
    hk: (args, options = {}) => hkubectl(args, { ...options, env: { ...envOf('agent-7'), ...options.env } }),
    client(person) {
      const client = createRelayClient({ url: relay.url, token: logins[person].token, ...(relayCaPem ? { ca: relayCaPem } : {}) });
      clients.push(client);
      return client;
    },
    async stopRelay() {
      relayRunning = false;
      await relay.stop();
    },
    async restartRelay() {
      if (relayRunning) await relay.stop();
      relay = await startRelay({ ...relayOptions, listen: { host: relayAddress.hostname, port: Number(relayAddress.port) } });
      relayRunning = true;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await sandbox.stop();
      if (relayRunning) await relay.stop();
      await idp.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The first pod of a deployment in the sandbox, read with the real kubectl (no session). */
export async function podOf(stack: Stack, namespace: string, app: string): Promise<string> {
  const pods = await kubectl(['get', 'pods', '-n', namespace, '-l', `app=${app}`, '-o', 'name'], { env: { ...stack.env, KUBECONFIG: stack.adminKubeconfig } });
  const pod = pods.stdout.toString().trim().split('\n')[0]!.replace('pod/', '');
  if (pods.code !== 0 || !pod.startsWith(`${app}-`)) throw new Error(`no ${app} pod in ${namespace}: ${pods.stderr.toString()}`);
  return pod;
}
