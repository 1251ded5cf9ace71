// `hkubectl demo --keep-running`: after the story the stack stays up for a person to drive with
// the environment it prints, and Ctrl-C stops it cleanly.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HKUBECTL_BIN, hkubectl, run } from '../helpers/run.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let work: string;
let tmp: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hk-demo-keep-'));
  tmp = await mkdtemp(join(tmpdir(), 'hk-demo-keep-tmp-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(tmp, { recursive: true, force: true });
});

/** `export A=1 B='x y'` as the demo prints it, read back into variables. */
function exportsOf(story: string): Record<string, string> {
  const line = /^ {2}export (.+)$/m.exec(story)?.[1];
  if (!line) throw new Error(`no export line in:\n${story}`);
  return Object.fromEntries([...line.matchAll(/(\w+)=('[^']*'|\S+)/g)].map(([, name, value]) => [name!, value!.replace(/^'|'$/g, '')]));
}

describe('hkubectl demo --keep-running', () => {
  it('leaves the stack up for agent commands with the printed environment until Ctrl-C, then stops it and exits 0', async () => {
    const child = spawn(process.execPath, [HKUBECTL_BIN, 'demo', '--keep-running', '--dir', join(work, 'recordings')], {
      cwd: work, env: { PATH: process.env.PATH, HOME: work, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let story = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        story += chunk;
        if (/This demo is process \d+.*\n/.test(story)) resolve();
      });
      child.once('exit', () => reject(new Error(`the demo ended early:\n${story}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
    await ready;

    const env = exportsOf(story);
    expect(Object.keys(env).sort()).toEqual(['HKUBECTL_CONFIG_DIR', 'HKUBECTL_DATA_DIR', 'HKUBECTL_RECORDINGS', 'HKUBECTL_RELAY', 'KUBECACHEDIR', 'KUBECONFIG', 'NODE_EXTRA_CA_CERTS']);
    const read = await hkubectl(['get', 'deployments', '-n', 'staging', '-o', 'name'], { env: { PATH: process.env.PATH, HOME: work, ...env } });
    expect(read.stderr.toString()).toBe('');
    expect(read.stdout.toString()).toBe('deployment.apps/web\n');
    // The agent's kubeconfig holds no credential: its own kubectl gets nowhere without hkubectl.
    expect(await readFile(env.KUBECONFIG!, 'utf8')).not.toMatch(/token|client-key|password|server/);

    // The sandbox administrator's kubeconfig, as printed, reads what agent-7 may not (RBAC).
    const ADMIN_LINE = /^ {2}KUBECONFIG=(\S+) kubectl .*admin/m;
    expect(story).toMatch(ADMIN_LINE);
    const admin = ADMIN_LINE.exec(story)?.[1];
    const bindings = await run('kubectl', ['get', 'clusterrolebindings', '-o', 'name'], { env: { PATH: process.env.PATH, HOME: work, KUBECONFIG: admin!.replace(/^'|'$/g, '') } });
    expect(bindings.stderr.toString()).toBe('');
    expect(bindings.stdout.toString()).toContain('clusterrolebinding.rbac.authorization.k8s.io/hkubectl-relay');
    // The relay's data directory, as printed: its audit log is there.
    const RELAY_DATA_LINE = /^ {2}relay data: (.+)$/m;
    expect(story).toMatch(RELAY_DATA_LINE);
    const relayData = RELAY_DATA_LINE.exec(story)?.[1];
    expect(await readdir(relayData!)).toContain('audit.jsonl');

    // It says which process it is and how to stop it.
    expect(story).toContain(`This demo is process ${child.pid}: stop it with Ctrl-C here, or \`kill ${child.pid}\` from anywhere.`);
    // The kubeconfig exec example works as printed: hkubectl token gives agent-7's login as an ExecCredential.
    const ARGS_LINE = /^ {8}args: \[token, --issuer, ("[^"]+"), --client-id, ("[^"]+")\]$/m;
    const CONFIG_DIR_LINE = /^ {8}env: \[\{name: HKUBECTL_CONFIG_DIR, value: ("[^"]+")\}\]$/m;
    expect(story).toMatch(ARGS_LINE);
    expect(story).toMatch(CONFIG_DIR_LINE);
    const args = ARGS_LINE.exec(story);
    const configDir = CONFIG_DIR_LINE.exec(story);
    expect(JSON.parse(configDir![1]!)).toBe(env.HKUBECTL_CONFIG_DIR);
    const token = await hkubectl(['token', '--issuer', JSON.parse(args![1]!), '--client-id', JSON.parse(args![2]!)], { env: { PATH: process.env.PATH, HOME: work, HKUBECTL_CONFIG_DIR: JSON.parse(configDir![1]!) } });
    expect(token.code, token.stderr.toString()).toBe(0);
    expect(JSON.parse(token.stdout.toString())).toMatchObject({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: expect.stringMatching(/^ey/) } });
    // The export the demo suggests makes a complete bundle: the relay's log is in it.
    const EXPORT_LINE = /^ {2}(hkubectl audit export .+?) {2,}#/m;
    expect(story).toMatch(EXPORT_LINE);
    const exportLine = EXPORT_LINE.exec(story)?.[1];
    const exported = await run('sh', ['-c', exportLine!.replace(/^hkubectl /, `"${process.execPath}" "${HKUBECTL_BIN}" `)], { cwd: work, env: { PATH: process.env.PATH, HOME: work } });
    expect(exported.code, exported.stderr.toString()).toBe(0);
    expect(exported.stderr.toString()).toContain('RESULT: every session verified; nothing missing.');

    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('stops, servers and temp files with it, when the npx that started it is sent SIGTERM', async () => {
    const home = await mkdtemp(join(tmpdir(), 'hk-demo-npx-home-'));
    const npmEnv = { PATH: process.env.PATH, HOME: home, TMPDIR: tmp, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false' };
    // npx runs the demo under npm and a shell, as `npx hkubectl demo` from a clone does.
    const npx = spawn('npx', ['hkubectl', 'demo', '--keep-running', '--dir', join(work, 'npx-recordings')], { cwd: ROOT, env: npmEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let story = '';
      const demoPid = await new Promise<number>((resolve, reject) => {
        npx.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          story += chunk;
          const pid = /This demo is process (\d+)/.exec(story)?.[1];
          if (pid) resolve(Number(pid));
        });
        npx.once('exit', () => reject(new Error(`npx ended early:\n${story}`)));
      });
      expect(demoPid).not.toBe(npx.pid);
      npx.kill('SIGTERM');
      await expect.poll(() => isRunning(demoPid), { timeout: 20_000, interval: 200 }).toBe(false);
      expect((await readdir(tmp)).filter((name) => name.startsWith('hk-demo-'))).toEqual([]);
    } finally {
      npx.kill('SIGKILL');
      await rm(home, { recursive: true, force: true });
    }
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
