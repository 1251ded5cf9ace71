// The wrapper's reading of kubeconfig must agree with kubectl's own: real kubectl is the oracle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { resolveKubeTarget } from '../../src/kubectl/kubeconfig.ts';
import { KUBECTL, kubectl } from '../helpers/run.ts';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-kubeconfig-'));
  await writeFile(file('a'), `apiVersion: v1
kind: Config
current-context: prod-ctx
contexts:
- name: prod-ctx
  context: { cluster: prod-cluster, user: u, namespace: prod }
- name: dev-ctx
  context: { cluster: dev-cluster, user: u }
clusters:
- name: prod-cluster
  cluster: { server: "https://127.0.0.1:6443" }
- name: dev-cluster
  cluster: { server: "https://127.0.0.1:7443" }
users:
- name: u
  user: {}
`);
  await writeFile(file('b'), `apiVersion: v1
kind: Config
current-context: dev-ctx
contexts:
- name: staging-ctx
  context: { cluster: dev-cluster, namespace: staging }
`);
  await writeFile(file('broken'), 'contexts: [\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function kubectlSays(args: string[], env: NodeJS.ProcessEnv): Promise<{ context: string; namespace: string; server: string }> {
  const jsonpath = (path: string) => kubectl(['config', 'view', '--minify', ...args, '-o', `jsonpath=${path}`], { env });
  const [context, namespace, server] = await Promise.all([
    jsonpath('{.current-context}'),
    jsonpath('{.contexts[0].context.namespace}'),
    jsonpath('{.clusters[0].cluster.server}'),
  ]);
  return { context: context.stdout.toString(), namespace: namespace.stdout.toString() || 'default', server: server.stdout.toString() };
}

