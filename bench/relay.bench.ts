// Relay figures, from one run: allow decisions per second and latency at 16 concurrent clients
// (relay in its own process, as `hkubectl relay`, real dev-IdP tokens, audit log fsync'd), and
// the time from an approver's answer to the waiting agent's long-poll returning.
// Run: npm run build && npx vite-node bench/relay.bench.ts
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRelayClient } from '../src/relay/client/client.ts';
import type { ApproveAnswer } from '../src/contract/relay-api.ts';
import { startWorld } from '../test/relay/fixtures.ts';
import { HKUBECTL_BIN } from '../test/helpers/run.ts';
import { relayUrlOf } from '../test/helpers/relay-process.ts';
import { fmt, median, percentile } from './stats.ts';

const CONCURRENCY = 16;
const MEASURE_MS = 6_000;
const APPROVAL_ROUNDS = 30;

const world = await startWorld();
const dataDir = await mkdtemp(join(tmpdir(), 'hk-relay-bench-'));
const relayProcess = spawn(process.execPath, [HKUBECTL_BIN, 'relay', '--issuer', world.idp.issuer, '--audience', world.idp.clientId, '--data', dataDir, '--listen', '127.0.0.1:0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await relayUrlOf(relayProcess);

try {
  const agent = createRelayClient({ url, token: world.tokens['agent-7'], maxSockets: CONCURRENCY });
  const alice = createRelayClient({ url, token: world.tokens.alice });

  // Throughput and latency of allow decisions.
  const latencies: number[] = [];
  let done = 0;
  const run = async (until: number, record: boolean) => {
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
  await Promise.all(Array.from({ length: CONCURRENCY }, () => run(performance.now() + 1_000, false)));
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, () => run(started + MEASURE_MS, true)));
  const elapsed = performance.now() - started;

  // Approver's answer → waiting agent.
  const answerToWaiter: number[] = [];
  const answerToAllow: number[] = [];
  for (let round = 0; round < APPROVAL_ROUNDS; round++) {
    const command = { argv: ['delete', 'pod', `api-${round}`, '-n', 'prod'], context: 'bench', reason: 'bench' };
    const { requestId } = await agent.submit(command) as ApproveAnswer;
    let answeredAt = 0;
    const waiter = agent.wait(requestId, 30_000).then((request) => ({ request, at: performance.now() }));
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the long-poll reach the relay
    answeredAt = performance.now();
    await alice.review(requestId, 'approve', 'bench');
    const { request, at } = await waiter;
    if (request.status !== 'approved') throw new Error(`waiter saw ${request.status}`);
    answerToWaiter.push(at - answeredAt);
    const allowed = await agent.submit(command);
    if (allowed.decision !== 'allow') throw new Error('approved command was not allowed');
    answerToAllow.push(performance.now() - answeredAt);
  }

  console.log(`relay bench (loopback, ${CONCURRENCY} concurrent clients, relay in its own process, audit log fsync'd with group commit)`);
  console.log(`  allow decisions: ${done} in ${(elapsed / 1000).toFixed(1)} s = ${Math.round(done / (elapsed / 1000))} decisions/s`);
  console.log(`  decision latency: p50 ${fmt(median(latencies))}, p99 ${fmt(percentile(latencies, 99))}, max ${fmt(Math.max(...latencies))}`);
  console.log(`  approver answer → waiting long-poll returns (${APPROVAL_ROUNDS} rounds): p50 ${fmt(median(answerToWaiter))}, p99 ${fmt(percentile(answerToWaiter, 99))}`);
  console.log(`  approver answer → re-submitted command allowed: p50 ${fmt(median(answerToAllow))}, p99 ${fmt(percentile(answerToAllow, 99))}`);
  await agent.close();
  await alice.close();
} finally {
  relayProcess.kill('SIGTERM');
  await new Promise((resolve) => relayProcess.once('exit', resolve));
  await world.close();
  await rm(dataDir, { recursive: true, force: true });
}
