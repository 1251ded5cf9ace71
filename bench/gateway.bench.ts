// The relay's Kubernetes API gateway against the sandbox directly, in one run on 127.0.0.1 (the
// demo sandbox with RBAC, the relay in this process holding hkubectl-relay's token):
//   - added latency per proxied GET (p50/p99 of gateway − direct, interleaved; targets 2 / 10 ms),
//     the gateway with grant lookup, scope and policy checks, impersonation, masking and its record;
//   - proxied GETs per second with 32 in flight (target ≥ 2,000), beside direct;
//   - `kubectl exec … -- head -c 100000000 /dev/zero` through the gateway's tunnel vs direct
//     (throughput ratio, target ≥ 0.5);
//   - this process's RSS (relay and sandbox together) while 100 MB stream through the gateway.
// Run: npx vite-node bench/gateway.bench.ts   (BENCH_ROUNDS, BENCH_SECONDS)
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { KUBECTL } from '../test/helpers/run.ts';
import { startGatewayWorld } from '../test/relay/server/gateway/gateway-world.ts';
import { percentile, printTable } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const EXEC_BYTES = 100_000_000;

const gw = await startGatewayWorld();
try {
  const agentToken = gw.sandbox.identities.find((identity) => identity.name === 'agent-7')!.token;
  const session = await gw.session(['get', 'pods', '-n', 'prod']);
  const path = '/api/v1/namespaces/prod/pods/echo';
  const gatewayAgent = new Agent({ keepAlive: true, maxSockets: 64, ca: session.grant.caPem });
  const directAgent = new Agent({ keepAlive: true, maxSockets: 64, ca: gw.sandbox.caPem });
  const via = {
    gateway: { url: `${session.grant.server}${path}`, agent: gatewayAgent, token: session.grant.token },
    direct: { url: `${gw.sandbox.url}${path}`, agent: directAgent, token: agentToken },
  };
  const get = (target: typeof via.gateway) => new Promise<number>((resolve, reject) => {
    const start = performance.now();
    request(target.url, { agent: target.agent, headers: { authorization: `Bearer ${target.token}`, accept: 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - start) : reject(new Error(`GET answered ${res.statusCode}`))));
    }).on('error', reject).end();
  });

  // Latency, interleaved one at a time.
  const gatewayMs: number[] = [];
  const directMs: number[] = [];
  for (let round = -200; round < ROUNDS; round++) {
    const g = await get(via.gateway);
    const d = await get(via.direct);
    if (round >= 0) {
      gatewayMs.push(g);
      directMs.push(d);
    }
  }
  const added = (p: number) => percentile(gatewayMs, p) - percentile(directMs, p);

  // Throughput with 32 in flight.
  const throughput = async (target: typeof via.gateway): Promise<number> => {
    let done = 0;
    const until = performance.now() + SECONDS * 1000;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (performance.now() < until) {
        await get(target);
        done += 1;
      }
    }));
    return done / SECONDS;
  };
  const directRps = await throughput(via.direct);
  const gatewayRps = await throughput(via.gateway);
  await gw.close(session.sessionId);

  // exec of 100 MB through the tunnel vs direct, with RSS sampled meanwhile.
  const execArgs = ['exec', 'echo', '-n', 'prod', '--', 'head', '-c', String(EXEC_BYTES), '/dev/zero'];
  const execSession = await gw.session(execArgs, { reason: 'gateway bench' });
  const directKubeconfig = join(gw.world.root, 'agent-7.kubeconfig');
  await writeFile(directKubeconfig, gw.sandbox.kubeconfigFor('agent-7'));
  const timeExec = (kubeconfig: string) => new Promise<{ ms: number; bytes: number; peakRss: number }>((resolve, reject) => {
    const start = performance.now();
    let bytes = 0;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    const child = spawn(KUBECTL, execArgs, { env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig, HOME: gw.world.root } });
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      clearInterval(sampler);
      if (code !== 0 || bytes !== EXEC_BYTES) return reject(new Error(`exec ended ${code} after ${bytes} bytes: ${stderr}`));
      resolve({ ms: performance.now() - start, bytes, peakRss });
    });
  });
  const rssBefore = process.memoryUsage().rss;
  const execDirect: number[] = [];
  const execGateway: number[] = [];
  let peakRss = rssBefore;
  for (let round = 0; round < 3; round++) {
    execDirect.push((await timeExec(directKubeconfig)).ms);
    const through = await timeExec(execSession.kubeconfig);
    execGateway.push(through.ms);
    peakRss = Math.max(peakRss, through.peakRss);
  }
  await gw.close(execSession.sessionId);
  const execRatio = percentile(execDirect, 50) / percentile(execGateway, 50);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

  console.log(`\nGateway vs direct to the sandbox (${ROUNDS} interleaved GETs of one pod, ${SECONDS}s of 32 in flight, 3 execs of 100 MB)\n`);
  printTable([
    ['', 'gateway', 'direct', 'added / ratio', 'target'],
    ['GET p50 (ms)', percentile(gatewayMs, 50).toFixed(2), percentile(directMs, 50).toFixed(2), `+${added(50).toFixed(2)}`, '≤ +2'],
    ['GET p99 (ms)', percentile(gatewayMs, 99).toFixed(2), percentile(directMs, 99).toFixed(2), `+${added(99).toFixed(2)}`, '≤ +10'],
    ['GETs/s (32 in flight)', gatewayRps.toFixed(0), directRps.toFixed(0), (gatewayRps / directRps).toFixed(2), '≥ 2000'],
    ['exec 100 MB (ms, median)', percentile(execGateway, 50).toFixed(0), percentile(execDirect, 50).toFixed(0), execRatio.toFixed(2), '≥ 0.5'],
    ['RSS, relay+sandbox process', `${mb(peakRss)} peak`, `${mb(rssBefore)} before`, `+${mb(peakRss - rssBefore)}`, 'flat'],
  ]);
} finally {
  await gw.stop();
}
