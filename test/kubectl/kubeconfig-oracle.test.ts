// kubectl is the oracle for how a kubeconfig is read: generated kubeconfigs (anchors, aliases,
// merge keys, quoting styles, several files in KUBECONFIG with missing and empty entries,
// --kubeconfig, --context) are resolved by hkubectl and by the real kubectl, and must agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { withLocalTarget } from '../../src/kubectl/local-facts.ts';
import { resolveKubeTarget } from '../../src/kubectl/kubeconfig.ts';
import { KUBECTL } from '../helpers/run.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hk-kubeconfig-oracle-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Truth = { context: string; namespace: string; server: string | null } | null;

/** kubectl's own reading: `config view --minify` for the context kubectl selects (null when kubectl refuses). */
function kubectlSays(args: string[], env: NodeJS.ProcessEnv): Truth {
  const answer = spawnSync(KUBECTL, ['config', 'view', '--minify', '-o', 'json', ...args], { env, encoding: 'utf8', input: '' });
  if (answer.status !== 0) return null;
  const config = JSON.parse(answer.stdout) as {
    'current-context': string;
    contexts: { context: { namespace?: string } }[] | null;
    clusters: { cluster: { server?: string } }[] | null;
  };
  return {
    context: config['current-context'],
    namespace: config.contexts?.[0]?.context.namespace || 'default',
    server: config.clusters?.[0]?.cluster.server ?? null,
  };
}

// ---- generated kubeconfigs -----------------------------------------------------------------
const contextNames = ['alpha', 'beta', 'prod', 'dev'];
const clusterNames = ['k1', 'k2', 'k3'];
const namespaces = ['prod', 'staging', 'kube-system', 'team-a'];

type ContextModel = { name: string; cluster: string; namespace: string | null; style: 'block' | 'flow' | 'merge' | 'merge-override' | 'merge-list' | 'alias' };
type FileModel = {
  currentContext: string | null;
  contexts: ContextModel[];
  clusters: { name: string; port: number }[];
  quote: 'plain' | 'single' | 'double';
};

const contextModel = fc.record({
  name: fc.constantFrom(...contextNames),
  cluster: fc.constantFrom(...clusterNames),
  namespace: fc.option(fc.constantFrom(...namespaces), { nil: null }),
  style: fc.constantFrom('block', 'flow', 'merge', 'merge-override', 'merge-list', 'alias') as fc.Arbitrary<ContextModel['style']>,
});

const fileModel: fc.Arbitrary<FileModel> = fc.record({
  currentContext: fc.option(fc.constantFrom(...contextNames), { nil: null, freq: 6 }),
  // Names unique within a file: client-go refuses a list naming one twice.
  contexts: fc.uniqueArray(contextModel, { selector: (c) => c.name, minLength: 1, maxLength: 4 }),
  clusters: fc.uniqueArray(fc.record({ name: fc.constantFrom(...clusterNames), port: fc.integer({ min: 1001, max: 1009 }) }), { selector: (c) => c.name, maxLength: 3 }),
  quote: fc.constantFrom('plain', 'single', 'double') as fc.Arbitrary<FileModel['quote']>,
});

