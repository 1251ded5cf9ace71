// A gateway world for tests and benches: the demo sandbox (RBAC on, agent-7 with least
// privilege, hkubectl-relay who may only impersonate), the dev IdP with people signed in, and a
// relay that brokers the sandbox as cluster "sandbox" with hkubectl-relay's token. `session()`
// asks the relay for a command as agent-7 and writes the hand-made kubeconfig of its grant.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import type { AllowAnswer, GatewayGrant, SubmitBody } from '../../../../src/contract/relay-api.ts';
import type { SessionDraft } from '../../../../src/contract/manifest.ts';
import type { AuditEntry, EntryOf } from '../../../../src/contract/audit-chain.ts';
import type { ContentDigest } from '../../../../src/contract/content-digest.ts';
import { parseIntent } from '../../../../src/kubectl/parse-intent.ts';
import type { Relay, RelayOptions } from '../../../../src/relay/server/server.ts';
import { startSandbox, type Sandbox } from '../../../../src/sandbox/index.ts';
import { DEMO_SEED, DEMO_USERS } from '../../../../src/sandbox/seeds/demo.ts';
import { parseSeedYaml } from '../../../../src/sandbox/seed.ts';
import { KUBECTL, run } from '../../../helpers/run.ts';
import { generateSandboxTls } from '../../../../src/sandbox/tls.ts';
import { createRelayClient, type RelayClient } from '../../../../src/relay/client/client.ts';
import { startWorld, type Person, type World } from '../../fixtures.ts';

export type GatewaySession = { sessionId: string; grant: GatewayGrant; kubeconfig: string; answer: AllowAnswer };

export type GatewayWorld = {
  world: World;
  sandbox: Sandbox;
  relay: Relay;
  /** Every request that reached the cluster "watched" (the sandbox behind a loopback proxy that notes them), as `METHOD path`. */
  seen: string[];
  /** Body bytes the "watched" cluster's proxy has passed back to the gateway so far. */
  seenBytes(): number;
  /** Cuts every connection of the "watched" cluster's proxy and stops it (the cluster goes down). */
  downWatched(): Promise<void>;
  /** Creates `object` with a POST to the sandbox's `path`, as its administrator (not through the gateway). */
  adminCreate(path: string, object: unknown): Promise<void>;
  /** A command allowed for `person` (approved by alice first when the policy asks), with its grant and session kubeconfig. */
  session(argv: string[], options?: { person?: Person; namespace?: string; reason?: string; relay?: Relay; cluster?: 'sandbox' | 'watched'; content?: ContentDigest }): Promise<GatewaySession>;
  /** The audit entries of one type from the relay's store. */
  entries<T extends AuditEntry['type']>(type: T, relay?: Relay): Promise<EntryOf<T>[]>;
  /** The relay's kept record of a closed session, parsed. */
  record(sessionId: string, relay?: Relay): Promise<Array<Record<string, unknown>>>;
  kubectl(session: Pick<GatewaySession, 'kubeconfig'>, args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }>;
  close(sessionId: string, person?: Person, relay?: Relay): Promise<unknown>;
  /** A relay of this world brokering the sandbox (more can be started, e.g. after a kill). */
  startRelay(options?: Partial<RelayOptions>): Promise<Relay>;
  stop(): Promise<void>;
};

