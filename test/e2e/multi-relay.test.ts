// Two `hkubectl relay` processes on one PostgreSQL database, driven as an operator and agents
// would: `relay migrate`, relays refusing a database they cannot use, an approval crossing
// relays while the agent's relay is killed with SIGKILL, 10,000 mixed events from both relays
// verified as one chain by `audit verify --store`, a hand-edited row named, and an embedded
// relay's data directory moved into PostgreSQL with `relay import-log`.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApproveAnswer } from '../../src/contract/relay-api.ts';
import { createRelayClient } from '../../src/relay/client/client.ts';
import { waitForAnswer } from '../../src/relay/client/wait.ts';
import { startRelay } from '../../src/relay/server/server.ts';
import { AUDIT_LOG_FILE } from '../../src/relay/server/store/file-store.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { closedPort } from '../helpers/ports.ts';
import { migratedDatabase, startTestCluster, type TestCluster } from '../helpers/postgres.ts';
import { HKUBECTL_BIN, run } from '../helpers/run.ts';
import { startBalancer } from '../helpers/tcp-balancer.ts';
import { startWorld, type World } from '../relay/fixtures.ts';

const SECRET = 'e2e keys secret, the same on every relay of the database';
const prodDelete = { argv: ['delete', 'pod', 'api-1', '-n', 'prod'], context: 'prod-eu', cluster: 'eu-1', reason: 'pod is wedged', agent: 'claude', runId: 'run-7' };

