// `hkubectl demo --keep-running`: after the story the stack stays up for a person to drive with
// the environment it prints, and Ctrl-C stops it cleanly.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HKUBECTL_BIN, hkubectl } from '../helpers/run.ts';

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
        if (/hkubectl approvals --watch/.test(story)) resolve();
      });
      child.once('exit', () => reject(new Error(`the demo ended early:\n${story}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await ready;

    const env = exportsOf(story);
    expect(Object.keys(env).sort()).toEqual(['HKUBECTL_CONFIG_DIR', 'HKUBECTL_DATA_DIR', 'HKUBECTL_RECORDINGS', 'HKUBECTL_RELAY', 'KUBECACHEDIR', 'KUBECONFIG']);
    const read = await hkubectl(['get', 'deployments', '-n', 'staging', '-o', 'name'], { env: { PATH: process.env.PATH, HOME: work, ...env } });
    expect(read.stderr.toString()).toBe('');
    expect(read.stdout.toString()).toBe('deployment.apps/web\n');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await readdir(tmp)).toEqual([]);
  });
});