function render(model: FileModel): string {
  const q = (value: string) => (model.quote === 'single' ? `'${value}'` : model.quote === 'double' ? `"${value}"` : value);
  const lines = ['apiVersion: v1', 'kind: Config'];
  if (model.currentContext !== null) lines.push(`current-context: ${q(model.currentContext)}`);
  // Anchors live under a key kubectl ignores, as people write them in practice.
  lines.push('x-anchors:');
  model.contexts.forEach((c, i) => {
    lines.push(`  base${i}: &base${i}`, `    cluster: ${q(c.cluster)}`, '    user: u');
    if (c.namespace !== null && c.style !== 'merge-override') lines.push(`    namespace: ${q(c.namespace)}`);
    lines.push(`  decoy${i}: &decoy${i}`, `    namespace: ${q('decoy')}`, `    cluster: ${q('k3')}`);
  });
  lines.push('contexts:');
  model.contexts.forEach((c, i) => {
    lines.push(`- name: ${q(c.name)}`);
    switch (c.style) {
      case 'block':
        lines.push('  context:', `    cluster: ${q(c.cluster)}`, '    user: u');
        if (c.namespace !== null) lines.push(`    namespace: ${q(c.namespace)}`);
        break;
      case 'flow':
        lines.push(`  context: {cluster: ${q(c.cluster)}, user: u${c.namespace === null ? '' : `, namespace: ${q(c.namespace)}`}}`);
        break;
      case 'merge':
        lines.push('  context:', `    <<: *base${i}`);
        break;
      case 'merge-override':
        // The merged mapping has no namespace; the explicit key (or its absence) decides.
        lines.push('  context:', `    <<: *base${i}`);
        if (c.namespace !== null) lines.push(`    namespace: ${q(c.namespace)}`);
        break;
      case 'merge-list':
        // In a list of merged mappings the earlier one wins.
        lines.push('  context:', `    <<: [*base${i}, *decoy${i}]`);
        break;
      case 'alias':
        lines.push(`  context: *base${i}`);
        break;
    }
  });
  lines.push('clusters:');
  for (const k of model.clusters) lines.push(`- name: ${q(k.name)}`, '  cluster:', `    server: ${q(`https://127.0.0.1:${k.port}`)}`);
  lines.push('users:', '- name: u', '  user: { token: generated-token }');
  return `${lines.join('\n')}\n`;
}

// The selected context is mostly one the files define (kubectl refuses to minify any other), so
// nearly every generated case is compared rather than discarded.
const scenario = fc.array(fileModel, { minLength: 1, maxLength: 3 }).chain((files) => {
  const defined = [...new Set(files.flatMap((file) => file.contexts.map((c) => c.name)))];
  const names = defined.length > 0 ? defined : contextNames;
  return fc.record({
    files: fc.constant(files),
    // Which files KUBECONFIG lists, in which order, with a missing file and empty entries mixed in.
    order: fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 5 }),
    empties: fc.boolean(),
    context: fc.option(fc.constantFrom(...names), { nil: null }),
    explicit: fc.option(fc.nat({ max: 2 }), { nil: null, freq: 3 }),
    contextSpelling: fc.constantFrom('--context=', '--context'),
  });
});

let run = 0;