let cluster: TestCluster;
let world: World;
let root: string;
const children: ChildProcess[] = [];
beforeAll(async () => {
  cluster = await startTestCluster();
  world = await startWorld();
  root = await mkdtemp(join(tmpdir(), 'hk-multi-relay-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await world?.close();
  cluster?.remove();
  await rm(root, { recursive: true, force: true });
});

const env = () => ({ PATH: process.env.PATH, HOME: root, HKUBECTL_CONFIG_DIR: root, HKUBECTL_RELAY_KEYS_SECRET: SECRET });
const hk = (args: string[], timeoutMs = 60_000) => run(process.execPath, [HKUBECTL_BIN, ...args], { env: env(), timeoutMs });

/** `hkubectl relay --store url` as a process, resolved once it says where it listens. */
async function relayProcess(url: string): Promise<{ url: string; child: ChildProcess; port: number }> {
  const port = await closedPort();
  const child = spawn(process.execPath, [HKUBECTL_BIN, 'relay', '--store', url, '--issuer', world.idp.issuer, '--audience', world.idp.clientId, '--listen', `127.0.0.1:${port}`], {
    env: env(), stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`relay exited ${code}: ${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, port };
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe('hkubectl relay on PostgreSQL', () => {
  it('migrates a database once, and a relay refuses one that is not migrated (78) or not up (75) with one clear line', async () => {
    const url = await cluster.createDatabase(`cli_${process.pid}`);
    const unmigrated = await hk(['relay', '--store', url, '--issuer', world.idp.issuer, '--audience', world.idp.clientId, '--listen', '127.0.0.1:0']);
    expect(unmigrated.code).toBe(78);
    expect(unmigrated.stderr.toString()).toMatch(/has relay schema version none; this hkubectl needs version 1/);
    expect(unmigrated.stderr.toString()).toMatch(/hkubectl relay migrate --store/);
    const first = await hk(['relay', 'migrate', '--store', url]);
    expect(first.code).toBe(0);
    expect(first.stdout.toString()).toMatch(/schema at version 1 \(applied 1 /);
    expect((await hk(['relay', 'migrate', '--store', url])).stdout.toString()).toMatch(/schema already at version 1/);
    const down = await hk(['relay', '--store', `postgres://hk:hunter2@127.0.0.1:${await closedPort()}/hk`, '--issuer', world.idp.issuer, '--audience', world.idp.clientId, '--listen', '127.0.0.1:0']);
    expect(down.code).toBe(75);
    expect(down.stderr.toString()).toMatch(/the database postgres:\/\/hk@127\.0\.0\.1:\d+\/hk is unavailable/);
    expect(down.stderr.toString()).not.toContain('hunter2');
  });

  it('keeps an approval when the relay its agent waits on is killed: the retry reaches the other relay, which the approver answers on', async () => {
    const url = await migratedDatabase(cluster, 'kill');
    const a = await relayProcess(url);
    const b = await relayProcess(url);
    const balancer = await startBalancer([{ host: '127.0.0.1', port: a.port }, { host: '127.0.0.1', port: b.port }]);
    try {
      const agent = createRelayClient({ url: balancer.url, token: world.tokens['agent-7'] });
      const approver = createRelayClient({ url: b.url, token: world.tokens.alice });
      const { requestId } = await agent.submit(prodDelete) as ApproveAnswer;
      let retries = 0;
      const waiting = waitForAnswer(agent, requestId, { timeoutMs: 30_000, sliceMs: 5_000, retryMs: 100, onRetry: () => (retries += 1) });
      await new Promise((resolve) => setTimeout(resolve, 300));
      a.child.kill('SIGKILL');
      await new Promise((resolve) => a.child.once('exit', resolve));
      expect((await approver.get(requestId)).status).toBe('pending');
      await approver.review(requestId, 'approve', 'relay A died, the approval stands');
      expect(await waiting).toMatchObject({ status: 'approved', id: requestId });
      expect(retries).toBeGreaterThan(0);
      expect(await agent.submit(prodDelete)).toMatchObject({ decision: 'allow', requestId });
      const verified = await hk(['audit', 'verify', '--store', url]);
      expect(verified.stderr.toString()).toBe('');
      expect(verified.code).toBe(0);
      expect(verified.stdout.toString()).toMatch(/\(table hk_audit\): \d+ entries, chain intact/);
      await agent.close();
      await approver.close();
    } finally {
      await balancer.close();
      b.child.kill('SIGTERM');
      await new Promise((resolve) => b.child.once('exit', resolve));
    }
  });

  it('verifies one chain after 10,000 mixed events from both relays, and names a row edited by hand', async () => {
    const url = await migratedDatabase(cluster, 'tenk');
    const relays = [await relayProcess(url), await relayProcess(url)];
    const clients = relays.flatMap((relay) => [createRelayClient({ url: relay.url, token: world.tokens['agent-7'] }), createRelayClient({ url: relay.url, token: world.tokens.bob })]);
    try {
      let submitted = 0;
      const worker = async (index: number) => {
        const side = index % 2;
        while (submitted < 10_000) {
          const n = (submitted += 1);
          if (n % 100 === 0) {
            // A request held on one relay and answered on the other.
            const { requestId } = await clients[side * 2]!.submit({ ...prodDelete, argv: ['delete', 'pod', `api-${n}`, '-n', 'prod'] }) as ApproveAnswer;
            await clients[(1 - side) * 2 + 1]!.review(requestId, n % 200 === 0 ? 'approve' : 'deny', `case ${n}`);
          } else {
            // Allows a third of the time (each opens a session, and the daily quota of sessions is shared by the relays too).
            await clients[side * 2]!.submit({ argv: n % 3 === 0 ? ['get', 'pods', '-n', `team-${n % 13}`] : ['delete', 'namespace', `team-${n % 13}`] });
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, (_, index) => worker(index)));
      const verified = await hk(['audit', 'verify', '--store', url, '-o', 'json'], 120_000);
      expect(verified.code).toBe(0);
      const report = JSON.parse(verified.stdout.toString()) as { entries: number; intact: boolean };
      expect(report.intact).toBe(true);
      expect(report.entries).toBeGreaterThanOrEqual(10_000);
      await sql(url, `UPDATE hk_audit SET line = replace(line, '"team-3"', '"team-4"') WHERE seq = (SELECT min(seq) FROM hk_audit WHERE line LIKE '%"team-3"%')`);
      const broken = await hk(['audit', 'verify', '--store', url], 120_000);
      expect(broken.code).toBe(78);
      expect(broken.stderr.toString()).toMatch(/chain broken after \d+ good entries: table hk_audit, row seq=\d+ \(seq \d+\) its content does not match its hash/);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      for (const relay of relays) relay.child.kill('SIGTERM');
    }
  }, 300_000);

  it("moves an embedded relay's data directory into PostgreSQL byte for byte, and a relay goes on with its chain", async () => {
    const dataDir = await mkdtemp(join(root, 'embedded-'));
    const embedded = await startRelay({ dataDir, policy: defaultPolicy(), verifier: world.verifier });
    const agent = createRelayClient({ url: embedded.url, token: world.tokens['agent-7'] });
    const { requestId } = await agent.submit(prodDelete) as ApproveAnswer;
    await createRelayClient({ url: embedded.url, token: world.tokens.alice }).review(requestId, 'approve', 'before the move');
    await agent.submit({ argv: ['get', 'pods', '-n', 'dev'] });
    await agent.close();
    await embedded.stop();

    const url = await cluster.createDatabase(`moved_${process.pid}`);
    expect((await hk(['relay', 'migrate', '--store', url])).code).toBe(0);
    // A copy with one line edited by hand imports nothing, and leaves the database to import into again.
    const tampered = await mkdtemp(join(root, 'tampered-'));
    await cp(dataDir, tampered, { recursive: true });
    const log = await readFile(join(tampered, AUDIT_LOG_FILE), 'utf8');
    await writeFile(join(tampered, AUDIT_LOG_FILE), log.replace('"-n","dev"', '"-n","kube-system"'));
    const refused = await hk(['relay', 'import-log', '--data', tampered, '--store', url]);
    expect(refused.code).toBe(78);
    expect(refused.stderr.toString()).toMatch(/not imported: the chain in .* is broken after \d+ good entries: .*audit\.jsonl: line \d+ its content does not match its hash/);
    const imported = await hk(['relay', 'import-log', '--data', dataDir, '--store', url]);
    expect(imported.stderr.toString()).toMatch(/imported \d+ audit entries/);
    expect(imported.code).toBe(0);
    const exported = await hk(['relay', 'export-log', '--store', url]);
    expect(exported.code).toBe(0);
    expect(exported.stdout.toString()).toBe(await readFile(join(dataDir, AUDIT_LOG_FILE), 'utf8'));
    const verified = await hk(['audit', 'verify', '--store', url]);
    expect(verified.stdout.toString()).toMatch(/chain intact, head #\d+ [0-9a-f]{64}, anchored by \d+ signed checkpoints/);
    expect((await hk(['relay', 'import-log', '--data', dataDir, '--store', url])).stderr.toString()).toMatch(/already holds an audit chain/);

    // The moved relay goes on: the approval given before the move is used once, after it.
    const moved = await relayProcess(url);
    const again = createRelayClient({ url: moved.url, token: world.tokens['agent-7'] });
    try {
      expect(await again.submit(prodDelete)).toMatchObject({ decision: 'allow', requestId });
      expect(await hk(['audit', 'verify', '--store', url])).toMatchObject({ code: 0 });
    } finally {
      await again.close();
      moved.child.kill('SIGTERM');
    }
  });
});
