// Policy decisions per second on one core: evaluate() alone (what the relay adds per request once
// the intent is parsed) and parseIntent()+evaluate() together, over a mix of command lines, with
// the shipped default policy. Run: npx vite-node bench/policy.bench.ts
import { parseIntent } from '../src/kubectl/parse-intent.ts';
import { DEFAULT_POLICY_SOURCE, DEFAULT_POLICY_YAML } from '../src/policy/default-policy.ts';
import { evaluate } from '../src/policy/evaluate.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { median } from './stats.ts';

const LINES = [
  'get pods -n payments-prod', 'get pods -A', 'describe pod web-1 -n dev', 'logs web-1 -n payments-prod --tail=100',
  'get secret db -n payments-prod -o yaml', 'get secrets -A', 'delete ns payments', 'delete pods -l app=web -n dev',
  'exec -it web-1 -n payments-prod -- sh', 'exec -it web-1 -n dev -- sh', 'scale deploy web --replicas=3 -n payments-prod',
  'rollout restart deploy/web -n staging', 'apply -f deploy.yaml', 'create clusterrolebinding x --clusterrole=admin --user=a',
  'delete pod web-1 --force --grace-period=0 -n dev', 'drain node-1 --ignore-daemonsets', 'version --client', 'config view --raw',
  'cordon node-1', 'port-forward svc/db 5432:5432 -n payments-prod',
].map((line) => line.split(' '));
const identities = [{ subject: 'agent-7', groups: ['agents'] }, { subject: 'alice', groups: ['approvers'] }];

function rate(label: string, run: () => void, rounds = 7, durationMs = 1000): void {
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let count = 0;
    const start = performance.now();
    while (performance.now() - start < durationMs) {
      run();
      count += LINES.length;
    }
    rates.push((count * 1000) / (performance.now() - start));
  }
  const mid = median(rates);
  const [min, max] = [Math.min(...rates), Math.max(...rates)].map((value) => Math.round(value).toLocaleString('en'));
  console.log(`${label.padEnd(34)} median ${Math.round(mid).toLocaleString('en')} decisions/s (min ${min}, max ${max}), ${(1e6 / mid).toFixed(1)} µs each`);
}

const loadTimes: number[] = [];
for (let i = 0; i < 50; i++) {
  const start = performance.now();
  loadPolicy(DEFAULT_POLICY_YAML, DEFAULT_POLICY_SOURCE);
  loadTimes.push(performance.now() - start);
}
console.log(`${'loadPolicy(default)'.padEnd(34)} median ${median(loadTimes).toFixed(2)} ms (validated and compiled once, at load)`);

const policy = loadPolicy(DEFAULT_POLICY_YAML, DEFAULT_POLICY_SOURCE);
const intents = LINES.map((argv) => parseIntent(argv));
rate('evaluate (parsed intents)', () => {
  for (let i = 0; i < intents.length; i++) evaluate(policy, intents[i]!, identities[i % 2]!);
});
rate('parseIntent + evaluate', () => {
  for (let i = 0; i < LINES.length; i++) evaluate(policy, parseIntent(LINES[i]!), identities[i % 2]!);
});
