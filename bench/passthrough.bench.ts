// Wrapper overhead on the pass-through path:
//   R = (wall(hkubectl version --client) − wall(kubectl version --client)) / wall(node -e 0)
// all three interleaved in one run. A Node wrapper cannot go below R ≈ 1; the target is R ≤ 1.15.
import { fileURLToPath } from 'node:url';
import { fmt, median, timeInterleaved } from './stats.ts';

// The executable package.json installs (what an agent's `hkubectl` or `kubectl` shim runs).
const hkubectl = fileURLToPath(new URL('../bin/hkubectl.cjs', import.meta.url));
const kubectl = process.env.HKUBECTL_KUBECTL ?? '/usr/bin/kubectl';
const rounds = Number(process.env.BENCH_ROUNDS ?? 40);

const times = timeInterleaved([
  { name: 'node -e 0', command: process.execPath, args: ['-e', '0'] },
  { name: 'kubectl version --client', command: kubectl, args: ['version', '--client'] },
  { name: 'hkubectl version --client', command: process.execPath, args: [hkubectl, 'version', '--client'] },
], rounds);

const node = median(times.get('node -e 0')!);
const kube = median(times.get('kubectl version --client')!);
const hk = median(times.get('hkubectl version --client')!);
console.log(`pass-through overhead (${rounds} interleaved rounds, medians)`);
console.log(`  node -e 0                  ${fmt(node)}`);
console.log(`  kubectl version --client   ${fmt(kube)}`);
console.log(`  hkubectl version --client  ${fmt(hk)}`);
console.log(`  R = (hkubectl − kubectl) / node = ${((hk - kube) / node).toFixed(2)}   (target ≤ 1.15)`);
