// `hkubectl sandbox` as a user starts it (the built CLI): the demo users come with their tokens,
// a --token-auth-file adds users, and each is held to its roles.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HKUBECTL_BIN, KUBECTL, run } from '../helpers/run.ts';

let dir: string;
let child: ChildProcess;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hk-sandbox-cmd-'));
  writeFileSync(join(dir, 'users.csv'), 'tok-grace,grace,uid-grace,"agents"\ntok-spaced ,henry,uid-henry\n');
  child = spawn(process.execPath, [HKUBECTL_BIN, 'sandbox', '--demo', '--kubeconfig', join(dir, 'kubeconfig'), '--token-auth-file', join(dir, 'users.csv')], {
    env: { PATH: process.env.PATH, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/^user hkubectl-relay/m.test(stdout)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`hkubectl sandbox exited ${code}: ${stderr}`)));
  });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const kubectl = async (args: string[]) => {
  const r = await run(KUBECTL, args, { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), KUBECACHEDIR: join(dir, 'cache') }, timeoutMs: 30_000 });
  return { code: r.code, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
};
const tokenIn = (name: string) => new RegExp(`^user ${name} .*--token (\\S+) auth can-i --list$`, 'm').exec(stdout)?.[1];

describe('hkubectl sandbox --demo --token-auth-file', () => {
  it('prints the administrator\'s kubeconfig and a token per user, and warns about an unusable token in the file', () => {
    expect(stdout).toMatch(/^kubeconfig: .*kubeconfig \(context "sandbox", user kubernetes-admin in system:masters\)$/m);
    for (const name of ['agent-7', 'alice', 'bob', 'hkubectl-relay', 'grace']) expect(tokenIn(name), name).toMatch(/^[^\s,]{8,}$/);
    expect(stderr).toMatch(/^hkubectl: sandbox: the token of record number '2' in token file '.*users\.csv' contains whitespace/m);
  });

  it('holds each user to its roles: the administrator does anything, agent-7 its least privilege, a file user only discovery', async () => {
    expect((await kubectl(['auth', 'can-i', '*', '*', '-A'])).stdout).toBe('yes\n');
    expect((await kubectl(['--token', tokenIn('agent-7')!, 'auth', 'can-i', 'delete', 'pods', '-n', 'staging'])).stdout).toBe('yes\n');
    expect((await kubectl(['--token', tokenIn('agent-7')!, 'auth', 'can-i', 'delete', 'pods', '-n', 'prod'])).stdout).toBe('no\n');
    const grace = await kubectl(['--token', 'tok-grace', 'get', 'pods', '-n', 'prod']);
    expect(grace.stderr).toBe('Error from server (Forbidden): pods is forbidden: User "grace" cannot list resource "pods" in API group "" in the namespace "prod"\n');
  });
});
