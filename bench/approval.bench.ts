// Approval latency as the agent feels it, from one run against the whole stack on 127.0.0.1
// (test/e2e/stack.ts): agent-7 runs `hkubectl exec echo -n prod -- echo …` (needs approval under
// the default policy) with --hk-wait; once its long-poll is waiting, alice approves through the
// relay client. Measured per round, from alice's review() call returning:
//   → the agent's long-poll answered, → the re-submitted command allowed, → kubectl spawned
//     (stamped inside hkubectl by bench/trace-hook.mjs), → the command's first output byte,
// next to plain kubectl's own spawn → first byte for the same exec (interleaved), which is the
// part of the last figure that is kubectl's and not hkubectl's.
// Run: npm run build && npx vite-node bench/approval.bench.ts   (BENCH_ROUNDS)
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HKUBECTL_BIN, KUBECTL } from '../test/helpers/run.ts';
import { startStack } from '../test/e2e/stack.ts';
import { printTable, timingRow, wallNow } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const TRACE_HOOK = new URL('./trace-hook.mjs', import.meta.url).href;
/** How long the agent has been waiting when the approver answers (a person takes far longer). */
const THINKING_MS = 150;

type TraceEvent = { at: number; what: string };

interface AgentRun {
  requestId: Promise<string>;
  firstByteAt: Promise<number>;
  closed: Promise<number | null>;
  stderr: () => string;
}

function startAgent(args: string[], env: NodeJS.ProcessEnv): AgentRun {
  const child = spawn(process.execPath, ['--import', TRACE_HOOK, HKUBECTL_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let announce: (id: string) => void;
  let firstByte: (at: number) => void;
  const requestId = new Promise<string>((resolve) => (announce = resolve));
  const firstByteAt = new Promise<number>((resolve) => (firstByte = resolve));
  child.stdout.once('data', () => firstByte(wallNow()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const match = /request (\S+) for/.exec(stderr);
    if (match) announce(match[1]!);
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { requestId, firstByteAt, closed, stderr: () => stderr };
}

const stack = await startStack();
try {
  const alice = stack.client('alice');
  const traceDir = await mkdtemp(join(stack.root, 'trace-'));
  const env = { ...stack.env, HKUBECTL_REASON: 'approval latency bench', HKUBECTL_WAIT: '60s', HK_BENCH_TRACE_DIR: traceDir };
  const series = { review: [] as number[], called: [] as number[], waiter: [] as number[], allowed: [] as number[], spawned: [] as number[], firstByte: [] as number[], kubectlFirstByte: [] as number[] };
  const started = performance.now();

  for (let round = -2; round < ROUNDS; round += 1) {
    const args = ['exec', 'echo', '-n', 'prod', '--', 'echo', `approved-${round}`];
    const agent = startAgent(args, env);
    const id = await Promise.race([agent.requestId, agent.closed.then((code) => { throw new Error(`agent exited ${code} before asking: ${agent.stderr()}`); })]);
    await new Promise((resolve) => setTimeout(resolve, THINKING_MS));
    const reviewStart = wallNow();
    await alice.review(id, 'approve', 'bench');
    const reviewed = wallNow();
    const firstByteAt = await agent.firstByteAt;
    const code = await agent.closed;
    if (code !== 0) throw new Error(`approved agent exited ${code}: ${agent.stderr()}`);

    const [file] = await readdir(traceDir);
    const { events } = JSON.parse(await readFile(join(traceDir, file!), 'utf8')) as { events: TraceEvent[] };
    await rm(join(traceDir, file!));
    const at = (what: string, nth = 1) => events.filter((event) => event.what === what)[nth - 1]?.at ?? Number.NaN;

    // Plain kubectl's own start → first byte for the same exec, no approval involved.
    const plain = await new Promise<number>((resolve, reject) => {
      const start = wallNow();
      const child = spawn(KUBECTL, args, { env: stack.env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.once('data', () => resolve(wallNow() - start));
      child.once('close', (exitCode) => exitCode !== 0 && reject(new Error(`kubectl exited ${exitCode}`)));
    });
    if (round < 0) continue;
    series.review.push(reviewed - reviewStart);
    series.called.push(at('answer GET /v1/requests/:id/wait') - reviewStart);
    series.waiter.push(at('answer GET /v1/requests/:id/wait') - reviewed);
    series.allowed.push(at('answer POST /v1/decisions', 2) - reviewed);
    series.spawned.push(at(`spawn ${KUBECTL}`) - reviewed);
    series.firstByte.push(firstByteAt - reviewed);
    series.kubectlFirstByte.push(plain);
  }

  console.log(`approval latency: ${ROUNDS} rounds of exec in prod approved by alice (${((performance.now() - started) / 1000).toFixed(0)} s); ms`);
  printTable([
    ['', 'median', 'p95'],
    timingRow('alice review() call (round trip)', series.review),
    timingRow('review called → agent long-poll answered', series.called),
    timingRow('review returned → agent long-poll answered', series.waiter),
    timingRow('review returned → re-submitted command allowed', series.allowed),
    timingRow('review returned → kubectl spawned', series.spawned),
    timingRow('review returned → first output byte', series.firstByte),
    timingRow('plain kubectl exec: spawn → first output byte', series.kubectlFirstByte),
  ]);
  console.log('  (target: an approval reaches the waiting agent < 300 ms after the approver answers)');
} finally {
  await stack.close();
}
