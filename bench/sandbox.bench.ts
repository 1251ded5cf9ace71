// Sandbox speed as kubectl sees it: median wall time of `kubectl get pods -A` against a sandbox
// holding 500 pods, next to `kubectl version --client` (kubectl's own start-up, no network),
// measured interleaved in one run. Run: npx vite-node bench/sandbox.bench.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../src/sandbox/index.ts';

const KUBECTL = process.env.HKUBECTL_TEST_KUBECTL ?? '/usr/bin/kubectl';
const PODS = 500;
const ROUNDS = Number(process.env.ROUNDS ?? 15);

const dir = mkdtempSync(join(tmpdir(), 'hk-sandbox-bench-'));
const seed: unknown[] = [];
for (const ns of ['bench-a', 'bench-b', 'bench-c', 'bench-d']) seed.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
for (let i = 0; i < PODS; i += 1) {
  seed.push({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: `bench-${'abcd'[i % 4]}`, labels: { app: `app-${i % 10}` } },
    spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] },
  });
}

const started = performance.now();
const sandbox = await startSandbox({ seed, kubeconfigPath: join(dir, 'kubeconfig') });
console.log(`sandbox with ${PODS} pods ready in ${(performance.now() - started).toFixed(0)} ms`);
const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: sandbox.kubeconfigPath, KUBECACHEDIR: join(dir, 'cache') };

// The sandbox runs in this process, so kubectl must be awaited, never spawned synchronously.
function kubectl(args: string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(KUBECTL, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - t, stdout }) : reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr}`))));
  });
}
const wall = async (args: string[]) => (await kubectl(args)).ms;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

try {
  const lines = (await kubectl(['get', 'pods', '-A', '--no-headers'])).stdout.trim().split('\n');
  if (lines.length < PODS) throw new Error(`expected ${PODS} pods, kubectl listed ${lines.length}`);
  await wall(['version', '--client']); // warm the page cache for the binary
  const getPods: number[] = [];
  const version: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    getPods.push(await wall(['get', 'pods', '-A']));
    version.push(await wall(['version', '--client']));
  }
  const a = median(getPods);
  const b = median(version);
  console.log(`rounds: ${ROUNDS} (interleaved)`);
  console.log(`median kubectl get pods -A (${lines.length} pods): ${a.toFixed(1)} ms`);
  console.log(`median kubectl version --client:            ${b.toFixed(1)} ms`);
  console.log(`ratio get/version: ${(a / b).toFixed(2)}  (difference ${(a - b).toFixed(1)} ms: discovery + list + table print)`);
} finally {
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
}
