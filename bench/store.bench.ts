// The relay's store, from one run: allow decisions per second and their latency at 16
// concurrent clients with one relay on files, one relay on PostgreSQL, and two relays on one
// PostgreSQL database (8 clients each); then an approver's answer on one relay → the agent's
// long-poll on the other returning. Relays run as `hkubectl relay` processes, with real dev-IdP
// tokens; the file log is fsync'd and PostgreSQL commits durably (fsync, synchronous_commit on).
// Run: npm run build && npx vite-node bench/store.bench.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApproveAnswer } from '../src/contract/relay-api.ts';
import { createRelayClient, type RelayClient } from '../src/relay/client/client.ts';
import { migratedDatabase, startTestCluster } from '../test/helpers/postgres.ts';
import { HKUBECTL_BIN } from '../test/helpers/run.ts';
import { relayUrlOf } from '../test/helpers/relay-process.ts';
import { startWorld } from '../test/relay/fixtures.ts';
import { fmt, median, percentile } from './stats.ts';

const CONCURRENCY = 16;
const WARMUP_MS = 1_000;
const MEASURE_MS = 5_000;
const APPROVAL_ROUNDS = 30;
const SECRET = 'bench keys secret, the same on every relay of the database';

const world = await startWorld();
const cluster = await startTestCluster({ durable: true });
const root = await mkdtemp(join(tmpdir(), 'hk-store-bench-'));
// The daily session quota would stop a bench of tens of thousands of allows: lifted here only.
const config = join(root, 'relay.yaml');
await writeFile(config, `version: 1\nissuers: [{ issuer: "${world.idp.issuer}", audience: "${world.idp.clientId}" }]\nlimits: { sessionsPerDay: 10000000 }\n`);
const children: ChildProcess[] = [];

async function relay(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [HKUBECTL_BIN, 'relay', '--config', config, '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HKUBECTL_RELAY_KEYS_SECRET: SECRET },
  });
  children.push(child);
  return relayUrlOf(child);
}

type Figures = { name: string; done: number; elapsedMs: number; latencies: number[] };

async function allowLoad(name: string, urls: string[]): Promise<Figures> {
  const agents = urls.map((url) => createRelayClient({ url, token: world.tokens['agent-7'], maxSockets: CONCURRENCY }));
  const latencies: number[] = [];
  let done = 0;
  const run = async (agent: RelayClient, until: number, record: boolean) => {
    while (performance.now() < until) {
      const start = performance.now();
      const answer = await agent.submit({ argv: ['get', 'pods', '-n', 'payments', '-o', 'wide'], context: 'bench', reason: 'bench' });
      if (answer.decision !== 'allow') throw new Error(`expected allow, got ${answer.decision}`);
      if (record) {
        latencies.push(performance.now() - start);
        done += 1;
      }
    }
  };
  const clients = (until: number, record: boolean) => Array.from({ length: CONCURRENCY }, (_, index) => run(agents[index % agents.length]!, until, record));
  await Promise.all(clients(performance.now() + WARMUP_MS, false));
  const started = performance.now();
  await Promise.all(clients(started + MEASURE_MS, true));
  const elapsedMs = performance.now() - started;
  await Promise.all(agents.map((agent) => agent.close()));
  return { name, done, elapsedMs, latencies };
}

async function answerAcrossRelays(agentUrl: string, approverUrl: string): Promise<number[]> {
  const agent = createRelayClient({ url: agentUrl, token: world.tokens['agent-7'] });
  const alice = createRelayClient({ url: approverUrl, token: world.tokens.alice });
  const times: number[] = [];
  try {
    for (let round = 0; round < APPROVAL_ROUNDS; round += 1) {
      const { requestId } = await agent.submit({ argv: ['delete', 'pod', `api-${round}`, '-n', 'prod'], context: 'bench', reason: 'bench' }) as ApproveAnswer;
      const waiter = agent.wait(requestId, 30_000).then((request) => ({ request, at: performance.now() }));
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the long-poll reach its relay
      const answeredAt = performance.now();
      await alice.review(requestId, 'approve', 'bench');
      const { request, at } = await waiter;
      if (request.status !== 'approved') throw new Error(`waiter saw ${request.status}`);
      times.push(at - answeredAt);
    }
  } finally {
    await agent.close();
    await alice.close();
  }
  return times;
}

try {
  const files = await relay(['--data', join(root, 'files')]);
  const single = await relay(['--store', await migratedDatabase(cluster, 'bench_one')]);
  const shared = await migratedDatabase(cluster, 'bench_two');
  const pair = [await relay(['--store', shared]), await relay(['--store', shared])];
  const results = [
    await allowLoad('1 relay, files', [files]),
    await allowLoad('1 relay, PostgreSQL', [single]),
    await allowLoad('2 relays, one PostgreSQL', pair),
  ];
  const across = await answerAcrossRelays(pair[0]!, pair[1]!);

  console.log(`store bench (loopback, ${CONCURRENCY} concurrent clients, relays in their own processes, ${MEASURE_MS / 1000} s each; targets ≥ 3,000/s files, ≥ 1,500/s PostgreSQL, p99 < 20 ms)`);
  for (const { name, done, elapsedMs, latencies } of results) {
    console.log(`  ${name.padEnd(26)} ${String(Math.round(done / (elapsedMs / 1000))).padStart(6)} allow decisions/s   p50 ${fmt(median(latencies))}   p99 ${fmt(percentile(latencies, 99))}`);
  }
  console.log(`  approver answer on relay B → agent's long-poll on relay A returns (${APPROVAL_ROUNDS} rounds; target < 300 ms): p50 ${fmt(median(across))}, p99 ${fmt(percentile(across, 99))}, max ${fmt(Math.max(...across))}`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)))));
  await world.close();
  cluster.remove();
  await rm(root, { recursive: true, force: true });
}
