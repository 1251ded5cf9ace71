// Masking throughput where users feel it, and recall, in one run:
//   - in-process on buffers (the masker alone, 256 KiB pushes), and the masking stage of a governed
//     session (MaskedOutput, 64 KiB pushes as kubectl's stdout pipe delivers them);
//   - `hkubectl mask` on a pipe (`cat FILE | hkubectl mask > /dev/null`) over 100 MB files, against
//     `cat` as the floor and a one-regex `sed` as a yardstick; then a 200 MB single line and 1 GB
//     of mixed output through the same pipe, for memory;
//   - recall and look-alike loss by class on test/masking/corpus.
// Each row gives wall-clock MB/s, CPU MB/s (user+system time: what one core does, whatever else
// the machine runs) and peak RSS. Targets (DESIGN.md, issue 18): ≥150 MB/s mixed, ≥60 MB/s dense
// Secrets, ≤100 MiB RSS for 1 GB. Run: npm run build && npx vite-node bench/masking.bench.ts
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStreamingMasker, maskText, type MaskProfileName } from '../src/masking/index.ts';
import { MaskedOutput } from '../src/recording/masked-output.ts';
import { corpusDir, MB, mixedKubectlOutput, secretHeavyOutput } from './masking-corpus.ts';
import { median, printTable } from './stats.ts';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first');
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) throw new Error('GNU time (/usr/bin/time) is needed for peak RSS of the piped processes');

interface Measure {
  wallMs: number;
  cpuMs: number;
  rssKiB: number;
}

const mbps = (bytes: number, ms: number) => (bytes / MB / (ms / 1000)).toFixed(0);
const mib = (kib: number) => (kib / 1024).toFixed(0);

function row(name: string, bytes: number, runs: Measure[]): string[] {
  const wall = median(runs.map((r) => r.wallMs));
  const cpu = median(runs.map((r) => r.cpuMs));
  return [name, mbps(bytes, wall), mbps(bytes, cpu), mib(Math.max(...runs.map((r) => r.rssKiB)))];
}

// ---- the inputs ------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'hk-mask-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const mixed = mixedKubectlOutput(100 * MB);
const dense = secretHeavyOutput(100 * MB);
const mixedFile = join(dir, 'mixed.txt');
const denseFile = join(dir, 'secrets.txt');
writeFileSync(mixedFile, mixed);
writeFileSync(denseFile, dense);

// A 200 MB line with no newline: minified JSON events with a secret every few MB.
const lineFile = join(dir, 'single-line.json');
{
  const fd = openSync(lineFile, 'w');
  const piece = Buffer.from('{"kind":"Event","reason":"Pulled","message":"Container image already present on machine"},'.repeat(32_768));
  let written = 0;
  for (let i = 0; written < 200 * MB; i++) {
    writeSync(fd, piece);
    writeSync(fd, `{"token":"Tk9-${String(i).padStart(6, '0')}Zq8Lm2Vx7"},`);
    written += piece.length + 33;
  }
  closeSync(fd);
}
const lineBytes = Number(execFileSync('stat', ['-c', '%s', lineFile]).toString().trim());

// ---- in-process --------------------------------------------------------------------------------
function inProcess(input: Buffer, chunk: number, profile: MaskProfileName, viaSession: boolean): Measure {
  const masker = createStreamingMasker({ profile });
  let out = 0;
  const output = new MaskedOutput(masker, [(bytes) => (out += bytes.length)], () => () => {});
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let at = 0; at < input.length; at += chunk) {
    const part = input.subarray(at, at + chunk);
    if (viaSession) output.push(part);
    else out += masker.push(part).length;
  }
  if (viaSession) output.end();
  else out += masker.flush().length;
  const cpu = process.cpuUsage(cpu0);
  if (output.failure !== undefined) throw output.failure;
  if (out === 0) throw new Error('no output');
  return { wallMs: performance.now() - wall0, cpuMs: (cpu.user + cpu.system) / 1000, rssKiB: process.resourceUsage().maxRSS };
}

console.log(`masking bench: ${(mixed.length / MB).toFixed(0)} MB mixed kubectl output, ${(dense.length / MB).toFixed(0)} MB dense Secrets, profile standard`);
console.log('in-process (peak RSS includes both inputs held in memory)');
inProcess(mixed.subarray(0, 8 * MB), 256 << 10, 'standard', false); // warm-up
const inRows: string[][] = [['', 'wall MB/s', 'CPU MB/s', 'peak RSS MiB']];
for (const [name, input] of [['mixed', mixed], ['dense Secrets', dense]] as const) {
  inRows.push(row(`masker, 256 KiB pushes: ${name}`, input.length, [0, 1, 2].map(() => inProcess(input, 256 << 10, 'standard', false))));
  inRows.push(row(`governed session stage, 64 KiB: ${name}`, input.length, [0, 1, 2].map(() => inProcess(input, 64 << 10, 'standard', true))));
}
printTable(inRows);

