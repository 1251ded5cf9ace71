// A sandbox pod is a jail, not the host: through the real kubectl, a process in a pod cannot read
// host files outside what is mounted, cannot reach the host's loopback services, sees only its
// own processes, is held to its limits, and dies with its pod. Without isolation the sandbox says
// so (warning, kubeconfig, node) instead of pretending.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HKUBECTL_BIN, KUBECTL } from '../helpers/run.ts';
import { sandboxIsolation } from '../../src/sandbox/index.ts';
import type { Harness } from './harness.ts';
import { hostPids, startHarness } from './harness.ts';

let h: Harness;
let secretDir: string;
let listener: Server;
let listenerPort: number;
let connections = 0;

beforeAll(async () => {
  secretDir = mkdtempSync(join(tmpdir(), 'hk-host-secret-'));
  writeFileSync(join(secretDir, 'secret.txt'), 'host-only-secret\n');
  listener = createServer((socket) => {
    connections += 1;
    socket.end('host service\n');
  });
  listenerPort = await new Promise<number>((resolve) => listener.listen(0, '127.0.0.1', () => resolve((listener.address() as { port: number }).port)));
  h = await startHarness({
    seed: [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'box', namespace: 'default' }, spec: { containers: [{ name: 'box', image: 'busybox' }] } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sleeper', namespace: 'default' }, spec: { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '876543.5'] }] } },
    ],
  });
});
afterAll(async () => {
  await h?.stop();
  listener?.close();
  rmSync(secretDir, { recursive: true, force: true });
});

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('a sandbox pod is isolated from the host', () => {
  it('runs jailed on this machine and says so in its kubeconfig and node', async () => {
    expect(h.sandbox.isolation).toMatchObject({ isolated: true });
    expect(sandboxIsolation(parse(readFileSync(h.sandbox.kubeconfigPath, 'utf8')), 'sandbox')).toBe('bubblewrap');
    const runtime = await h.kubectl(['get', 'node', 'sandbox-node', '-o', 'jsonpath={.status.nodeInfo.containerRuntimeVersion}']);
    expect(runtime.stdout).toBe('bubblewrap://sandbox');
  });

  it('cannot read host files outside what is mounted', async () => {
    const secret = join(secretDir, 'secret.txt');
    const read = await h.kubectl(['exec', 'box', '--', 'cat', secret]);
    expect(read.code).not.toBe(0);
    expect(read.stdout).not.toContain('host-only-secret');
    // The host's home (its entries: the pod has a /root of its own), /home and the test's
    // directory are not there at all, nor the host's shadow file.
    const hostPaths = [...readdirSync(homedir()).slice(0, 20).map((e) => join(homedir(), e)), '/home', h.dir, '/etc/shadow', '/etc/ssh', '/etc/ssl/private'];
    const seen = await h.kubectl(['exec', 'box', '--', 'sh', '-c', `ls -a /; for p in ${hostPaths.map((p) => `'${p}'`).join(' ')}; do test -e "$p" && echo "VISIBLE $p"; done; true`]);
    expect(seen.code).toBe(0);
    expect(seen.stdout).not.toContain('VISIBLE');
    expect(seen.stdout.split('\n').filter(Boolean).sort()).toEqual(expect.arrayContaining(['.', '..', 'dev', 'etc', 'proc', 'root', 'tmp', 'usr']));
    // System directories are read-only; the pod's own root and /tmp are writable and private.
    const write = await h.kubectl(['exec', 'box', '--', 'sh', '-c', 'touch /usr/hk-x 2>/dev/null && echo WROTE-USR; touch /hk-x 2>/dev/null && echo WROTE-ROOT; echo kept > /tmp/mine && cat /tmp/mine; echo home > ~/file && cat ~/file']);
    expect(write.stdout).toBe('kept\nhome\n');
  });

  it('cannot reach a service on the host\'s loopback, nor the sandbox API server', async () => {
    const apiPort = new URL(h.sandbox.url).port;
    for (const port of [String(listenerPort), apiPort]) {
      const r = await h.kubectl(['exec', 'box', '--', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && echo CONNECTED`]);
      expect(r.code).not.toBe(0);
      expect(r.stdout).not.toContain('CONNECTED');
      expect(r.stderr).toMatch(/Connection refused|Network is unreachable/);
    }
    expect(connections).toBe(0);
    // Only loopback exists inside: no interface leads to the host.
    const links = await h.kubectl(['exec', 'box', '--', 'cat', '/proc/net/dev']);
    expect(links.stdout.split('\n').slice(2).filter(Boolean).map((l) => l.trim().split(':')[0])).toEqual(['lo']);
  });

  it('sees only its own processes', async () => {
    const r = await h.kubectl(['exec', 'box', '--', 'sh', '-c', 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/vitest|kubectl|sleep 876543/);
    const pids = await h.kubectl(['exec', 'box', '--', 'sh', '-c', 'ls -d /proc/[0-9]* | wc -l']);
    expect(Number(pids.stdout.trim())).toBeLessThanOrEqual(5);
  });

  it('is held to a process-count limit', async () => {
    // The shell dies when fork fails; the sleeps it started die with the exec's pid namespace.
    const r = await h.kubectl(['exec', 'box', '--', 'sh', '-c', 'ulimit -p; i=0; while [ $i -lt 300 ]; do sleep 30 & i=$((i+1)); done; echo spawned $i']);
    expect(r.stdout).toBe('256\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Cannot fork/);
    // Another exec in the same pod starts: the count is per jail, not shared.
    expect((await h.kubectl(['exec', 'box', '--', 'true'])).code).toBe(0);
  });

  it('dies with its pod: container and exec\'d processes are gone after the pod is deleted', async () => {
    await until(() => hostPids('sleep', '876543.5').length === 1, 'the container process to start');
    const execd = h.kubectl(['exec', 'sleeper', '--', 'sleep', '765432.5']);
    await until(() => hostPids('sleep', '765432.5').length === 1, 'the exec\'d process to start');
    const pids = [...hostPids('sleep', '876543.5'), ...hostPids('sleep', '765432.5')];
    expect(pids).toHaveLength(2);
    expect((await h.kubectl(['delete', 'pod', 'sleeper', '--wait=false'])).code).toBe(0);
    await until(() => hostPids('sleep', '876543.5').length === 0 && hostPids('sleep', '765432.5').length === 0, 'the pod\'s processes to die');
    expect((await execd).code).not.toBe(0);
  });
});

describe('without isolation', () => {
  it('says so once, in its warnings, kubeconfig and node, and still runs pods (as host processes)', async () => {
    // Simulated: this machine has bubblewrap, so a missing bwrap is what the option points at.
    const bare = await startHarness({ isolation: { bwrapPath: join(secretDir, 'no-bwrap') }, seed: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'box', namespace: 'default' }, spec: { containers: [{ name: 'box', image: 'busybox' }] } }] });
    try {
      expect(bare.sandbox.isolation).toEqual({ isolated: false, reason: `${join(secretDir, 'no-bwrap')} not found (Debian package bubblewrap)` });
      expect(bare.sandbox.warnings.filter((w) => w.includes('HOST processes'))).toHaveLength(1);
      expect(sandboxIsolation(parse(readFileSync(bare.sandbox.kubeconfigPath, 'utf8')), 'sandbox')).toBe('none');
      expect((await bare.kubectl(['get', 'node', 'sandbox-node', '-o', 'jsonpath={.status.nodeInfo.containerRuntimeVersion}'])).stdout).toBe('host-process://unisolated');
      const r = await bare.kubectl(['exec', 'box', '--', 'cat', join(secretDir, 'secret.txt')]);
      expect(r.stdout).toBe('host-only-secret\n');
    } finally {
      await bare.stop();
    }
  });
});

describe('what the jail keeps working', () => {
  it('copies files in and out with kubectl cp (tar in the container) and answers a missing command as the kubelet does', async () => {
    const local = join(secretDir, 'upload.txt');
    writeFileSync(local, 'uploaded\n');
    expect((await h.kubectl(['cp', local, 'default/box:/tmp/upload.txt'])).code).toBe(0);
    expect((await h.kubectl(['exec', 'box', '--', 'cat', '/tmp/upload.txt'])).stdout).toBe('uploaded\n');
    const back = join(secretDir, 'back.txt');
    expect((await h.kubectl(['cp', 'default/box:/tmp/upload.txt', back])).code).toBe(0);
    expect(readFileSync(back, 'utf8')).toBe('uploaded\n');
    const missing = await h.kubectl(['exec', 'box', '--', 'no-such-tool', '--flag']);
    expect(missing.code).toBe(126);
    expect(missing.stderr).toContain('exec: "no-such-tool": executable file not found in $PATH');
    // The pod's PATH is the jail's fixed one, never the host's.
    expect((await h.kubectl(['exec', 'box', '--', 'printenv', 'PATH'])).stdout).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
  });

  it('delivers a terminal resize to a jailed -it exec (SIGWINCH reaches it: no new session for a tty)', async () => {
    const term = pty.spawn(KUBECTL, ['exec', '-it', 'box', '--', 'sh', '-c', 'trap "stty size; exit 5" WINCH; echo ready; while :; do sleep 0.1; done'], { cols: 80, rows: 24, env: h.env as Record<string, string> });
    let out = '';
    term.onData((d) => (out += d));
    const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
    await until(() => out.includes('ready'), 'the shell to start');
    term.resize(123, 45);
    expect(await exited).toBe(5);
    expect(out).toContain('45 123');
  });
});

describe('hkubectl sandbox', () => {
  it('prints that its pods are jailed, and its pods\' processes die when the sandbox is killed outright (--die-with-parent)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hk-sandbox-kill-'));
    const seconds = `654321.${process.pid}`; // tells this run's process from any other's
    writeFileSync(join(dir, 'seed.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: orphan, namespace: default}\nspec: {containers: [{name: main, image: busybox, command: [sleep, "${seconds}"]}]}\n`);
    // TMPDIR keeps the killed sandbox's leftovers (it gets no chance to clean up) in this test's
    // dir, which a root sandbox's pod uids must be able to pass through, as they can /tmp.
    chmodSync(dir, 0o711);
    const child = spawn(process.execPath, [HKUBECTL_BIN, 'sandbox', '--seed', join(dir, 'seed.yaml'), '--kubeconfig', join(dir, 'kubeconfig')], { env: { PATH: process.env.PATH, HOME: dir, TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      await until(() => /^try: /m.test(stdout), 'the sandbox to start');
      expect(stdout, stdout).toMatch(/^pods: isolated by bubblewrap \(/m);
      await until(() => hostPids('sleep', seconds).length === 1, 'the pod\'s process to start');
      child.kill('SIGKILL');
      await until(() => hostPids('sleep', seconds).length === 0, 'the pod\'s process to die with the sandbox');
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
