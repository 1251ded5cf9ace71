import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { maskText } from '../../src/masking/index.ts';
import { reexecute } from '../../src/replay/reexec.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { parseSeedYaml } from '../../src/sandbox/seed.ts';
import { DEMO_SEED } from '../../src/sandbox/seeds/demo.ts';
import { hkubectl, kubectl, KUBECTL } from '../helpers/run.ts';
import { relayKeys, tempDir, writeSession, type TestRelayKeys } from './fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
let sandbox: Sandbox;
let keys: TestRelayKeys;
const env = () => ({ PATH: process.env.PATH, HOME: dir.path, KUBECONFIG: sandbox.kubeconfigPath, KUBECACHEDIR: join(dir.path, 'kube-cache') });

beforeAll(async () => {
  dir = await tempDir('hk-reexec-');
  keys = await relayKeys();
  sandbox = await startSandbox({ kubeconfigPath: join(dir.path, 'kubeconfig'), seed: parseSeedYaml(DEMO_SEED, 'demo seed') });
});
afterAll(async () => {
  await sandbox?.stop();
  await dir?.remove();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } };
}

async function record(session: string, argv: string[], output?: string): Promise<void> {
  const real = await kubectl(argv, { env: env() });
  const text = output ?? maskText(real.stdout.toString(), { profile: 'standard' }).text;
  await writeSession(dir.path, keys, { session, argv: [...argv, '--context', 'prod-east'], events: [[0, 'o', text], [0.1, 'm', 'exit 0']] });
}

const request = (target: string, extra: Partial<Parameters<typeof reexecute>[0]> = {}) => ({
  target, dir: dir.path, jwks: async () => keys.jwks, context: 'sandbox', allowAnyContext: false, kubectlPath: KUBECTL, env: env(), ...extra,
});

