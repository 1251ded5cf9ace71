// What checking a recording costs the relay: asciicast parsing, header checks, marker counting
// and the relay's own masker, over a kubectl-like recording, against hashing the same bytes
// (what the relay did before it checked anything). Prints MB/s for each and their ratio.
// Run: npx vite-node bench/upload-check.bench.ts   (BENCH_MB, default 64)
import { createHash } from 'node:crypto';
import { createCastCheck } from '../src/relay/server/upload-check.ts';

const MB = Number(process.env.BENCH_MB ?? 64);
const argv = ['get', 'pods', '-A', '-o', 'wide'];
const header = `${JSON.stringify({ version: 2, width: 200, height: 50, timestamp: 1_760_000_000, command: ['kubectl', ...argv].join(' '), hk: { v: 1, session: 's-bench' } })}\n`;
const rows = Array.from({ length: 64 }, (_, i) => `prod        api-${i}-7d9f8c6b5-x2k4p   1/1   Running   0   3d   10.0.${i}.17   node-${i % 5}   <none>   <none>\r\n`).join('');
const masked = 'DB_PASSWORD=[MASKED:secret-assignment]\r\n  password: W01BU0tFRDprOHMtc2VjcmV0LWRhdGFd\r\n';
const lines: string[] = [header];
let size = header.length;
for (let t = 0; size < MB * 1024 * 1024; t += 1) {
  const line = `[${(t / 100).toFixed(6)}, "o", ${JSON.stringify(t % 16 === 0 ? masked + rows : rows)}]\n`;
  lines.push(line);
  size += line.length;
}
const chunks: Buffer[] = [];
const all = Buffer.from(lines.join(''));
for (let at = 0; at < all.length; at += 64 * 1024) chunks.push(all.subarray(at, at + 64 * 1024));

function time(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const hashSec = time(() => {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  hash.digest();
});
let findings;
const checkSec = time(() => {
  const check = createCastCheck({ sessionId: 's-bench', argv, mask: 'standard' });
  for (const chunk of chunks) check.push(chunk);
  findings = check.end();
});
const mbytes = all.length / 1024 / 1024;
console.log(`recording: ${mbytes.toFixed(1)} MB, ${lines.length - 1} events`);
console.log(`sha256 only:     ${(mbytes / hashSec).toFixed(0)} MB/s`);
console.log(`relay's check:   ${(mbytes / checkSec).toFixed(0)} MB/s (${JSON.stringify(findings!.counts)} masked, ${JSON.stringify(findings!.unmasked)} unmasked)`);
console.log(`ratio check/sha256 time: ${(checkSec / hashSec).toFixed(1)}`);
