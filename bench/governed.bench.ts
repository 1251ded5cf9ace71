// Wrapper overhead on the governed path, from one run against the whole stack on 127.0.0.1
// (test/e2e/stack.ts: sandbox with the demo seed, dev IdP, relay with the default policy, agent-7
// signed in through the device flow):
//   R_governed = median wall(hkubectl get pods -n prod) / median wall(kubectl get pods -n prod)
//   R_pass     = median wall(hkubectl version --client) / median wall(kubectl version --client)
// and the design's form (hkubectl − kubectl) / wall(node -e 0), every contender interleaved.
// Also: the same with the relay set in config.yaml rather than HKUBECTL_RELAY, hkubectl get pods
// with the relay port closed (fail closed, exit 75), a local command (masked, no relay), and the
// cost of loading the governed bundle, with yaml (now parsed only on a cache miss), undici and
// node:http for comparison, each alone. Then a breakdown of
// where a governed run spends its time, from runs traced with bench/trace-hook.mjs.
// Run: npm run build && npx vite-node bench/governed.bench.ts   (BENCH_ROUNDS, BENCH_TRACED)
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HKUBECTL_BIN, KUBECTL } from '../test/helpers/run.ts';
import { startStack } from '../test/e2e/stack.ts';
import { median, percentile, printTable, runTimed, timeInterleavedAsync, timingRow, type Contender } from './stats.ts';
import { closedPort } from '../test/helpers/ports.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
const TRACED = Number(process.env.BENCH_TRACED ?? 15);
const TRACE_HOOK = new URL('./trace-hook.mjs', import.meta.url).href;
const GOVERNED_BUNDLE = new URL('../dist/governed/governed-entry.js', import.meta.url).href;
const GET_PODS = ['get', 'pods', '-n', 'prod'];
// The packages the governed bundle loads (resolved as the bundle resolves them), each on its own.
const requireHere = createRequire(import.meta.url);
const UNDICI = pathToFileURL(requireHere.resolve('undici')).href;
const YAML = pathToFileURL(requireHere.resolve('yaml')).href;

/** A moment of a traced run; `ms` is how long the call that starts there took, where timed. */
type TraceEvent = { at: number; what: string; ms?: number };