describe('replay --exec', () => {
  it('re-runs the recorded command against the sandbox and finds the masked output identical', async () => {
    await record('same', ['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'yaml']);
    const c = capture();
    expect(await reexecute(request('same'), c.io)).toBe(0);
    const err = c.err.join('');
    expect(err).toContain('verified: session same');
    // The recorded --context is dropped: the command runs only where the auditor says.
    expect(err).toMatch(/re-running: kubectl --context sandbox get secret db-credentials -n prod -o yaml \(sandbox\)/);
    expect(err).toContain('identical to the recording');
    expect(c.out.join('')).toBe('');
  });

  it('shows a diff when the cluster answers differently from the recording', async () => {
    await record('differs', ['get', 'deployments', '-n', 'prod', '-o', 'name'], 'deployment.apps/payments-api\ndeployment.apps/ledger\n');
    const c = capture();
    expect(await reexecute(request('differs'), c.io)).toBe(1);
    const diff = c.out.join('');
    expect(diff).toContain('--- recorded/differs');
    expect(diff).toContain('+++ sandbox/sandbox');
    expect(diff).toContain('-deployment.apps/ledger');
    expect(diff).toContain('+deployment.apps/web');
  });

  it('refuses a context that is not marked as a sandbox unless told --yes-i-mean-it', async () => {
    await record('other', ['get', 'namespaces', '-o', 'name']);
    const kubeconfig = join(dir.path, 'other-kubeconfig');
    await writeFile(kubeconfig, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'prod',
      clusters: [{ name: 'prod', cluster: { server: sandbox.url, 'certificate-authority-data': Buffer.from(sandbox.caPem).toString('base64') } }],
      users: [{ name: 'u', user: { token: sandbox.token } }],
      contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'u' } }],
    }));
    await expect(reexecute(request('other', { context: 'prod', kubeconfig }), capture().io)).rejects.toMatchObject({ code: 'ERR_NOT_A_SANDBOX', exitCode: 64 });
    const c = capture();
    expect(await reexecute(request('other', { context: 'prod', kubeconfig, allowAnyContext: true }), c.io)).toBe(0);
    expect(c.err.join('')).toContain('NOT a sandbox');
  });

  it('refuses a command line whose values were redacted', async () => {
    await writeSession(dir.path, keys, { session: 'redacted', argv: ['create', 'secret', 'generic', 'x', '--from-literal=[MASKED:kubectl-flag]'] });
    await expect(reexecute(request('redacted'), capture().io)).rejects.toMatchObject({ code: 'ERR_REDACTED_ARGV' });
  });

  it('refuses to re-run a recording whose manifest does not verify', async () => {
    await writeSession(dir.path, await relayKeys(), { session: 'forged', argv: ['delete', 'namespace', 'prod'] });
    await expect(reexecute(request('forged'), capture().io)).rejects.toMatchObject({ code: 'ERR_NOT_VERIFIED' });
    const still = await kubectl(['get', 'namespace', 'prod', '-o', 'name'], { env: env() });
    expect(still.stdout.toString()).toBe('namespace/prod\n');
  });

  it('refuses a sandbox whose pods are host processes (exit 78) unless told --unsafe-host-processes; a jailed sandbox keeps the command off this machine', async () => {
    // The recorded command writes a file on whatever machine its pod process runs on.
    const marker = join(dir.path, 'ran-on-the-auditors-machine');
    await writeSession(dir.path, keys, { session: 'writes-host', argv: ['exec', 'deploy/web', '-n', 'prod', '--', 'sh', '-c', `echo pwned > ${marker}`], events: [[0, 'm', 'exit 0']] });
    // Isolated (bubblewrap works on this machine): the command runs, in the jail, where the
    // auditor's directory does not exist.
    const jailed = capture();
    await reexecute(request('writes-host'), jailed.io);
    expect(jailed.err.join('')).toContain('(sandbox)');
    expect(existsSync(marker)).toBe(false);
    // Unavailable isolation is simulated (this machine has bwrap) by pointing the sandbox at a
    // bwrap that does not exist: its kubeconfig then says its pods are host processes.
    const bare = await startSandbox({ kubeconfigPath: join(dir.path, 'bare-kubeconfig'), seed: parseSeedYaml(DEMO_SEED, 'demo seed'), isolation: { bwrapPath: join(dir.path, 'no-bwrap') } });
    try {
      const bareEnv = { ...env(), KUBECONFIG: bare.kubeconfigPath };
      await expect(reexecute(request('writes-host', { env: bareEnv }), capture().io)).rejects.toMatchObject({ code: 'ERR_SANDBOX_NOT_ISOLATED', exitCode: 78, message: expect.stringContaining('runs its pods as host processes') });
      expect(existsSync(marker)).toBe(false);
      // Through the real executable: exit 78 and one clear hkubectl: line naming the way out.
      await writeFile(join(dir.path, 'jwks.json'), JSON.stringify(keys.jwks));
      const cli = await hkubectl(['replay', '--exec', 'writes-host', '--context', 'sandbox', '--dir', dir.path, '--jwks', join(dir.path, 'jwks.json')], {
        env: { ...bareEnv, HKUBECTL_CONFIG_DIR: join(dir.path, 'config'), HKUBECTL_DATA_DIR: join(dir.path, 'data'), FORCE_COLOR: '0' },
      });
      expect(cli.code).toBe(78);
      expect(cli.stderr.toString()).toMatch(/^hkubectl: sandbox context sandbox runs its pods as host processes \(no bubblewrap isolation\), so the recorded command is not re-run/m);
      expect(cli.stderr.toString()).toContain('--unsafe-host-processes');
      expect(existsSync(marker)).toBe(false);
      const unsafe = capture();
      await reexecute(request('writes-host', { env: bareEnv, unsafeHostProcesses: true }), unsafe.io);
      expect(unsafe.err.join('')).toContain('HOST processes, NOT isolated: --unsafe-host-processes');
      expect(existsSync(marker)).toBe(true);
    } finally {
      await bare.stop();
    }
  });
});
