// Evidence export at scale: time and peak memory of `audit export` over 0 / 2,000 / 5,000 /
// 10,000 small signed sessions (generated here), to a .tar.gz and (largest count) to a directory.
// Each export runs in its own process so its peak RSS is its own; the 0-session run is the
// process's baseline (vite-node included), and the growth per session between the counts shows
// whether memory stays bounded. Peak heap is sampled every 50 ms. Peak RSS and peak heap move by
// tens of MiB from run to run with the collector's and malloc's timing (V8 lets the heap grow to
// a few times what is live before it collects), so each point is run several times and the
// median and range are shown, and one more run collects garbage every 250 ms to measure what
// the export really keeps ("live heap"). The load average says how busy the machine was.
// Run: npx vite-node bench/export.bench.ts
//   HK_EXPORT_BENCH_COUNTS=0,1000,20000  other session counts
//   HK_EXPORT_BENCH_RUNS=5               runs per point (default 3)
import { spawnSync } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportBundle } from '../src/replay/export/export-bundle.ts';
import { relayKeys, tempDir, writeSession } from '../test/replay/fixtures.ts';

const CHILD_ENV = 'HK_EXPORT_BENCH_CHILD';
const VITE_NODE = fileURLToPath(new URL('../node_modules/vite-node/vite-node.mjs', import.meta.url));
const BENCH = fileURLToPath(import.meta.url);
const RANGE = { since: new Date('2026-01-01T00:00:00Z'), until: new Date('2027-01-01T00:00:00Z') };

const LIVE_ENV = 'HK_EXPORT_BENCH_LIVE';

interface Run {
  ms: number;
  sessions: number;
  maxRssKiB: number;
  peakHeapMiB: number;
}

async function child(dir: string, out: string, jwksFile: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const jwks = JSON.parse(await readFile(jwksFile, 'utf8'));
  // With --expose-gc (the live-heap run), each sample first collects, so it sees only what is kept.
  const collect = process.env[LIVE_ENV] === '1' ? (globalThis as { gc?: () => void }).gc : undefined;
  let peakHeap = 0;
  const sample = setInterval(() => {
    collect?.();
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, collect ? 250 : 50);
  collect?.();
  peakHeap = process.memoryUsage().heapUsed;
  const started = performance.now();
  const report = await exportBundle({ dir, jwks, audit: null, identities: [], out, ...RANGE });
  const ms = performance.now() - started;
  clearInterval(sample);
  const run: Run = { ms, sessions: report.totals.sessions, maxRssKiB: process.resourceUsage().maxRSS, peakHeapMiB: peakHeap / 1024 / 1024 };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

async function generate(dir: string, count: number, keys: Awaited<ReturnType<typeof relayKeys>>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i += 1) {
    const at = new Date(Date.parse('2026-03-01T00:00:00Z') + i * 60_000).toISOString();
    await writeSession(dir, keys, {
      session: `s-${String(i).padStart(6, '0')}`, startedAt: at, argv: ['get', 'pods', '-n', i % 2 ? 'prod' : 'staging'],
      events: [[0, 'm', 'decision: allow by rule reads (risk 5)'], [0.05, 'o', `NAME          READY   STATUS    RESTARTS   AGE\r\nweb-${i}-abc  1/1     Running   0          ${i % 60}m\r\n`], [0.06, 'm', 'exit 0']],
    });
  }
}

function runChild(dir: string, out: string, jwksFile: string, live = false): Run {
  const result = spawnSync(process.execPath, [...(live ? ['--expose-gc'] : []), VITE_NODE, BENCH], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000,
    env: { ...process.env, [CHILD_ENV]: JSON.stringify([dir, out, jwksFile]), [LIVE_ENV]: live ? '1' : '0' },
  });
  if (result.status !== 0) throw new Error(`export child failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Run;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[], digits: number, scale = 1) => {
  const scaled = values.map((v) => v / scale);
  return `${median(scaled).toFixed(digits).padStart(6)} (${Math.min(...scaled).toFixed(digits)}–${Math.max(...scaled).toFixed(digits)})`;
};
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const work = await tempDir('hk-export-bench-');
  try {
    const keys = await relayKeys();
    const jwksFile = join(work.path, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify(keys.jwks));
    const counts = (process.env.HK_EXPORT_BENCH_COUNTS ?? '0,2000,5000,10000').split(',').map(Number);
    const runs = Number(process.env.HK_EXPORT_BENCH_RUNS ?? 3);
    const largest = Math.max(...counts);
    const rows: string[] = [`load average at start: ${load()}`];
    for (const count of counts) {
      const dir = join(work.path, `rec-${count}`);
      await generate(dir, count, keys);
      for (const kind of count === largest ? ['tar.gz', 'dir'] : ['tar.gz']) {
        const out = join(work.path, kind === 'dir' ? `out-${count}` : `out-${count}.tar.gz`);
        const results: Run[] = [];
        let size: number | null = null;
        for (let run = 0; run < runs; run += 1) {
          await rm(out, { recursive: true, force: true });
          results.push(runChild(dir, out, jwksFile));
          size = kind === 'dir' ? null : (await stat(out)).size;
        }
        await rm(out, { recursive: true, force: true });
        const live = runChild(dir, out, jwksFile, true).peakHeapMiB;
        const seconds = spread(results.map((r) => r.ms), 2, 1000);
        const rss = spread(results.map((r) => r.maxRssKiB), 0, 1024);
        const heap = spread(results.map((r) => r.peakHeapMiB), 0);
        rows.push(`${String(count).padStart(6)} sessions → ${kind.padEnd(6)}  ${seconds} s  peak RSS ${rss} MiB  peak heap ${heap} MiB  live heap ${live.toFixed(1).padStart(5)} MiB${size !== null ? `  bundle ${(size / 1024 / 1024).toFixed(1)} MiB` : ''}  load ${load()}`);
        await rm(out, { recursive: true, force: true });
      }
      await rm(dir, { recursive: true, force: true });
    }
    process.stdout.write(`audit export (verify + copy + summarise; child process per run, vite-node baseline included; median (min–max) of ${runs} runs)\n${rows.join('\n')}\n`);
  } finally {
    await work.remove();
  }
}

// The child is told apart by an env variable: vite-node drops `--` and the script path from argv.
const childArgs = process.env[CHILD_ENV];
if (childArgs !== undefined) {
  const [dir, out, jwksFile] = JSON.parse(childArgs) as [string, string, string];
  await child(dir, out, jwksFile);
} else {
  await main();
}
