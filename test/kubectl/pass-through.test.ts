// hkubectl as a transparent kubectl: the real /usr/bin/kubectl on both sides, compared byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HKUBECTL_BIN, KUBECTL, hkubectl, kubectl, run } from '../helpers/run.ts';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-pass-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: local',
    '  cluster: { server: "https://127.0.0.1:1" }',
    'contexts:',
    '- name: local',
    '  context: { cluster: local, user: nobody, namespace: team-a }',
    'current-context: local',
    'users:',
    '- name: nobody',
    '  user: {}',
    '',
  ].join('\n'));
  env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectSameAsKubectl(args: string[], stdin?: Buffer): Promise<void> {
  const [ours, theirs] = await Promise.all([hkubectl(args, { env, stdin }), kubectl(args, { env, stdin })]);
  expect(ours.code).toBe(theirs.code);
  expect(ours.stdout.equals(theirs.stdout)).toBe(true);
  // klog lines carry timestamps and pids; everything else must match exactly.
  const stable = (b: Buffer): string => b.toString().replace(/^[EIW]\d{4} [\d:.]+\s+\d+ /gm, '');
  expect(stable(ours.stderr)).toBe(stable(theirs.stderr));
}

describe('hkubectl passes kubectl through', () => {
  it('prints exactly what `kubectl version --client` prints', async () => {
    await expectSameAsKubectl(['version', '--client']);
  });

  it('prints the same `config view` for the KUBECONFIG it inherits', async () => {
    await expectSameAsKubectl(['config', 'view']);
    await expectSameAsKubectl(['config', 'view', '-o', 'json']);
    await expectSameAsKubectl(['config', 'current-context']);
  });

  it('shows kubectl\'s own help for an empty command line, then one line pointing at hkubectl\'s', async () => {
    const [ours, theirs] = await Promise.all([hkubectl([], { env }), kubectl([], { env })]);
    expect(ours.code).toBe(theirs.code);
    expect(ours.stdout.toString()).toBe(`${theirs.stdout.toString()}Use "hkubectl --hk-help" for hkubectl's own commands and flags.\n`);
  });

  it('returns kubectl\'s own error and exit code for a flag kubectl rejects', async () => {
    await expectSameAsKubectl(['config', 'view', '--no-such-flag']);
    const result = await hkubectl(['config', 'view', '--no-such-flag'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).toContain('unknown flag: --no-such-flag');
  });

  it('refuses a command that may reach a cluster when no relay is configured, running nothing', async () => {
    // A word that names a kubectl plugin runs a program that can reach a cluster: it is governed too.
    const plugins = join(dir, 'plugins');
    await mkdir(plugins, { recursive: true });
    // `kubectl-login` shares its name with an own command: after `--` the word is kubectl's, so its plugin's.
    for (const plugin of ['kubectl-frobnicate', 'kubectl-login']) {
      await writeFile(join(plugins, plugin), '#!/bin/sh\necho ran\n');
      await chmod(join(plugins, plugin), 0o755);
    }
    for (const args of [['get', 'pods'], ['frobnicate'], ['--', 'login']]) {
      const result = await hkubectl(args, { env: { ...env, PATH: `${plugins}:${env.PATH}` } });
      expect(result.code).toBe(78);
      expect(result.stdout.length).toBe(0);
      expect(result.stderr.toString()).toMatch(/^hkubectl: no policy relay is configured, .* — set HKUBECTL_RELAY.*\n$/);
    }
  });

  it('removes its own --hk- flags wherever they stand before `--`', async () => {
    const expected = await kubectl(['version', '--client'], { env });
    for (const args of [
      ['--hk-reason', 'checking the client', 'version', '--client'],
      ['version', '--hk-reason=checking', '--client'],
      ['version', '--client', '--hk-output', 'json'],
      ['--', 'version', '--client'],
      ['--hk-reason', 'x', '--', 'version', '--client'],
    ]) {
      const result = await hkubectl(args, { env });
      expect(result.code).toBe(0);
      expect(result.stdout.equals(expected.stdout)).toBe(true);
    }
  });

  it('refuses an unknown --hk- flag with exit 64 and one hkubectl: line', async () => {
    const result = await hkubectl(['--hk-colour', 'get', 'pods'], { env });
    expect(result.code).toBe(64);
    expect(result.stderr.toString()).toMatch(/^hkubectl: unknown flag --hk-colour — .*\n$/);
  });

  it('reports its own failures as JSON with --hk-output json', async () => {
    const result = await hkubectl(['--hk-output', 'json', '--hk-colour'], { env });
    expect(result.code).toBe(64);
    const body = JSON.parse(result.stderr.toString()) as { error: { code: string; exitCode: number } };
    expect(body.error).toMatchObject({ code: 'ERR_UNKNOWN_OWN_FLAG', exitCode: 64 });
  });

  it('passes the environment through to kubectl', async () => {
    const other = join(dir, 'other-kubeconfig');
    await writeFile(other, 'apiVersion: v1\nkind: Config\ncurrent-context: elsewhere\ncontexts:\n- name: elsewhere\n  context: { cluster: x }\n');
    const result = await hkubectl(['config', 'current-context'], { env: { ...env, KUBECONFIG: other } });
    expect(result.stdout.toString()).toBe('elsewhere\n');
  });
});

describe('hkubectl finds the real kubectl', () => {
  it('exits 78 with a clear line when kubectl is not on PATH', async () => {
    const result = await hkubectl(['get', 'pods'], { env: { ...env, PATH: join(dir, 'empty') } });
    expect(result.code).toBe(78);
    expect(result.stderr.toString()).toMatch(/^hkubectl: kubectl was not found on PATH — .*HKUBECTL_KUBECTL.*\n$/);
  });

  it('refuses HKUBECTL_KUBECTL pointing at hkubectl itself', async () => {
    const result = await hkubectl(['version', '--client'], { env: { ...env, HKUBECTL_KUBECTL: HKUBECTL_BIN } });
    expect(result.code).toBe(78);
    expect(result.stderr.toString()).toContain('is hkubectl itself');
  });

  it('uses HKUBECTL_KUBECTL when set', async () => {
    const result = await hkubectl(['version', '--client'], { env: { ...env, PATH: '/nonexistent', HKUBECTL_KUBECTL: KUBECTL } });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain('Client Version');
  });

  it('works as a `kubectl` symlink placed first on PATH, finding the real kubectl further down', async () => {
    const shim = join(dir, 'shim');
    await run('mkdir', ['-p', shim]);
    await symlink(HKUBECTL_BIN, join(shim, 'kubectl'));
    const shimEnv = { ...env, PATH: `${shim}:${process.env.PATH ?? ''}` };
    const [viaShim, real] = await Promise.all([
      run(join(shim, 'kubectl'), ['version', '--client'], { env: shimEnv }),
      kubectl(['version', '--client'], { env }),
    ]);
    expect(viaShim.code).toBe(0);
    expect(viaShim.stdout.equals(real.stdout)).toBe(true);
    // and hkubectl under its own name skips the symlink too
    const own = await hkubectl(['version', '--client'], { env: shimEnv });
    expect(own.stdout.equals(real.stdout)).toBe(true);
  });

  it('stops a wrapper loop where "kubectl" runs hkubectl again', async () => {
    const loop = join(dir, 'loop');
    await run('mkdir', ['-p', loop]);
    const script = join(loop, 'kubectl');
    await writeFile(script, `#!/bin/sh\n"${process.execPath}" "${HKUBECTL_BIN}" "$@"\n`);
    await chmod(script, 0o755);
    const result = await hkubectl(['version', '--client'], { env: { ...env, PATH: `${loop}:/usr/bin:/bin` } });
    expect(result.code).toBe(78);
    expect(result.stderr.toString()).toContain('wrapper loop');
  });
});
