// Terminal-session throughput, from one run against the whole stack on 127.0.0.1
// (test/e2e/stack.ts): ~100 MB of printable log lines through
//   hkubectl exec -it <staging pod> -- cat <file>   (relay decision, kubectl in node-pty, masking,
//                                                    .cast recording, upload + signed manifest)
// next to plain `kubectl exec -it` in a terminal the bench opens itself (node-pty, as hkubectl
// does), interleaved. Two files: clean application logs, and the same with a secret-looking line
// (tokens, keys, card numbers…) every 50 lines, so masking does real work. Reported: MB/s over the
// whole run and over the streaming part (first → last output byte), their ratio, and the .cast
// size ÷ raw output bytes. The sandbox runs the exec'd command as a local process (in its own
// pty), so `cat` reads the file straight from this machine.
// Run: npm run build && npx vite-node bench/pty.bench.ts   (BENCH_MB, BENCH_ROUNDS)
import { spawn } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HKUBECTL_BIN, KUBECTL } from '../test/helpers/run.ts';
import { startStack } from '../test/e2e/stack.ts';
import { median, printTable, runTimed, wallNow } from './stats.ts';

const MB = Number(process.env.BENCH_MB ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECRET_EVERY = 50;

/** Application log lines with varying numbers and nothing secret in them. */
function cleanLine(i: number): string {
  const ts = `2025-01-14T09:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`;
  switch (i % 5) {
    case 0: return `${ts} INFO  GET /api/orders/${100000 + i} status=200 latency_ms=${i % 97} bytes=${(i * 13) % 65536} pod=orders-7d9f8c6b5-x2v9k`;
    case 1: return `${ts} INFO  health ok latency_ms=${i % 50} uptime_s=${86400 + i} build=1736846400000 resourceVersion=${48213901 + i} uid=7c9e6679-7425-40de-944b-e07fc1f90ae7`;
    case 2: return `${ts} DEBUG cache hit key=orders:${i} ttl=300 shard=${i % 16} node=10.244.${i % 4}.${i % 250}`;
    case 3: return `${ts} WARN  slow query took ${i % 900}ms table=orders rows=${i % 5000} plan=index_scan`;
    default: return `${ts} INFO  payment accepted amount=${(i % 10000) / 100} currency=EUR order=ord_20250114_${String(i).padStart(6, '0')}`;
  }
}

/** Secret-looking lines as they turn up in real logs (from the masking corpus). */
const SECRET_LINES = [
  'DEBUG outgoing request GET https://api.partner.test/v1/orders headers={"Authorization": "Bearer pk9Xq2LmV7rT4wZ8yB1nC5dF3gH6jK0a", "Accept": "application/json"}',
  'INFO  connecting to mongodb://orders:Mn8vB2xQ7kLp@mongo-0.mongo.payments.svc:27017/orders?authSource=admin',
  'INFO  AWS credentials loaded access_key_id=AKIAZ7Q3MXN2LK4PWR5T secret_access_key=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 region=eu-west-1',
  'INFO  slack notifier token=xoxb-2048193756-4096381725-Hq7LmV2xR9tW4zY8bN1cD5fG',
  'INFO  payment accepted card=4539 1488 0343 6467 amount=129.99 currency=EUR',
  'INFO  refund to IBAN DE89 3704 0044 0532 0130 00 ssn=219-09-9999',
  'INFO  config reloaded DB_PASSWORD=hunter2-Xq9 API_TOKEN="tkn_9Lm2Vx7Rt4Wy" retries=3',
];

/** Writes ~`mb` MB of log lines: a 2 MB block of distinct lines, repeated. */
function writeLog(path: string, mb: number, withSecrets: boolean): number {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 2_000_000; i += 1) {
    const line = withSecrets && i % SECRET_EVERY === SECRET_EVERY - 1
      ? `2025-01-14T09:31:02.${String(i % 1000).padStart(3, '0')}Z ${SECRET_LINES[(i / SECRET_EVERY | 0) % SECRET_LINES.length]}`
      : cleanLine(i);
    lines.push(line);
    size += line.length + 1;
  }
  const block = Buffer.from(`${lines.join('\n')}\n`);
  const fd = openSync(path, 'w');
  let written = 0;
  while (written < mb * 1e6) written += writeSync(fd, block);
  closeSync(fd);
  return written;
}

interface Throughput {
  bytes: number;
  wallMs: number;
  /** First to last output byte. */
  streamMs: number;
  /** Spawn to first output byte. */
  firstMs: number;
  exitCode: number | null;
}

/** plain kubectl in a terminal of the bench's own, as hkubectl runs it. */
async function kubectlInTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<Throughput> {
  const pty = await import('node-pty');
  return new Promise((resolve) => {
    const start = wallNow();
    let first = 0;
    let last = 0;
    let bytes = 0;
    const term = pty.spawn(KUBECTL, args, { name: 'xterm-256color', cols: 80, rows: 24, env: env as Record<string, string>, encoding: null } as import('node-pty').IPtyForkOptions);
    term.onData((data) => {
      last = wallNow();
      if (first === 0) first = last;
      bytes += (data as unknown as Buffer).length;
    });
    term.onExit(({ exitCode }) => resolve({ bytes, wallMs: wallNow() - start, streamMs: last - first, firstMs: first - start, exitCode }));
  });
}

