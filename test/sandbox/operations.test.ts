// Writes through the real kubectl: apply, patch (all three types), replace, label/annotate,
// scale, rollouts, deletes and namespace cascades, as they behave on a real cluster.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.ts';
import { startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  expect((await h.kubectl(['create', 'namespace', 'ops'])).code).toBe(0);
});
afterAll(() => h?.stop());

const deployment = (replicas: number, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: ops
  labels: {app: shop}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: shop
        image: ${image}
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: live}]
`;

const json = async (args: string[]) => JSON.parse((await h.kubectl([...args, '-o', 'json'])).stdout);

describe('apply', () => {
  it('creates, then updates in place, and the controller makes Running pods', async () => {
    const file = join(h.dir, 'shop.yaml');
    writeFileSync(file, deployment(2, 'shop:1'));
    const created = await h.kubectl(['apply', '-f', file]);
    expect(created).toMatchObject({ code: 0, stdout: 'deployment.apps/shop created\n', stderr: '' });
    writeFileSync(file, deployment(3, 'shop:2'));
    const updated = await h.kubectl(['apply', '-f', file]);
    expect(updated).toMatchObject({ code: 0, stdout: 'deployment.apps/shop configured\n' });
    const again = await h.kubectl(['apply', '-f', file]);
    expect(again.stdout).toBe('deployment.apps/shop unchanged\n');
    const status = await h.kubectl(['rollout', 'status', 'deployment/shop', '-n', 'ops', '--timeout=20s']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "shop" successfully rolled out');
    const pods = await json(['get', 'pods', '-n', 'ops', '-l', 'app=shop']);
    expect(pods.items).toHaveLength(3);
    expect(pods.items.every((p: any) => p.status.phase === 'Running' && p.spec.containers[0].image === 'shop:2')).toBe(true);
    const d = await json(['get', 'deploy', 'shop', '-n', 'ops']);
    expect(d.metadata.generation).toBe(2);
    expect(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('shop:2');
  });
});

describe('patch', () => {
  it('applies strategic merge patches by list key, merge patches and JSON patches', async () => {
    const strategic = await h.kubectl(['patch', 'deploy', 'shop', '-n', 'ops', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"shop","env":[{"name":"EXTRA","value":"1"}]}]}}}}']);
    expect(strategic).toMatchObject({ code: 0, stdout: 'deployment.apps/shop patched\n' });
    let d = await json(['get', 'deploy', 'shop', '-n', 'ops']);
    expect(d.spec.template.spec.containers).toHaveLength(1);
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'MODE', value: 'live' }, { name: 'EXTRA', value: '1' }]);
    expect(d.spec.template.spec.containers[0].image).toBe('shop:2');

    expect((await h.kubectl(['patch', 'deploy', 'shop', '-n', 'ops', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"front"}}}'])).code).toBe(0);
    expect((await h.kubectl(['patch', 'deploy', 'shop', '-n', 'ops', '--type=json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"shop:3"}]'])).code).toBe(0);
    d = await json(['get', 'deploy', 'shop', '-n', 'ops']);
    expect(d.metadata.labels).toEqual({ app: 'shop', tier: 'front' });
    expect(d.spec.template.spec.containers[0].image).toBe('shop:3');

    const bad = await h.kubectl(['patch', 'deploy', 'shop', '-n', 'ops', '--type=json', '-p', '[{"op":"remove","path":"/spec/nothing"}]']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('The request is invalid');
  });

  it('creates a generic secret from literals with base64 data (kubectl sends it as protobuf)', async () => {
    const r = await h.kubectl(['create', 'secret', 'generic', 'db', '-n', 'ops', '--from-literal=user=app', '--from-literal=password=p@ss word']);
    expect(r).toMatchObject({ code: 0, stdout: 'secret/db created\n' });
    const secret = await json(['get', 'secret', 'db', '-n', 'ops']);
    expect(secret.type).toBe('Opaque');
    expect(secret.data).toEqual({ user: Buffer.from('app').toString('base64'), password: Buffer.from('p@ss word').toString('base64') });
  });

  it('replaces an object and refuses a stale resourceVersion', async () => {
    const cm = await h.kubectl(['create', 'configmap', 'settings', '-n', 'ops', '--from-literal=a=1', '-o', 'json']);
    expect(cm.code).toBe(0);
    const obj = JSON.parse(cm.stdout);
    const file = join(h.dir, 'cm.json');
    writeFileSync(file, JSON.stringify({ ...obj, data: { a: '2' } }));
    expect((await h.kubectl(['replace', '-f', file])).stdout).toBe('configmap/settings replaced\n');
    const stale = await h.kubectl(['replace', '-f', file]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again');
  });
});

describe('metadata verbs', () => {
  it('labels, annotates and scales', async () => {
    expect((await h.kubectl(['label', 'deploy', 'shop', '-n', 'ops', 'team=pay'])).stdout).toBe('deployment.apps/shop labeled\n');
    expect((await h.kubectl(['annotate', 'deploy', 'shop', '-n', 'ops', 'owner=alice'])).stdout).toBe('deployment.apps/shop annotated\n');
    expect((await h.kubectl(['scale', 'deploy', 'shop', '-n', 'ops', '--replicas=1'])).stdout).toBe('deployment.apps/shop scaled\n');
    const wait = await h.kubectl(['wait', '--for=jsonpath={.status.replicas}=1', 'deploy/shop', '-n', 'ops', '--timeout=20s']);
    expect(wait.code).toBe(0);
    const d = await json(['get', 'deploy', 'shop', '-n', 'ops']);
    expect(d.metadata.labels.team).toBe('pay');
    expect(d.metadata.annotations.owner).toBe('alice');
    expect((await json(['get', 'pods', '-n', 'ops', '-l', 'app=shop'])).items).toHaveLength(1);
  });

  it('restarts a rollout with a new ReplicaSet and reports it in describe and events', async () => {
    const before = (await json(['get', 'pods', '-n', 'ops', '-l', 'app=shop'])).items[0].metadata.name;
    expect((await h.kubectl(['rollout', 'restart', 'deploy/shop', '-n', 'ops'])).stdout).toBe('deployment.apps/shop restarted\n');
    expect((await h.kubectl(['rollout', 'status', 'deploy/shop', '-n', 'ops', '--timeout=20s'])).code).toBe(0);
    const after = (await json(['get', 'pods', '-n', 'ops', '-l', 'app=shop'])).items.map((p: any) => p.metadata.name);
    expect(after).toHaveLength(1);
    expect(after).not.toContain(before);
    const describe = await h.kubectl(['describe', 'deploy', 'shop', '-n', 'ops']);
    expect(describe.code).toBe(0);
    expect(describe.stdout).toMatch(/Replicas:\s+1 desired \| 1 updated \| 1 total \| 1 available \| 0 unavailable/);
    expect(describe.stdout).toContain('ScalingReplicaSet');
    const events = await h.kubectl(['get', 'events', '-n', 'ops']);
    expect(events.stdout).toMatch(/Normal\s+ScalingReplicaSet\s+deployment\/shop/);
  });
});

describe('delete', () => {
  it('deletes by name, by label and --all', async () => {
    for (const n of ['a', 'b', 'c']) await h.kubectl(['create', 'configmap', `del-${n}`, '-n', 'ops', `--from-literal=k=${n}`]);
    await h.kubectl(['label', 'cm', 'del-b', 'del-c', '-n', 'ops', 'gone=yes']);
    expect((await h.kubectl(['delete', 'cm', 'del-a', '-n', 'ops'])).stdout).toBe('configmap "del-a" deleted\n');
    expect((await h.kubectl(['delete', 'cm', '-n', 'ops', '-l', 'gone=yes'])).stdout).toBe('configmap "del-b" deleted\nconfigmap "del-c" deleted\n');
    expect((await h.kubectl(['delete', 'pods', '--all', '-n', 'ops'])).code).toBe(0);
    const missing = await h.kubectl(['delete', 'cm', 'del-a', '-n', 'ops']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): configmaps "del-a" not found\n');
  });

  it('deletes a deployment with its ReplicaSets and pods, and a namespace with everything in it', async () => {
    expect((await h.kubectl(['create', 'deployment', 'tmp', '-n', 'ops', '--image=busybox', '--replicas=2'])).code).toBe(0);
    await h.kubectl(['rollout', 'status', 'deploy/tmp', '-n', 'ops', '--timeout=20s']);
    expect((await h.kubectl(['delete', 'deploy', 'tmp', '-n', 'ops'])).code).toBe(0);
    const wait = await h.kubectl(['wait', '--for=delete', 'pod', '-l', 'app=tmp', '-n', 'ops', '--timeout=20s']);
    expect(wait.code).toBe(0);
    expect((await json(['get', 'rs', '-n', 'ops', '-l', 'app=tmp'])).items).toHaveLength(0);

    const gone = await h.kubectl(['delete', 'namespace', 'ops', '--timeout=30s']);
    expect(gone).toMatchObject({ code: 0, stdout: 'namespace "ops" deleted\n' });
    expect((await h.kubectl(['get', 'ns', 'ops'])).stderr).toBe('Error from server (NotFound): namespaces "ops" not found\n');
    expect((await h.kubectl(['get', 'all', '-n', 'ops'])).stderr).toContain('No resources found in ops namespace.');
  });
});
