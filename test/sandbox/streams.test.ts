// Streaming verbs through the real kubectl: logs, exec over WebSocket (exit codes, stdin, tty
// and resize, cleanup when the client dies) and port-forward over SPDY (tunnelled and plain).
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL } from '../helpers/run.ts';
import type { Harness } from './harness.ts';
import { hostPids, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    seed: [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'box', namespace: 'default' }, spec: { containers: [{ name: 'box', image: 'busybox', ports: [{ containerPort: 8080 }] }] } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'printer', namespace: 'default' }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo line one; echo line two; echo oops >&2'] }] } },
    ],
  });
});
afterAll(() => h?.stop());

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString()));
    }).on('error', reject).end();
  });
}

describe('logs', () => {
  it('returns what the container printed, with --tail', async () => {
    await until(async () => (await h.kubectl(['get', 'pod', 'printer', '-o', 'jsonpath={.status.phase}'])).stdout === 'Succeeded', 'the printer pod to finish');
    const all = await h.kubectl(['logs', 'printer']);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n').sort()).toEqual(['', 'line one', 'line two', 'oops']);
    const tail = await h.kubectl(['logs', 'printer', '--tail=1']);
    expect(tail.stdout).toMatch(/^(line two|oops)\n$/);
    expect((await h.kubectl(['get', 'pod', 'printer'])).stdout).toMatch(/printer\s+0\/1\s+Completed/);
  });
});

describe('exec', () => {
  it('separates stdout and stderr and exits with the command\'s exit code', async () => {
    const r = await h.kubectl(['exec', 'box', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\ncommand terminated with exit code 3\n' });
    const ok = await h.kubectl(['exec', 'box', '--', 'sh', '-c', 'pwd; echo $HOSTNAME']);
    expect(ok.code).toBe(0);
    // The pod's private home, inside its jail (see isolation.test.ts).
    expect(ok.stdout).toBe('/root\nbox\n');
  });

  it('passes stdin through to the process', async () => {
    const r = await h.kubectl(['exec', '-i', 'box', '--', 'sh', '-c', 'tr a-z A-Z'], 'hello sandbox\n');
    expect(r).toEqual({ code: 0, stdout: 'HELLO SANDBOX\n', stderr: '' });
  });

  it('gives the process a terminal of the client\'s size with -it', async () => {
    const term = pty.spawn(KUBECTL, ['exec', '-it', 'box', '--', 'sh', '-c', 'stty size; test -t 0 && echo is-a-tty; exit 4'], { cols: 101, rows: 33, env: h.env as Record<string, string> });
    let out = '';
    term.onData((d) => (out += d));
    const code = await new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
    expect(out).toContain('33 101');
    expect(out).toContain('is-a-tty');
    expect(code).toBe(4);
  });

  it('kills a process that never exits when the client disappears', async () => {
    // $$ inside the jail is a pid of its own pid namespace: the host pid is found by its argv.
    const child = spawn(KUBECTL, ['exec', 'box', '--', 'sh', '-c', 'echo started; exec sleep 1000.25'], { env: h.env });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    await until(() => hostPids('sleep', '1000.25').length === 1, 'the exec\'d sleep to start');
    const [pid] = hostPids('sleep', '1000.25');
    child.kill('SIGKILL');
    await until(() => !alive(pid!), `exec'd process ${pid} to be killed`);
    expect((await h.kubectl(['exec', 'box', '--', 'true'])).code).toBe(0);
  });
});

describe('port-forward', () => {
  async function forward(extraEnv: NodeJS.ProcessEnv = {}) {
    const child = spawn(KUBECTL, ['port-forward', 'pod/box', ':8080'], { env: { ...h.env, ...extraEnv } });
    const port = await new Promise<number>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(text);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`port-forward exited ${code}`)));
    });
    return { child, port };
  }

  it('forwards a local port to the pod over WebSocket-tunnelled SPDY', async () => {
    const { child, port } = await forward();
    try {
      expect(await get(port, '/hello')).toBe('hello from default/box port 8080\nGET /hello\n');
      expect(await get(port, '/again')).toBe('hello from default/box port 8080\nGET /again\n');
    } finally {
      child.kill();
    }
    expect((await h.kubectl(['logs', 'box'])).stdout).toContain('GET /hello 200\n');
  });

  it('falls back to a plain SPDY upgrade and survives the client being killed mid-stream', async () => {
    const { child, port } = await forward({ KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
    expect(await get(port, '/spdy')).toContain('GET /spdy');
    const pending = get(port, '/slow').catch(() => 'dropped');
    child.kill('SIGKILL');
    await pending;
    const again = await forward();
    try {
      expect(await get(again.port, '/after')).toContain('GET /after');
    } finally {
      again.child.kill();
    }
  });
});