describe('resolveKubeTarget', () => {
  it.each([
    ['the current context of a single file', [] as string[], () => ({ KUBECONFIG: file('a') })],
    ['--context over current-context', ['--context', 'dev-ctx'], () => ({ KUBECONFIG: file('a') })],
    ['the first file in KUBECONFIG that sets current-context', [], () => ({ KUBECONFIG: `${file('b')}:${file('a')}` })],
    ['a context defined in a later file', ['--context', 'staging-ctx'], () => ({ KUBECONFIG: `${file('a')}:${file('b')}` })],
    ['--kubeconfig over KUBECONFIG', () => ['--kubeconfig', file('a')], () => ({ KUBECONFIG: file('b') })],
  ] as const)('agrees with kubectl on %s, parsed and from the cache', async (_name, argsOrFn, envFn) => {
    const args = typeof argsOrFn === 'function' ? argsOrFn() : [...argsOrFn];
    const env = { ...process.env, HOME: dir, ...envFn() };
    const cacheDir = await mkdtemp(join(dir, 'cache-'));
    const truth = await kubectlSays(args, env);
    const intent = parseIntent(['get', 'pods', ...args]);
    for (const target of [resolveKubeTarget(intent, env), resolveKubeTarget(intent, env, cacheDir), resolveKubeTarget(intent, env, cacheDir)]) {
      expect({ context: target.context, namespace: target.namespace, server: target.server }).toEqual(truth);
    }
    expect((await readdir(cacheDir)).length).toBeGreaterThan(0);
  });

  it('keeps names, servers and namespaces of a kubeconfig in the cache, never users or their credentials', async () => {
    await writeFile(file('with-credentials'), `apiVersion: v1
kind: Config
current-context: c
contexts:
- name: c
  context: { cluster: k, user: u, namespace: payments }
clusters:
- name: k
  cluster: { server: "https://127.0.0.1:6443", certificate-authority-data: Q0EtREFUQQ== }
users:
- name: u
  user: { token: kubeconfig-bearer-value, client-key-data: S0VZLURBVEE= }
`);
    const cacheDir = await mkdtemp(join(dir, 'cache-'));
    const target = resolveKubeTarget(parseIntent(['get', 'pods']), { KUBECONFIG: file('with-credentials') }, cacheDir);
    expect(target).toEqual({
      context: 'c', cluster: 'k', server: 'https://127.0.0.1:6443', namespace: 'payments', facts: { kubeconfigIsOwn: false, currentContext: 'c' },
    });
    const [entry] = await readdir(cacheDir);
    const cached = await readFile(join(cacheDir, entry!), 'utf8');
    expect(JSON.parse(cached).result).toEqual({
      currentContext: 'c', contexts: [{ name: 'c', cluster: 'k', namespace: 'payments' }], clusters: [{ name: 'k', server: 'https://127.0.0.1:6443' }], uncertain: null,
    });
    expect(cached).not.toMatch(/kubeconfig-bearer-value|S0VZLURBVEE=|Q0EtREFUQQ==|"u"/);
  });

  it('reads a kubeconfig again once it changes, whatever the cache holds', async () => {
    const cacheDir = await mkdtemp(join(dir, 'cache-'));
    const path = file('changing');
    await writeFile(path, 'current-context: one\ncontexts:\n- name: one\n  context: { namespace: dev }\n');
    expect(resolveKubeTarget(parseIntent(['get', 'pods']), { KUBECONFIG: path }, cacheDir).namespace).toBe('dev');
    await writeFile(path, 'current-context: one\ncontexts:\n- name: one\n  context: { namespace: prod }\n');
    expect(resolveKubeTarget(parseIntent(['get', 'pods']), { KUBECONFIG: path }, cacheDir).namespace).toBe('prod');
  });

  it('lets -n win over the context namespace', () => {
    const target = resolveKubeTarget(parseIntent(['get', 'pods', '-n', 'staging']), { KUBECONFIG: file('a') });
    expect(target.namespace).toBe('staging');
  });

  it('skips KUBECONFIG entries that do not exist, as kubectl does', () => {
    const target = resolveKubeTarget(parseIntent(['get', 'pods']), { KUBECONFIG: `${file('missing')}:${file('a')}` });
    expect(target.context).toBe('prod-ctx');
  });

  it('refuses a kubeconfig it cannot parse rather than guessing the namespace, with or without a cache', async () => {
    expect(() => resolveKubeTarget(parseIntent(['get', 'pods']), { KUBECONFIG: file('broken') })).toThrow(/is not valid YAML as kubectl reads it/);
    const cacheDir = await mkdtemp(join(dir, 'cache-'));
    expect(() => resolveKubeTarget(parseIntent(['get', 'pods']), { KUBECONFIG: file('broken') }, cacheDir)).toThrow(/is not valid YAML as kubectl reads it/);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('resolves a gateway-mode kubeconfig that names a cluster and nothing else: no server, no user, no credentials', async () => {
    await writeFile(file('gateway-only'), 'apiVersion: v1\nkind: Config\ncurrent-context: prod\ncontexts:\n- name: prod\n  context: { cluster: prod-eu, namespace: payments }\n- name: dev\n  context: { cluster: dev-eu }\n');
    const oracle = { kubectlPath: KUBECTL };
    expect(resolveKubeTarget(parseIntent(['get', 'pods']), { KUBECONFIG: file('gateway-only') }, null, oracle)).toEqual({
      context: 'prod', cluster: 'prod-eu', server: null, namespace: 'payments', facts: { kubeconfigIsOwn: false, currentContext: 'prod' },
    });
    const dev = resolveKubeTarget(parseIntent(['--context', 'dev', 'get', 'pods']), { KUBECONFIG: file('gateway-only') }, null, oracle);
    expect({ cluster: dev.cluster, namespace: dev.namespace }).toEqual({ cluster: 'dev-eu', namespace: 'default' });
    // kubectl reads the same file the same way (it would only fail later, for want of a server).
    const says = await kubectl(['config', 'view', '-o', 'json'], { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: file('gateway-only') } });
    const view = JSON.parse(says.stdout.toString()) as { 'current-context': string; contexts: Array<{ name: string; context: { cluster: string; namespace?: string } }> };
    expect(view['current-context']).toBe('prod');
    expect(view.contexts.find((entry) => entry.name === 'prod')?.context).toMatchObject({ cluster: 'prod-eu', namespace: 'payments' });
  });

  it('refuses a --kubeconfig that does not exist', () => {
    expect(() => resolveKubeTarget(parseIntent(['get', 'pods', '--kubeconfig', file('nope')]), {})).toThrow(/cannot read kubeconfig/);
  });
});