const stack = await startStack();
try {
  const env = stack.env;
  const relayDownEnv = { ...env, HKUBECTL_RELAY: `http://127.0.0.1:${await closedPort()}` };
  // How most installations set the relay: in config.yaml (parsed once, then read from the cache).
  const fileConfigDir = await mkdtemp(join(stack.root, 'config-file-'));
  await cp(env.HKUBECTL_CONFIG_DIR!, fileConfigDir, { recursive: true });
  await writeFile(join(fileConfigDir, 'config.yaml'), `relay: ${env.HKUBECTL_RELAY}\nwait: 5m\n`);
  const { HKUBECTL_RELAY: _relay, ...withoutRelay } = env;
  const configFileEnv = { ...withoutRelay, HKUBECTL_CONFIG_DIR: fileConfigDir };
  const node = process.execPath;

  // The governed run must print what kubectl prints, or the timing compares different work.
  const [ours, theirs] = await Promise.all([runTimed(node, [HKUBECTL_BIN, ...GET_PODS], env), runTimed(KUBECTL, GET_PODS, env)]);
  if (ours.code !== 0 || ours.stdout.toString().split('\n')[0] !== theirs.stdout.toString().split('\n')[0]) {
    throw new Error(`hkubectl get pods differs from kubectl: ${ours.code} ${ours.stderr.toString()}`);
  }
  const down = await runTimed(node, [HKUBECTL_BIN, ...GET_PODS], relayDownEnv);
  console.log(`relay down: exit ${down.code}, stderr: ${down.stderr.toString().trim()}`);

  const contenders: Contender[] = [
    { name: 'node -e 0', command: node, args: ['-e', '0'] },
    { name: 'node + import governed bundle', command: node, args: ['--input-type=module', '-e', `await import(${JSON.stringify(GOVERNED_BUNDLE)})`] },
    { name: 'node + import undici', command: node, args: ['--input-type=module', '-e', `await import(${JSON.stringify(UNDICI)})`] },
    { name: 'node + import yaml', command: node, args: ['--input-type=module', '-e', `await import(${JSON.stringify(YAML)})`] },
    { name: 'node + import node:http', command: node, args: ['--input-type=module', '-e', `await import('node:http')`] },
    { name: 'kubectl version --client', command: KUBECTL, args: ['version', '--client'], env },
    { name: 'hkubectl version --client', command: node, args: [HKUBECTL_BIN, 'version', '--client'], env },
    { name: 'kubectl config current-context', command: KUBECTL, args: ['config', 'current-context'], env },
    { name: 'hkubectl config current-context', command: node, args: [HKUBECTL_BIN, 'config', 'current-context'], env },
    { name: 'kubectl get pods -n prod', command: KUBECTL, args: GET_PODS, env },
    { name: 'hkubectl get pods -n prod', command: node, args: [HKUBECTL_BIN, ...GET_PODS], env },
    { name: 'hkubectl get pods, relay in config.yaml', command: node, args: [HKUBECTL_BIN, ...GET_PODS], env: configFileEnv },
    { name: 'hkubectl get pods, relay down', command: node, args: [HKUBECTL_BIN, ...GET_PODS], env: relayDownEnv, expectCode: 75 },
  ];
  const started = performance.now();
  const times = await timeInterleavedAsync(contenders, ROUNDS);
  const at = (name: string) => median(times.get(name)!);
  console.log(`\ngoverned overhead (${ROUNDS} interleaved rounds, ${((performance.now() - started) / 1000).toFixed(0)} s; wall ms)`);
  printTable([['', 'median', 'p95'], ...contenders.map((c) => timingRow(c.name, times.get(c.name)!))]);

  const nodeMs = at('node -e 0');
  const ratio = (hk: string, kube: string) => `${(at(hk) / at(kube)).toFixed(2)}`;
  const design = (hk: string, kube: string) => `${((at(hk) - at(kube)) / nodeMs).toFixed(2)}`;
  console.log('\nratios (medians)');
  printTable([
    ['', 'hk/kubectl', '(hk−kubectl)/node', 'target'],
    ['governed: get pods -n prod', ratio('hkubectl get pods -n prod', 'kubectl get pods -n prod'), design('hkubectl get pods -n prod', 'kubectl get pods -n prod'), 'R ≤ 1.25'],
    ['  the same, relay in config.yaml', ratio('hkubectl get pods, relay in config.yaml', 'kubectl get pods -n prod'), design('hkubectl get pods, relay in config.yaml', 'kubectl get pods -n prod'), 'R ≤ 1.25'],
    ['pass-through: version --client', ratio('hkubectl version --client', 'kubectl version --client'), design('hkubectl version --client', 'kubectl version --client'), 'R ≤ 1.15'],
    ['local, masked: config current-context', ratio('hkubectl config current-context', 'kubectl config current-context'), design('hkubectl config current-context', 'kubectl config current-context'), ''],
  ]);
  const over = (name: string) => `${(at(name) - nodeMs).toFixed(1)} ms`;
  console.log(`  loading over node -e 0: governed bundle ${over('node + import governed bundle')} (for comparison, each alone: undici ${over('node + import undici')}, yaml ${over('node + import yaml')}); node:http ${over('node + import node:http')}`);
  console.log(`  relay down → exit 75 in ${at('hkubectl get pods, relay down').toFixed(1)} ms median, ${percentile(times.get('hkubectl get pods, relay down')!, 95).toFixed(1)} ms p95`);

  // Where a governed run's time goes: traced runs (the hook adds a little to each).
  const traceDir = await mkdtemp(join(stack.root, 'trace-'));
  const tracedEnv = { ...env, HK_BENCH_TRACE_DIR: traceDir };
  const runs: TraceEvent[][] = [];
  const lastResources: string[] = [];
  for (let i = 0; i < TRACED; i += 1) {
    const run = await runTimed(node, ['--import', TRACE_HOOK, HKUBECTL_BIN, ...GET_PODS], tracedEnv);
    if (run.code !== 0) throw new Error(`traced run exited ${run.code}: ${run.stderr.toString()}`);
    const [file] = await readdir(traceDir);
    const { events, resources } = JSON.parse(await readFile(join(traceDir, file!), 'utf8')) as { events: TraceEvent[]; resources: string[] };
    lastResources.push(resources.join(', '));
    await rm(join(traceDir, file!));
    runs.push([{ at: run.spawnedAt, what: 'spawned' }, ...events, { at: run.closedAt, what: 'closed (seen by parent)' }]);
  }
  printBreakdown(runs);
  const counted = new Map<string, number>();
  for (const resources of lastResources) counted.set(resources, (counted.get(resources) ?? 0) + 1);
  console.log('\nactive resources a turn after the last relay answer (runs: resources)');
  for (const [resources, count] of counted) console.log(`  ${count}: ${resources || '(none)'}`);
} finally {
  await stack.close();
}

