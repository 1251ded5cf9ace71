// An agent cannot point kubectl somewhere the relay did not decide on: the governed stack
// (test/e2e/stack.ts) plus a second sandbox behind a connection-counting proxy, its request log.
// Also: plugins are decided before they run, and the namespace the relay decides on is the one
// kubectl uses even when the kubeconfig sets it through a YAML merge key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { kubectl } from '../helpers/run.ts';
import { useStack } from './use-stack.ts';

const e2e = useStack();

/** A TCP proxy to the second sandbox that logs every connection: what "arrived" there. */
let second: Sandbox;
let proxy: Server;
let proxyUrl: string;
const arrived: string[] = [];

beforeAll(async () => {
  second = await startSandbox({ kubeconfigPath: join(e2e.stack.root, 'second', 'kubeconfig'), contextName: 'second' });
  const target = new URL(second.url);
  proxy = createServer((socket) => {
    arrived.push(`connection from ${socket.remoteAddress}:${socket.remotePort}`);
    const upstream = connect(Number(target.port), target.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `https://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => proxy?.close(() => resolve()));
  await second?.stop();
});

describe('a command that names another server', () => {
  it('reaches the second sandbox when kubectl runs it directly (the log works)', async () => {
    const before = arrived.length;
    await kubectl(['get', 'secrets', '-n', 'prod', `--server=${proxyUrl}`, '--request-timeout=5s'], { env: e2e.stack.env });
    expect(arrived.length).toBeGreaterThan(before);
  });

  it.each([
    ['--server=URL', () => ['get', 'secrets', '-n', 'prod', `--server=${proxyUrl}`]],
    ['-s URL before the verb', () => ['-s', proxyUrl, 'get', 'secrets', '-n', 'prod']],
    ['-sURL', () => ['get', 'secrets', '-n', 'prod', `-s${proxyUrl}`]],
    ['--server repeated, the last one pointing there', () => ['get', 'secrets', 'db', '-n', 'prod', '--server', 'https://127.0.0.1:1', '--server', proxyUrl]],
    ['--kubeconfig of the second sandbox', () => ['get', 'secrets', '-n', 'prod', '--kubeconfig', second.kubeconfigPath]],
    ['--server with --insecure-skip-tls-verify and --token', () => ['get', 'secrets', '-n', 'prod', `--server=${proxyUrl}`, '--insecure-skip-tls-verify', '--token=stolen-token']],
  ])('never reaches the second sandbox as an agent: %s', async (_spelling, argsOf) => {
    const before = arrived.length;
    const result = await e2e.stack.hk(argsOf());
    expect(result.code).toBe(77);
    const stderr = result.stderr.toString();
    expect(stderr).toMatch(/^hkubectl: .*--(server|kubeconfig)/);
    expect(stderr).toContain('the relay decides on the cluster it knows');
    expect(stderr).not.toContain('stolen-token');
    expect(arrived.length).toBe(before);
  });

  it('runs with a --kubeconfig naming the agent\'s own file, and a --context naming its own context, as without them', async () => {
    for (const extra of [['--kubeconfig', e2e.stack.sandbox.kubeconfigPath], ['--context', 'sandbox'], [`--kubeconfig=${e2e.stack.sandbox.kubeconfigPath}`, '--context=sandbox', '--cluster', 'sandbox']]) {
      const result = await e2e.stack.hk(['get', 'deployments', '-n', 'staging', '-o', 'name', ...extra]);
      expect(result.stderr.toString()).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toContain('deployment.apps/web');
    }
  });
});

describe('a plugin', () => {
  async function pluginDir(name: string): Promise<{ path: string; marker: string; file: string }> {
    const path = join(e2e.stack.root, `plugins-${name}`);
    const marker = join(path, 'ran');
    await mkdir(path, { recursive: true });
    const file = join(path, `kubectl-${name}`);
    await writeFile(file, `#!/bin/sh\necho ran > "${marker}"\n`);
    await chmod(file, 0o755);
    return { path, marker, file };
  }

  it('is decided before it runs: an agent needs approval, and is told which file with its sha256', async () => {
    const plugin = await pluginDir('inventory');
    const result = await e2e.stack.hk(['inventory', 'list', '--hk-wait', '0'], { env: { PATH: `${plugin.path}:${process.env.PATH}` } });
    expect(result.code).toBe(75);
    const sha = createHash('sha256').update(await readFile(plugin.file)).digest('hex');
    expect(result.stderr.toString()).toContain(`rule plugins`);
    expect(result.stderr.toString()).toContain(`kubectl-inventory (${plugin.file}, sha256 ${sha})`);
    expect(existsSync(plugin.marker)).toBe(false);
  });

  it('runs once approved, and an approval does not carry over to another program under the same name', async () => {
    const plugin = await pluginDir('report');
    const env = { PATH: `${plugin.path}:${process.env.PATH}` };
    const args = ['report', 'weekly', '--hk-wait', '0'];
    const asked = await e2e.stack.hk(args, { env });
    expect(asked.code).toBe(75);
    const requestId = /request ([0-9a-f-]{36})/.exec(asked.stderr.toString())![1]!;
    await e2e.stack.client('alice').review(requestId, 'approve', 'INC-9: the weekly report plugin, checked');

    // The agent swaps the file after the approval: the same words now name another program.
    const original = await readFile(plugin.file);
    await writeFile(plugin.file, `#!/bin/sh\necho swapped > "${plugin.marker}"\n`);
    const swapped = await e2e.stack.hk(args, { env });
    expect(swapped.code).toBe(75);
    expect(swapped.stderr.toString()).not.toContain(requestId);
    expect(existsSync(plugin.marker)).toBe(false);

    await writeFile(plugin.file, original);
    const ran = await e2e.stack.hk(args, { env });
    expect(ran.stderr.toString()).toBe('');
    expect(ran.code).toBe(0);
    expect(await readFile(plugin.marker, 'utf8')).toBe('ran\n');
  });

  it('named like an hkubectl command is reached only with `--`, and then decided as a plugin', async () => {
    const plugin = await pluginDir('approve');
    const env = { PATH: `${plugin.path}:${process.env.PATH}` };
    const asPlugin = await e2e.stack.hk(['--hk-wait', '0', '--', 'approve', 'R1'], { env });
    expect(asPlugin.code).toBe(75);
    expect(asPlugin.stderr.toString()).toContain('kubectl-approve');
    const own = await e2e.stack.hk(['approve', 'R-none', '--reason', 'x'], { env });
    expect(own.stderr.toString()).not.toContain('kubectl-approve');
    expect(existsSync(plugin.marker)).toBe(false);
  });
});

describe('the namespace the relay decides on', () => {
  /** The agent's kubeconfig, with its context's namespace set through a YAML merge key. */
  async function mergedKubeconfig(namespace: string): Promise<string> {
    const original = parse(await readFile(e2e.stack.sandbox.kubeconfigPath, 'utf8')) as { clusters: unknown; users: unknown };
    const path = join(e2e.stack.root, `merged-${namespace}.yaml`);
    await writeFile(path, `apiVersion: v1
kind: Config
current-context: merged
x-defaults: &defaults
  cluster: sandbox
  user: sandbox-user
  namespace: ${namespace}
contexts:
- name: merged
  context:
    <<: *defaults
${stringify({ clusters: original.clusters, users: original.users })}`);
    return path;
  }

  it('is the one a merge key sets, as kubectl reads it', async () => {
    const env = { KUBECONFIG: await mergedKubeconfig('kube-system') };
    for (const argv of [['scale', 'deploy/coredns', '--replicas=0'], ['scale', 'deploy/coredns', '--replicas=0', '-n', '']]) {
      const result = await e2e.stack.hk(argv, { env });
      expect(result.code).toBe(77);
      expect(result.stderr.toString()).toContain('kube-system, kube-public and kube-node-lease belong to the platform team');
    }
    const read = await e2e.stack.hk(['get', 'secrets', '-o', 'name'], { env });
    expect(read.code).toBe(77);
  });

  it('is the one the context named by --context selects', async () => {
    const path = await mergedKubeconfig('staging');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('contexts:\n', 'contexts:\n- name: platform\n  context: { cluster: sandbox, user: sandbox-user, namespace: kube-system }\n'));
    const env = { KUBECONFIG: path };
    const scaled = await e2e.stack.hk(['scale', 'deploy/web', '--replicas=1', '--context', 'platform'], { env });
    expect(scaled.code).toBe(77);
    expect(scaled.stderr.toString()).toContain('kube-system, kube-public and kube-node-lease belong to the platform team');
    const read = await e2e.stack.hk(['get', 'deployments', '-o', 'name', '--context=merged'], { env });
    expect(read.code).toBe(0);
    expect(read.stdout.toString()).toContain('deployment.apps/web');
  });

  it('lets an allowed command run where the merge key points', async () => {
    const result = await e2e.stack.hk(['get', 'deployments', '-o', 'name'], { env: { KUBECONFIG: await mergedKubeconfig('staging') } });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain('deployment.apps/web');
  });
});
