// The whole gateway path as the agent feels it, in one run on 127.0.0.1 (test/e2e/stack.ts in
// gateway mode: the relay with TLS brokering the sandbox with hkubectl-relay's token):
//   R = wall(hkubectl get pods -n prod, through the relay's gateway) / wall(kubectl get pods -n prod, direct)
// where direct is the real kubectl with agent-7's own sandbox token, both run interleaved, medians
// of BENCH_ROUNDS (default 9). hkubectl's figure holds the login, the relay's decision, the session
// kubeconfig, kubectl through the gateway (masking, record), the recording and the signed close.
// Target R ≤ 1.35.
// Run: npm run build && npx vite-node bench/gateway-e2e.bench.ts   (BENCH_ROUNDS)
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HKUBECTL_BIN, KUBECTL } from '../test/helpers/run.ts';
import { startStack } from '../test/e2e/stack.ts';
import { fmt, median, printTable, runTimed } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const WARMUP = 2;
const ARGS = ['get', 'pods', '-n', 'prod'];

const stack = await startStack({ gateway: true });
try {
  const direct = join(stack.root, 'agent-7-direct.kubeconfig');
  await writeFile(direct, stack.sandbox.kubeconfigFor('agent-7'), { mode: 0o600 });
  const contenders = [
    { name: 'hkubectl get pods -n prod (gateway)', command: process.execPath, args: [HKUBECTL_BIN, ...ARGS], env: { ...stack.env, HKUBECTL_REASON: 'gateway bench' } },
    { name: 'kubectl get pods -n prod (direct)', command: KUBECTL, args: ARGS, env: { ...stack.env, KUBECONFIG: direct, KUBECACHEDIR: join(stack.root, 'direct-cache') } },
  ];
  const times = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = -WARMUP; round < ROUNDS; round += 1) {
    for (const contender of contenders) {
      const run = await runTimed(contender.command, contender.args, contender.env);
      if (run.code !== 0 || !run.stdout.toString().includes('payments-api-')) throw new Error(`${contender.name} failed (${run.code}): ${run.stderr.toString()}`);
      if (round >= 0) times.get(contender.name)!.push(run.ms);
    }
  }
  const [gateway, plain] = contenders.map((contender) => median(times.get(contender.name)!));
  console.log(`gateway end to end (${ROUNDS} interleaved rounds, medians)`);
  printTable(contenders.map((contender) => [contender.name, fmt(median(times.get(contender.name)!))]));
  console.log(`  R = gateway / direct = ${(gateway! / plain!).toFixed(2)}   (target ≤ 1.35)`);
} finally {
  await stack.close();
}