// ---- on a pipe ---------------------------------------------------------------------------------
function piped(file: string, command: string, repeat = 1): Measure {
  const source = repeat === 1 ? `cat '${file}'` : `for i in $(seq ${repeat}); do cat '${file}'; done`;
  const timeFile = join(dir, 'time.txt');
  execFileSync('sh', ['-c', `${source} | ${TIME} -o '${timeFile}' -f '%e %U %S %M' ${command} > /dev/null`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const report = readFileSync(timeFile, 'utf8').trim().split('\n');
  const [wall, user, system, rss] = (report[report.length - 1] as string).split(' ').map(Number) as [number, number, number, number];
  if (!(wall >= 0 && rss > 0)) throw new Error(`${command}: ${report.join('\n')}`);
  return { wallMs: wall * 1000, cpuMs: (user + system) * 1000, rssKiB: rss };
}

const contenders: [string, string][] = [
  ['cat (floor)', 'cat'],
  ["sed -E 's/AKIA[A-Z0-9]{16}/[MASKED]/g' (yardstick)", "sed -E 's/AKIA[A-Z0-9]{16}/[MASKED]/g'"],
  ['hkubectl mask', `'${process.execPath}' '${MAIN}' mask`],
];
console.log('\non a pipe: cat FILE | COMMAND > /dev/null (median of 3, interleaved; CPU and RSS of COMMAND)');
const pipeRows: string[][] = [['', 'wall MB/s', 'CPU MB/s', 'peak RSS MiB']];
for (const [label, file, bytes] of [['mixed', mixedFile, mixed.length], ['dense Secrets', denseFile, dense.length]] as const) {
  const runs = new Map<string, Measure[]>(contenders.map(([name]) => [name, []]));
  for (let round = 0; round < 3; round++) for (const [name, command] of contenders) runs.get(name)!.push(piped(file, command));
  for (const [name] of contenders) pipeRows.push(row(`${name}: ${label}`, bytes, runs.get(name)!));
}
pipeRows.push(row(`hkubectl mask: one ${(lineBytes / MB).toFixed(0)} MB line`, lineBytes, [piped(lineFile, contenders[2]![1])]));
pipeRows.push(row('hkubectl mask: 1 GB of mixed output (10 × 100 MB)', 10 * mixed.length, [piped(mixedFile, contenders[2]![1], 10)]));
printTable(pipeRows);

// ---- recall by class ---------------------------------------------------------------------------
interface CorpusCase {
  class: string;
  disappear: string[];
  stay: string[];
  profile?: MaskProfileName;
}
const cases = JSON.parse(readFileSync(new URL('cases.json', corpusDir), 'utf8')) as Record<string, CorpusCase>;
const byClass = new Map<string, { secrets: number; caught: number; lookAlikes: number; lost: number }>();
const misses: string[] = [];
for (const [name, spec] of Object.entries(cases)) {
  const text = maskText(readFileSync(new URL(name, corpusDir), 'utf8'), { profile: spec.profile }).text;
  const tally = byClass.get(spec.class) ?? { secrets: 0, caught: 0, lookAlikes: 0, lost: 0 };
  byClass.set(spec.class, tally);
  for (const secret of spec.disappear) {
    tally.secrets++;
    if (text.includes(secret)) misses.push(`${name}: leaked ${secret.slice(0, 24)}…`);
    else tally.caught++;
  }
  for (const keep of spec.stay) {
    tally.lookAlikes++;
    if (text.includes(keep)) continue;
    tally.lost++;
    misses.push(`${name}: masked look-alike ${keep}`);
  }
}
console.log('\nrecall and look-alike loss on test/masking/corpus, by class');
const recallRows = [['class', 'secrets masked', 'look-alikes lost']];
let all = { secrets: 0, caught: 0, lookAlikes: 0, lost: 0 };
for (const [name, t] of [...byClass].sort()) {
  recallRows.push([name, `${t.caught}/${t.secrets}`, `${t.lost}/${t.lookAlikes}`]);
  all = { secrets: all.secrets + t.secrets, caught: all.caught + t.caught, lookAlikes: all.lookAlikes + t.lookAlikes, lost: all.lost + t.lost };
}
recallRows.push(['all', `${all.caught}/${all.secrets}`, `${all.lost}/${all.lookAlikes}`]);
printTable(recallRows);
for (const miss of misses) console.log(`  ${miss}`);