export async function startGatewayWorld(options: Partial<RelayOptions> = {}): Promise<GatewayWorld> {
  const world = await startWorld();
  const dir = await mkdtemp(join(world.root, 'gw-'));
  const sandbox = await startSandbox({
    kubeconfigPath: join(dir, 'admin.kubeconfig'), users: DEMO_USERS.map((user) => ({ ...user })), seed: parseSeedYaml(DEMO_SEED, 'demo seed'),
    isolation: { mode: 'host' } as never,
  });
  const relayToken = sandbox.identities.find((identity) => identity.name === 'hkubectl-relay')!.token;
  const seen: string[] = [];
  const watched = await startWatchingProxy(sandbox, seen);
  const clusters = [
    { name: 'sandbox', server: sandbox.url, caPem: sandbox.caPem, credential: { token: relayToken } },
    { name: 'watched', server: watched.url, credential: { token: relayToken } },
  ];
  // kubectl sends a bearer token only over TLS: the relay listens with a certificate of its own CA.
  const tls = generateSandboxTls();
  const startRelay = (extra: Partial<RelayOptions> = {}) => world.relay({ clusters, tls: { cert: tls.certPem, key: tls.keyPem }, gatewayCaPem: tls.caPem, ...options, ...extra });
  const clients: RelayClient[] = [];
  const clientOf = (via: Relay, person: Person) => {
    const client = createRelayClient({ url: via.url, token: world.tokens[person], ca: tls.caPem });
    clients.push(client);
    return client;
  };
  const relay = await startRelay();
  let count = 0;
  const profiles = new Map<string, string>();
  const gw: GatewayWorld = {
    world, sandbox, relay, seen, startRelay, downWatched: watched.down, seenBytes: () => watched.bytes(),
    adminCreate: (path, object) => new Promise<void>((resolve, reject) => {
      const req = httpsRequest(`${sandbox.url}${path}`, {
        method: 'POST', ca: sandbox.caPem, headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`${path}: not created (${res.statusCode})`))));
      });
      req.on('error', reject);
      req.end(JSON.stringify(object));
    }),
    async session(argv, { person = 'agent-7', namespace = 'prod', reason = 'a test', relay: via = relay, cluster = 'sandbox', content } = {}) {
      const client = clientOf(via, person);
      const body: SubmitBody = { argv, intent: parseIntent(argv), namespace, kubeCluster: cluster, cluster: null, reason, agent: 'test', ...(content ? { content } : {}) };
      let answer = await client.submit(body);
      if (answer.decision === 'approve') {
        await clientOf(via, 'alice').review(answer.requestId, 'approve', 'checked the manifest');
        answer = await client.submit(body);
      }
      if (answer.decision !== 'allow' || !answer.gateway) throw new Error(`expected an allow with a grant, got ${JSON.stringify(answer)}`);
      count += 1;
      profiles.set(answer.sessionId, answer.mask);
      const kubeconfig = join(dir, `session-${count}.kubeconfig`);
      await writeFile(kubeconfig, sessionKubeconfig(answer.gateway, namespace), { mode: 0o600 });
      return { sessionId: answer.sessionId, grant: answer.gateway, kubeconfig, answer };
    },
    async kubectl(session, args, stdin) {
      const result = await run(KUBECTL, args, {
        env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: session.kubeconfig, KUBECACHEDIR: join(dir, 'cache') }, stdin, timeoutMs: 60_000,
      });
      return { code: result.code, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') };
    },
    async close(sessionId, person = 'agent-7', via = relay) {
      const now = new Date().toISOString();
      const draft: SessionDraft = { hk: 1, session: sessionId, cast: null, startedAt: now, endedAt: now, exitCode: 0, signal: null, terminal: false, masking: { profile: profiles.get(sessionId) ?? 'standard', counts: {} } };
      return clientOf(via, person).closeSession(sessionId, draft);
    },
    async entries(type, via = relay) {
      const found = [];
      for await (const entry of via.store.read()) if (entry.type === type) found.push(entry);
      return found as never;
    },
    async record(sessionId, via = relay) {
      const blob = await via.store.getBlob('record', sessionId);
      if (!blob) throw new Error(`no record of ${sessionId}`);
      const chunks: Buffer[] = [];
      for await (const chunk of blob.open() as AsyncIterable<Buffer>) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async stop() {
      await Promise.all(clients.map((client) => client.close()));
      await world.close();
      await watched.down();
      await sandbox.stop();
    },
  };
  return gw;
}

/** A plain-HTTP loopback proxy to the sandbox that notes each request it forwards. */
async function startWatchingProxy(sandbox: Sandbox, seen: string[]): Promise<{ url: string; bytes(): number; down(): Promise<void> }> {
  const target = new URL(sandbox.url);
  const sockets = new Set<Socket>();
  let bytes = 0;
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = httpsRequest({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, ca: sandbox.caPem }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let downed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: () => bytes,
    down() {
      downed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return downed;
    },
  };
}

/** The kubeconfig hkubectl writes for one gateway session, by hand: server = gateway, token = grant. */
export function sessionKubeconfig(grant: GatewayGrant, namespace: string): string {
  const ca = grant.caPem ? `      certificate-authority-data: ${Buffer.from(grant.caPem).toString('base64')}\n` : '';
  return `apiVersion: v1
kind: Config
clusters:
  - name: ${grant.cluster}
    cluster:
      server: ${grant.server}
${ca}users:
  - name: session
    user:
      token: ${grant.token}
contexts:
  - name: session
    context: { cluster: ${grant.cluster}, user: session, namespace: ${namespace} }
current-context: session
`;
}
