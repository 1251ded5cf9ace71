// An approval covers the content it was given for: the manifests a command reads (a file, a
// directory, stdin) are hashed by the wrapper, shown to the approver, bound into the approval's
// fingerprint at the relay, and a run reading anything else is refused with exit 77. Real kubectl,
// sandbox, dev IdP and relay (stack.ts).
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubectl } from '../helpers/run.ts';
import { useStack } from './use-stack.ts';
import { eventsOf, namesIn, newSession, readCast } from './sessions.ts';

const e2e = useStack();

const requestIdIn = (stderr: Buffer): string => /request ([0-9a-f-]{36})/.exec(stderr.toString())![1]!;
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  colour: blue\n`;
// What the agent swaps in after the approval: cluster-admin for itself, and production scaled to zero.
const takeover = [
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: agent-takeover\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: User\n  name: agent-7\n  apiGroup: rbac.authorization.k8s.io\n',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\nspec:\n  replicas: 0\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n',
].join('---\n');

async function exists(args: string[]): Promise<boolean> {
  return (await kubectl(['get', ...args, '-o', 'name'], { env: e2e.stack.env })).code === 0;
}

describe('an approval of a command that reads a file', () => {
  it('shows the approver the file contents digest, and refuses the run after m.yaml was swapped with exit 77', async () => {
    const dir = await mkdtemp(join(e2e.stack.root, 'manifests-'));
    const manifest = join(dir, 'm.yaml');
    await writeFile(manifest, configMap('settings'));
    const args = ['apply', '-f', manifest, '-n', 'prod', '--hk-reason', 'INC-88: new colour', '--hk-wait', '0'];

    const asked = await e2e.stack.hk(args);
    expect(asked.code).toBe(75);
    const requestId = requestIdIn(asked.stderr);
    const alice = e2e.stack.client('alice');
    const request = await alice.get(requestId);
    expect(request.content).toMatchObject({ documents: 1, sources: [{ kind: 'file', flag: 'filename', path: manifest, sha256: sha256(configMap('settings')), documents: 1 }] });

    const shown = await e2e.stack.hk(['approvals', 'status', requestId]);
    expect(shown.stdout.toString()).toContain(`content: file contents sha256 ${request.content!.sha256}, 1 document (${manifest})`);
    await alice.review(requestId, 'approve', 'a colour change is harmless');

    await writeFile(manifest, takeover);
    const swapped = await e2e.stack.hk(args);
    expect(swapped.code).toBe(77);
    expect(swapped.stdout.toString()).toBe('');
    expect(swapped.stderr.toString()).toMatch(new RegExp(`^hkubectl: denied by policy \\(rule writes-in-production, risk \\d+\\): the file changed since it was approved: request ${requestId} was approved for file contents sha256 ${request.content!.sha256.slice(0, 12)}…, 1 document, and this run reads file contents sha256 [0-9a-f]{12}…, 2 documents`));
    expect(await exists(['clusterrolebinding', 'agent-takeover'])).toBe(false);
    expect((await kubectl(['get', 'deployment', 'web', '-n', 'prod', '-o', 'jsonpath={.spec.replicas}'], { env: e2e.stack.env })).stdout.toString()).not.toBe('0');
    expect(await alice.get(requestId)).toMatchObject({ status: 'approved' });

    // The content that was approved still runs, once.
    await writeFile(manifest, configMap('settings'));
    const ran = await e2e.stack.hk(args);
    expect(ran.stderr.toString()).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout.toString()).toBe('configmap/settings created\n');
    expect(await alice.get(requestId)).toMatchObject({ status: 'consumed' });
  });

  it('binds a directory walked as kubectl walks it (-R, manifest extensions only), as many documents as kubectl reads', async () => {
    const dir = await mkdtemp(join(e2e.stack.root, 'tree-'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'a.yaml'), configMap('tree-a'));
    await writeFile(join(dir, 'sub', 'b.yml'), `${configMap('tree-b')}---\n${configMap('tree-c')}`);
    await writeFile(join(dir, 'notes.txt'), 'not a manifest');
    const args = ['apply', '-f', dir, '-R', '-n', 'prod', '--hk-reason', 'INC-89: tree', '--hk-wait', '0'];
    const asked = await e2e.stack.hk(args);
    expect(asked.code).toBe(75);
    const request = await e2e.stack.client('alice').get(requestIdIn(asked.stderr));
    expect(request.content!.sources.map((source) => 'path' in source && source.path)).toEqual([join(dir, 'a.yaml'), join(dir, 'sub', 'b.yml')]);
    // kubectl itself is the oracle for what it reads.
    const oracle = await kubectl(['apply', '-f', dir, '-R', '-n', 'prod', '--dry-run=client', '-o', 'name'], { env: e2e.stack.env });
    expect(oracle.code).toBe(0);
    expect(request.content!.documents).toBe(oracle.stdout.toString().trim().split('\n').length);
    await e2e.stack.client('alice').review(request.id, 'approve', 'three config maps');

    await writeFile(join(dir, 'sub', 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tree-d' } }));
    const grown = await e2e.stack.hk(args);
    expect(grown.code).toBe(77);
    expect(grown.stderr.toString()).toMatch(/the file changed since it was approved/);
    expect(await exists(['configmap', 'tree-a', '-n', 'prod'])).toBe(false);
  });
});

describe('an approval of a command that reads stdin', () => {
  it('hashes stdin once, hands kubectl that copy, and refuses other stdin with exit 77', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const args = ['apply', '-f', '-', '-n', 'prod', '--hk-reason', 'INC-90: piped', '--hk-wait', '0'];
    const asked = await e2e.stack.hk(args, { stdin: configMap('piped') });
    expect(asked.code).toBe(75);
    const requestId = requestIdIn(asked.stderr);
    const alice = e2e.stack.client('alice');
    expect((await alice.get(requestId)).content).toMatchObject({ documents: 1, sources: [{ kind: 'stdin', path: '-', sha256: sha256(configMap('piped')) }] });
    await alice.review(requestId, 'approve', 'piped config map');

    const other = await e2e.stack.hk(args, { stdin: takeover });
    expect(other.code).toBe(77);
    expect(other.stderr.toString()).toMatch(/the file changed since it was approved/);

    const ran = await e2e.stack.hk(args, { stdin: configMap('piped') });
    expect(ran.stderr.toString()).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout.toString()).toBe('configmap/piped created\n');
    const { castPath } = await newSession(e2e.stack.recordings, before);
    expect(eventsOf(await readCast(castPath), 'i')).toBe(configMap('piped'));
  });
});
