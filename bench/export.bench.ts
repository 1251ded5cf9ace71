// Evidence export at scale: time and peak RSS of `audit export` over 0 / 1,000 / 10,000 small
// signed sessions (generated here), to a .tar.gz and to a directory. Each export runs in its
// own process so its peak RSS is its own; the 0-session run is the process's baseline, and the
// 1,000 vs 10,000 figures show how memory grows with the number of sessions.
// Run: npx vite-node bench/export.bench.ts
import { spawnSync } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportBundle } from '../src/replay/export/export-bundle.ts';
import { relayKeys, tempDir, writeSession } from '../test/replay/fixtures.ts';

const CHILD_ENV = 'HK_EXPORT_BENCH_CHILD';
const VITE_NODE = fileURLToPath(new URL('../node_modules/vite-node/vite-node.mjs', import.meta.url));
const BENCH = fileURLToPath(import.meta.url);
const RANGE = { since: new Date('2026-01-01T00:00:00Z'), until: new Date('2027-01-01T00:00:00Z') };

async function child(dir: string, out: string, jwksFile: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const jwks = JSON.parse(await readFile(jwksFile, 'utf8'));
  const started = performance.now();
  const report = await exportBundle({ dir, jwks, audit: null, identities: [], out, ...RANGE });
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ ms, sessions: report.totals.sessions, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
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

function runChild(dir: string, out: string, jwksFile: string): { ms: number; sessions: number; maxRssKiB: number } {
  const result = spawnSync(process.execPath, [VITE_NODE, BENCH], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
    env: { ...process.env, [CHILD_ENV]: JSON.stringify([dir, out, jwksFile]) },
  });
  if (result.status !== 0) throw new Error(`export child failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

async function main(): Promise<void> {
  const work = await tempDir('hk-export-bench-');
  try {
    const keys = await relayKeys();
    const { writeFile } = await import('node:fs/promises');
    const jwksFile = join(work.path, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify(keys.jwks));
    const rows: string[] = [];
    for (const count of [0, 1_000, 10_000]) {
      const dir = join(work.path, `rec-${count}`);
      const genStart = performance.now();
      await generate(dir, count, keys);
      const genMs = performance.now() - genStart;
      const targets = count === 10_000 ? ['tar.gz', 'dir'] : ['tar.gz'];
      for (const kind of targets) {
        const out = join(work.path, kind === 'dir' ? `out-${count}` : `out-${count}.tar.gz`);
        const r = runChild(dir, out, jwksFile);
        const size = kind === 'dir' ? null : (await stat(out)).size;
        rows.push(`${String(count).padStart(6)} sessions → ${kind.padEnd(6)}  ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${(count ? (r.ms / count).toFixed(2) : '–').padStart(5)} ms/session  peak RSS ${(r.maxRssKiB / 1024).toFixed(0).padStart(4)} MiB${size !== null ? `  bundle ${(size / 1024 / 1024).toFixed(1)} MiB` : ''}  (generated in ${(genMs / 1000).toFixed(1)} s)`);
        await rm(out, { recursive: true, force: true });
      }
      await rm(dir, { recursive: true, force: true });
    }
    process.stdout.write(`audit export (verify + copy + summarise; child process per run, vite-node baseline included)\n${rows.join('\n')}\n`);
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