/** hkubectl as an agent runs it: stdout a pipe, stdin at its end. */
function hkubectlOnPipes(args: string[], env: NodeJS.ProcessEnv): Promise<Throughput & { stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = wallNow();
    let first = 0;
    let last = 0;
    let bytes = 0;
    let stderr = '';
    const child = spawn(process.execPath, [HKUBECTL_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      last = wallNow();
      if (first === 0) first = last;
      bytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ bytes, wallMs: wallNow() - start, streamMs: last - first, firstMs: first - start, exitCode, stderr }));
  });
}

type ManifestPayload = { cast: { size: number } | null; masking: { counts: Record<string, number> } };

function newestManifest(dir: string): ManifestPayload {
  const newest = readdirSync(dir).filter((name) => name.endsWith('.manifest.json'))
    .map((name) => ({ name, at: statSync(join(dir, name)).mtimeMs })).sort((a, b) => b.at - a.at)[0]!;
  const signed = JSON.parse(readFileSync(join(dir, newest.name), 'utf8')) as { payload: string };
  return JSON.parse(Buffer.from(signed.payload, 'base64url').toString('utf8')) as ManifestPayload;
}

const stack = await startStack();
try {
  const env = stack.env;
  const pods = await runTimed(KUBECTL, ['get', 'pods', '-n', 'staging', '-l', 'app=web', '-o', 'name'], env);
  const pod = pods.stdout.toString().trim().split('\n')[0]!.replace('pod/', '');
  const files = {
    clean: join(stack.root, 'clean.log'),
    'secret every 50 lines': join(stack.root, 'mixed.log'),
  };
  const fileBytes = Object.fromEntries(Object.entries(files).map(([name, path]) => [name, writeLog(path, MB, name !== 'clean')]));

  type Row = { kubectl: Throughput[]; hk: Throughput[]; castRatio: number[]; masked: number[] };
  const results = new Map<string, Row>(Object.keys(files).map((name) => [name, { kubectl: [], hk: [], castRatio: [], masked: [] }]));
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, path] of Object.entries(files)) {
      const args = ['exec', '-it', pod, '-n', 'staging', '--', 'cat', path];
      const row = results.get(name)!;
      const plain = await kubectlInTerminal(args, env);
      if (plain.exitCode !== 0) throw new Error(`kubectl exec -it exited ${plain.exitCode}`);
      row.kubectl.push(plain);
      const ours = await hkubectlOnPipes(args, env);
      if (ours.exitCode !== 0) throw new Error(`hkubectl exec -it exited ${ours.exitCode}: ${ours.stderr}`);
      row.hk.push(ours);
      const manifest = newestManifest(stack.recordings);
      row.castRatio.push(manifest.cast!.size / ours.bytes);
      row.masked.push(Object.values(manifest.masking.counts).reduce((a, b) => a + b, 0));
      for (const name of readdirSync(stack.recordings)) rmSync(join(stack.recordings, name)); // keep the disk small
    }
  }

  const mbps = (runs: Throughput[], key: 'wallMs' | 'streamMs') => median(runs.map((run) => run.bytes / 1e6 / (run[key] / 1000)));
  console.log(`terminal sessions: exec -it … -- cat <${MB} MB log>, ${ROUNDS} interleaved rounds (${((performance.now() - started) / 1000).toFixed(0)} s), medians`);
  const table = [['', 'kubectl MB/s', 'hkubectl MB/s', 'hk/kubectl', 'streaming: kubectl', 'hkubectl', 'hk/kubectl', 'output MB', '.cast/output', 'masked']];
  for (const [name, row] of results) {
    const [kw, hw, ks, hs] = [mbps(row.kubectl, 'wallMs'), mbps(row.hk, 'wallMs'), mbps(row.kubectl, 'streamMs'), mbps(row.hk, 'streamMs')];
    table.push([name, kw.toFixed(1), hw.toFixed(1), (hw / kw).toFixed(2), ks.toFixed(1), hs.toFixed(1), (hs / ks).toFixed(2),
      (median(row.hk.map((run) => run.bytes)) / 1e6).toFixed(1), median(row.castRatio).toFixed(3), String(median(row.masked))]);
  }
  printTable(table);
  console.log('\n  wall ms, split: spawn → first byte | streaming | last byte → exit (hkubectl: .cast fsync, upload, close)');
  const split = (runs: Throughput[]) => [median(runs.map((r) => r.wallMs)), median(runs.map((r) => r.firstMs)), median(runs.map((r) => r.streamMs)), median(runs.map((r) => r.wallMs - r.firstMs - r.streamMs))].map((ms) => ms.toFixed(0));
  const splitTable = [['', 'wall', 'to first byte', 'streaming', 'after last byte']];
  for (const [name, row] of results) {
    splitTable.push([`${name}: kubectl`, ...split(row.kubectl)], [`${name}: hkubectl`, ...split(row.hk)]);
  }
  printTable(splitTable);
  console.log(`  files: ${Object.entries(fileBytes).map(([name, bytes]) => `${name} ${(bytes / 1e6).toFixed(1)} MB`).join(', ')}; output is larger (the terminal turns \\n into \\r\\n)`);
} finally {
  await stack.close();
}