describe('kubeconfig as kubectl reads it (kubectl config view --minify as the oracle)', () => {
  it('agrees on context, namespace and server for generated kubeconfigs', { timeout: 180_000 }, () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const root = mkdtempSync(join(dir, `run-${run++}-`));
        const paths = s.files.map((model, i) => {
          const path = join(root, `config-${i}.yaml`);
          writeFileSync(path, render(model));
          return path;
        });
        const listed = s.order.map((i) => paths[i] ?? join(root, 'missing.yaml'));
        const env = { PATH: process.env.PATH, HOME: root, KUBECONFIG: (s.empties ? ['', ...listed, ''] : listed).join(':') };
        const args: string[] = [];
        if (s.explicit !== null && paths[s.explicit] !== undefined) args.push('--kubeconfig', paths[s.explicit]!);
        if (s.context !== null) args.push(...(s.contextSpelling === '--context=' ? [`--context=${s.context}`] : ['--context', s.context]));
        const truth = kubectlSays(args, env);
        fc.pre(truth !== null);
        const intent = parseIntent(['get', 'pods', ...args]);
        const cacheDir = join(root, 'cache');
        for (const cache of [null, cacheDir, cacheDir]) {
          const ours = resolveKubeTarget(intent, env, cache, { kubectlPath: KUBECTL });
          expect({ context: ours.context, namespace: ours.namespace, server: ours.server }).toEqual(truth);
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe('hostile kubeconfigs', () => {
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const oracle = { kubectlPath: KUBECTL };
  const base = (namespaceBlock: string) => `apiVersion: v1
kind: Config
current-context: c
defaults: &defaults
  namespace: prod
  cluster: k
contexts:
- name: c
  context:
${namespaceBlock}
clusters:
- name: k
  cluster: { server: "https://127.0.0.1:6443" }
users:
- name: u
  user: { token: t }
`;

  it.each([
    ['a namespace set through a merge key', '    <<: *defaults\n    user: u'],
    ['a merge key after an explicit key', '    user: u\n    <<: *defaults'],
    ['a merge of a list of mappings', '    <<: [*defaults, {namespace: dev}]\n    user: u'],
    ['a duplicated namespace key (refused by the yaml reader, so kubectl is asked)', '    namespace: dev\n    namespace: prod\n    cluster: k\n    user: u'],
    ['an unknown tag on the namespace', '    namespace: !ns prod\n    cluster: k\n    user: u'],
    ['a namespace key in another case', '    Namespace: dev\n    namespace: prod\n    cluster: k\n    user: u'],
  ])('decides on the namespace kubectl uses for %s', (_name, block) => {
    const path = write(`hostile-${_name.replace(/\W+/g, '-')}.yaml`, base(block));
    const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: path };
    const truth = kubectlSays([], env);
    expect(truth).not.toBeNull();
    expect(resolveKubeTarget(parseIntent(['scale', 'deploy/web', '--replicas=0']), env, null, oracle).namespace).toBe(truth!.namespace);
  });

  it('refuses, rather than guesses, when it cannot be sure and has no kubectl to ask', () => {
    const path = write('unsure.yaml', base('    namespace: !ns prod\n    cluster: k'));
    expect(() => resolveKubeTarget(parseIntent(['get', 'pods']), { KUBECONFIG: path }, null, { kubectlPath: null }))
      .toThrow(/cannot tell which namespace and cluster kubectl will use/);
  });

  it('takes kubectl\'s word for a file the yaml reader refuses: several documents, of which kubectl reads the first', () => {
    const path = write('two-docs.yaml', `${base('    namespace: prod\n    cluster: k\n    user: u')}---\nfoo: [\n`);
    const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: path };
    expect(kubectlSays([], env)?.namespace).toBe('prod');
    expect(resolveKubeTarget(parseIntent(['get', 'pods']), env, null, oracle).namespace).toBe('prod');
  });

  it('refuses when kubectl cannot read the file either, with kubectl\'s reason', () => {
    const path = write('broken.yaml', 'current-context: c\ncontexts: [\n');
    expect(() => resolveKubeTarget(parseIntent(['get', 'pods']), { KUBECONFIG: path }, null, oracle)).toThrow(/kubectl says: error/);
  });

  it('asks kubectl about an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i += 1) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
    const path = write('bomb.yaml', `${base('    namespace: prod\n    cluster: k')}${bomb.join('\n')}\n`);
    expect(() => resolveKubeTarget(parseIntent(['get', 'pods']), { KUBECONFIG: path }, null, { kubectlPath: null })).toThrow(/cannot tell/);
  });

  it('takes a name\'s whole entry from the first file that defines it, as kubectl does', () => {
    const first = write('first.yaml', 'current-context: c\ncontexts:\n- name: c\n  context: { cluster: k, user: u }\nclusters:\n- name: k\n  cluster: { server: "https://127.0.0.1:1" }\nusers:\n- name: u\n  user: {token: t}\n');
    const second = write('second.yaml', 'contexts:\n- name: c\n  context: { cluster: k, user: u, namespace: prod }\n');
    const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: `${first}::${second}:${join(dir, 'absent')}:${first}` };
    expect(kubectlSays([], env)?.namespace).toBe('default');
    expect(resolveKubeTarget(parseIntent(['get', 'pods']), env, null, oracle).namespace).toBe('default');
  });

  it('reads -n "" as no namespace, so the context\'s namespace decides, at the wrapper and at the relay', () => {
    const path = write('ctx-prod.yaml', base('    namespace: prod\n    cluster: k\n    user: u'));
    for (const argv of [['-n', '', 'scale', 'deploy/web', '--replicas=0'], ['scale', '--namespace=', 'deploy/web', '--replicas=0'], ['scale', 'deploy/web', '-n=', '--replicas=0']]) {
      const parsed = parseIntent(argv);
      const target = resolveKubeTarget(parsed, { KUBECONFIG: path }, null, oracle);
      expect(target.namespace).toBe('prod');
      expect(withLocalTarget(argv, parsed, { namespace: target.namespace }).namespace).toBe('prod');
    }
  });

  it('follows --cluster to that cluster\'s server, as kubectl sends the request there', () => {
    const path = write('two-clusters.yaml', `current-context: c
contexts:
- name: c
  context: { cluster: k1, user: u }
clusters:
- name: k1
  cluster: { server: "https://127.0.0.1:1" }
- name: k2
  cluster: { server: "https://127.0.0.1:2" }
users:
- name: u
  user: { token: t }
`);
    const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: path };
    // kubectl -v=6 logs the URL it requests; nothing listens there, so it fails at once.
    const logged = spawnSync(KUBECTL, ['get', '--raw', '/x', '-v=6', '--cluster', 'k2', '--request-timeout=2s'], { env, encoding: 'utf8', input: '' });
    expect(logged.stderr).toContain('https://127.0.0.1:2/x');
    expect(resolveKubeTarget(parseIntent(['get', 'pods', '--cluster', 'k2']), env, null, oracle).server).toBe('https://127.0.0.1:2');
  });

  it('tells the relay whether --kubeconfig names the agent\'s own file, whatever the spelling', () => {
    const own = write('own.yaml', base('    namespace: prod\n    cluster: k\n    user: u'));
    const other = write('other.yaml', base('    namespace: dev\n    cluster: k\n    user: u'));
    symlinkSync(own, join(dir, 'own-link.yaml'));
    const env = { KUBECONFIG: own, HOME: dir };
    const factsFor = (argv: string[]) => resolveKubeTarget(parseIntent(argv), env, null, oracle).facts;
    expect(factsFor(['get', 'pods', '--kubeconfig', own])).toEqual({ kubeconfigIsOwn: true, currentContext: 'c' });
    expect(factsFor(['get', 'pods', `--kubeconfig=${join(dir, 'own-link.yaml')}`]).kubeconfigIsOwn).toBe(true);
    expect(factsFor(['get', 'pods', '--kubeconfig', `${dir}/./own.yaml`]).kubeconfigIsOwn).toBe(true);
    expect(factsFor(['get', 'pods', '--kubeconfig', other]).kubeconfigIsOwn).toBe(false);
    expect(factsFor(['get', 'pods', '--kubeconfig', other, '--kubeconfig', own]).kubeconfigIsOwn).toBe(true);
    expect(factsFor(['get', 'pods', '--kubeconfig', own, '--kubeconfig', other]).kubeconfigIsOwn).toBe(false);
  });

  it('takes the pod\'s namespace inside a pod, where the kubeconfig\'s context sets none, as client-go\'s in-cluster config does', () => {
    const serviceAccountDir = join(dir, 'serviceaccount');
    mkdirSync(serviceAccountDir, { recursive: true });
    writeFileSync(join(serviceAccountDir, 'token'), 'pod-token');
    writeFileSync(join(serviceAccountDir, 'namespace'), 'kube-system\n');
    const pod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', HOME: join(dir, 'no-home') };
    const options = { kubectlPath: null, serviceAccountDir };
    const unset = write('ctx-unset.yaml', base('    cluster: k\n    user: u'));
    const explicit = write('ctx-default.yaml', base('    namespace: default\n    cluster: k\n    user: u'));
    const resolve = (argv: string[], env: NodeJS.ProcessEnv) => resolveKubeTarget(parseIntent(argv), env, null, options);
    expect(resolve(['get', 'pods'], { ...pod, KUBECONFIG: unset }).namespace).toBe('kube-system');
    expect(resolve(['get', 'pods'], { ...pod, KUBECONFIG: unset, POD_NAMESPACE: 'payments-prod' }).namespace).toBe('payments-prod');
    expect(resolve(['get', 'pods'], { ...pod, KUBECONFIG: explicit }).namespace).toBe('default');
    expect(resolve(['get', 'pods', '-n', 'dev'], { ...pod, KUBECONFIG: unset }).namespace).toBe('dev');
    expect(resolve(['get', 'pods'], { KUBECONFIG: unset, HOME: dir }).namespace).toBe('default');
    // No kubeconfig at all: the in-cluster API server, in the pod's namespace.
    expect(resolve(['get', 'pods'], pod)).toMatchObject({ server: 'https://10.96.0.1:443', namespace: 'kube-system' });
  });
});
