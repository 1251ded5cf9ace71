// Policy decisions per second on one core: evaluate() alone (what the relay adds per request once
// the intent is parsed) and parseIntent()+evaluate() together, over a mix of command lines, with
// the shipped default policy. Then the figure DESIGN.md and issue 17 ask for: the time of one
// `policy check` core (parse + evaluate) per command over 10,000 commands that spell resources,
// --raw paths, outputs and flag values every way kubectl accepts; p50 must stay under 1 ms.
// Run: npx vite-node bench/policy.bench.ts
import { parseIntent } from '../src/kubectl/parse-intent.ts';
import { DEFAULT_POLICY_SOURCE, DEFAULT_POLICY_YAML } from '../src/policy/default-policy.ts';
import { evaluate } from '../src/policy/evaluate.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { median, percentile } from './stats.ts';

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

// --- per-command decision time over 10,000 commands ------------------------------------------
const RESOURCES = ['pods', 'po', 'Pod', 'deploy', 'deployments.v1.apps', 'deploy.ap', 'ns', 'namespaces.v1.', 'NAMESPACES', 'Namespace',
  'secret', 'secrets.v1.', 'Secret', 'clusterrolebindings.v1.rbac.authorization.k8s.io', 'rolebindings.rbac', 'crb', 'widgets',
  'cm', 'svc,deploy', 'all', 'storageclass.storage', 'hpa', 'events', 'ClusterRoleBinding'];
const NAMESPACES = ['dev', 'payments-prod', 'kube-system', 'staging', 'prod'];
const SHAPES: Array<(r: string, ns: string, i: number) => string[]> = [
  (r, ns) => ['get', r, '-n', ns],
  (r, ns, i) => ['delete', r, `obj-${i}`, '-n', ns],
  (r, ns, i) => ['delete', `${r.split(',')[0]}/obj-${i}`, '-n', ns, '--force', `--grace-period=${['0', '00', '-0', '30'][i % 4]}`],
  (r, ns, i) => ['get', r, `obj-${i}`, '-n', ns, '-o', ['yaml', 'go-template={{.data}}', 'jsonpath={.data.*}', 'name', 'json'][i % 5] as string],
  (r, ns, i) => ['label', `${r.split(',')[0]}/obj-${i}`, 'a=b', '-n', ns, `--dry-run=${['0', 'server', 'client', 'false'][i % 4]}`],
  (_r, ns, i) => [['get', 'delete', 'create', 'replace'][i % 4] as string, '--raw', `/api/v1/namespaces/${ns}/${['secrets', 'pods', 'configmaps'][i % 3]}/obj-${i}`],
  (_r, ns, i) => ['delete', '--raw', [`/api/v1/namespaces/${ns}`, `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/x${i}`, `/api/v1/namespaces/${ns}/../prod`][i % 3] as string],
  (r, ns) => ['exec', '-it', 'web-1', '-n', ns, '--', 'sh', r],
  (r, ns, i) => ['scale', `${r.split(',')[0]}/obj-${i}`, `--replicas=${i % 5}`, '-n', ns],
];
const commands: string[][] = [];
for (let i = 0; commands.length < 10_000; i++) {
  commands.push(SHAPES[i % SHAPES.length]!(RESOURCES[i % RESOURCES.length]!, NAMESPACES[i % NAMESPACES.length]!, i));
}
// Warm the JIT on the same mix, then time each command alone.
for (let i = 0; i < commands.length; i++) evaluate(policy, parseIntent(commands[i]!), identities[i % 2]!);
const perCommand: number[] = [];
for (let i = 0; i < commands.length; i++) {
  const start = performance.now();
  evaluate(policy, parseIntent(commands[i]!), identities[i % 2]!);
  perCommand.push(performance.now() - start);
}
const p50 = percentile(perCommand, 50);
const p99 = percentile(perCommand, 99);
console.log(`${'policy check core, 10,000 commands'.padEnd(34)} p50 ${(p50 * 1000).toFixed(1)} µs, p99 ${(p99 * 1000).toFixed(1)} µs, max ${(Math.max(...perCommand) * 1000).toFixed(0)} µs per command (target p50 < 1 ms: ${p50 < 1 ? 'met' : 'MISSED'})`);
if (p50 >= 1) process.exitCode = 1;