/**
 * Median moment of each event (ms after spawn) and the step from the event before it. Events
 * that repeat within a run (two requests to the same path) are numbered.
 */
function printBreakdown(runs: TraceEvent[][]): void {
  const kubectlName = basename(KUBECTL);
  const offsets = new Map<string, { at: number[]; ms: number[] }>();
  for (const run of runs) {
    const seen = new Map<string, number>();
    for (const event of run) {
      const what = event.what.replace(KUBECTL, kubectlName);
      const count = (seen.get(what) ?? 0) + 1;
      seen.set(what, count);
      const name = count > 1 ? `${what} #${count}` : what;
      if (!offsets.has(name)) offsets.set(name, { at: [], ms: [] });
      offsets.get(name)!.at.push(event.at - run[0]!.at);
      if (event.ms !== undefined) offsets.get(name)!.ms.push(event.ms);
    }
  }
  const rows = [...offsets.entries()]
    .filter(([name]) => name !== 'spawned')
    .map(([name, values]) => ({ name, at: median(values.at), n: values.at.length, ms: values.ms.length ? median(values.ms) : undefined }))
    .sort((a, b) => a.at - b.at);
  console.log(`\nwhere the time goes: hkubectl get pods -n prod, ${runs.length} traced runs (median ms after spawn; "took" = the call's own time)`);
  let previous = 0;
  printTable([['event', 'at', 'step', 'took'], ...rows.map((row) => {
    const step = row.at - previous;
    previous = row.at;
    const name = row.n === runs.length ? row.name : `${row.name} (${row.n}/${runs.length} runs)`;
    return [name, row.at.toFixed(1), `+${step.toFixed(1)}`, row.ms === undefined ? '' : row.ms.toFixed(1)];
  })]);

  const phase = (from: string, to: string): number[] => runs.map((run) => {
    const a = run.find((e) => e.what === from);
    const b = run.find((e) => e.what === to);
    return a && b ? b.at - a.at : Number.NaN;
  }).filter((value) => !Number.isNaN(value));
  const kubectlSpawn = `spawn ${KUBECTL}`;
  const kubectlExit = `exit ${KUBECTL}`;
  console.log('\nphases (median, p95 ms)');
  printTable([
    ['phase', 'median', 'p95'],
    timingRow('node start-up (spawn → hook runs)', phase('spawned', 'node ready')),
    timingRow('load main + governed bundle, config (→ kubeconfig read)', phase('node ready', 'read kubeconfig')),
    timingRow('kubeconfig parse, token, client (→ decision sent)', phase('read kubeconfig', 'request POST /v1/decisions')),
    timingRow('relay decision round trip (incl. connect)', phase('request POST /v1/decisions', 'answer POST /v1/decisions')),
    timingRow('decision → kubectl spawned (cast opened)', phase('answer POST /v1/decisions', kubectlSpawn)),
    timingRow('kubectl runs', phase(kubectlSpawn, kubectlExit)),
    timingRow('kubectl exit → session closed (upload, close)', phase(kubectlExit, 'answer POST /v1/sessions/:id/close')),
    timingRow('closed → event loop empty (manifest, spool, client close)', phase('answer POST /v1/sessions/:id/close', 'event loop empty (beforeExit)')),
    timingRow('event loop empty → exit event', phase('event loop empty (beforeExit)', 'exit')),
    timingRow('exit event → parent sees close', phase('exit', 'closed (seen by parent)')),
  ]);
}
