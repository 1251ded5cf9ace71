// Server-side dry run on every write verb, through the real kubectl: the answer is what the write
// would return (validated, defaulted), and the store does not move — its global resourceVersion,
// which every write bumps, is the same before and after.
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.ts';
import { startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  expect((await h.kubectl(['create', 'namespace', 'ops'])).code).toBe(0);
  expect((await h.kubectl(['create', 'configmap', 'settings', '-n', 'ops', '--from-literal=mode=live'])).code).toBe(0);
  expect((await h.kubectl(['create', 'configmap', 'extra', '-n', 'ops', '--from-literal=a=b'])).code).toBe(0);
  expect((await h.kubectl(['create', 'deployment', 'shop', '-n', 'ops', '--image=shop:1', '--replicas=2'])).code).toBe(0);
  // Let the controllers finish (ReplicaSet, pods Running) so that only our requests could write.
  expect((await h.kubectl(['rollout', 'status', 'deployment/shop', '-n', 'ops', '--timeout=30s'])).code).toBe(0);
  // …and until nothing moves any more (status updates after the rollout), or the checks below
  // would see the controllers' writes as ours.
  for (let last = '', now = await revision(); now !== last; last = now, now = await revision()) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});
afterAll(() => h?.stop());

function raw(method: string, path: string, body?: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, h.sandbox.url), { method, ca: h.sandbox.caPem, headers: { authorization: `Bearer ${h.sandbox.token}`, 'content-type': 'application/json', ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The store's revision: every create, update and delete anywhere bumps it. */
async function revision(): Promise<string> {
  return (await raw('GET', '/api/v1/namespaces')).json.metadata.resourceVersion;
}

/** Runs kubectl and checks that the store is exactly where it was. */
async function unchanged(args: string[], stdin?: string) {
  const before = await revision();
  const r = await h.kubectl(args, stdin);
  expect(await revision()).toBe(before);
  return r;
}

const configmap = (data: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ops}
data: {mode: ${data}}
`;

describe('server-side dry run', () => {
  it('create answers with the defaulted object and stores nothing', async () => {
    const r = await unchanged(['create', 'deployment', 'preview', '-n', 'ops', '--image=shop:2', '--dry-run=server', '-o', 'json']);
    expect(r.code).toBe(0);
    const preview = JSON.parse(r.stdout);
    expect(preview.spec.strategy.type).toBe('RollingUpdate');
    expect(preview.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect((await h.kubectl(['get', 'deployment', 'preview', '-n', 'ops'])).stderr).toContain('NotFound');
  });

  it('create still validates: an invalid object is refused as the write would be', async () => {
    const bad = `apiVersion: apps/v1
kind: Deployment
metadata: {name: bad, namespace: ops}
spec:
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: b}}, spec: {containers: [{name: c, image: i}]}}
`;
    const r = await unchanged(['apply', '-f', '-', '--dry-run=server'], bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('`selector` does not match template `labels`');
  });

  it('apply (patch), replace (update) and patch answer with the changed object and change nothing', async () => {
    const applied = await unchanged(['apply', '-f', '-', '--dry-run=server', '-o', 'jsonpath={.data.mode}'], configmap('applied'));
    expect([applied.code, applied.stdout]).toEqual([0, 'applied']);
    const replaced = await unchanged(['replace', '-f', '-', '--dry-run=server', '-o', 'jsonpath={.data.mode}'], configmap('replaced'));
    expect([replaced.code, replaced.stdout]).toEqual([0, 'replaced']);
    const patched = await unchanged(['patch', 'configmap', 'settings', '-n', 'ops', '-p', '{"data":{"mode":"patched"}}', '--dry-run=server', '-o', 'jsonpath={.data.mode}']);
    expect([patched.code, patched.stdout]).toEqual([0, 'patched']);
    const labelled = await unchanged(['label', 'configmap', 'settings', '-n', 'ops', 'tier=gold', '--dry-run=server']);
    expect(labelled.code).toBe(0);
    expect((await h.kubectl(['get', 'configmap', 'settings', '-n', 'ops', '-o', 'jsonpath={.data.mode} {.metadata.labels}'])).stdout).toBe('live ');
  });

  it('scale (the scale subresource) changes no replica count', async () => {
    const r = await unchanged(['scale', 'deployment', 'shop', '-n', 'ops', '--replicas=5', '--dry-run=server']);
    expect(r.code).toBe(0);
    expect((await h.kubectl(['get', 'deployment', 'shop', '-n', 'ops', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('2');
  });

  it('delete of one object, of everything (--all) and of a namespace deletes nothing', async () => {
    expect((await unchanged(['delete', 'configmap', 'settings', '-n', 'ops', '--dry-run=server'])).stdout).toBe('configmap "settings" deleted (server dry run)\n');
    expect((await unchanged(['delete', 'configmaps', '--all', '-n', 'ops', '--dry-run=server'])).code).toBe(0);
    expect((await unchanged(['delete', 'deployment', 'shop', '-n', 'ops', '--dry-run=server'])).code).toBe(0);
    expect((await unchanged(['delete', 'namespace', 'ops', '--dry-run=server'])).code).toBe(0);
    expect((await h.kubectl(['get', 'configmaps', '-n', 'ops', '-o', 'name'])).stdout).toBe('configmap/extra\nconfigmap/settings\n');
    expect((await h.kubectl(['get', 'namespace', 'ops', '-o', 'jsonpath={.status.phase}'])).stdout).toBe('Active');
  });

  it('deletecollection with dryRun=All answers the list it would delete and deletes none of it', async () => {
    const before = await revision();
    const r = await raw('DELETE', '/api/v1/namespaces/ops/configmaps?dryRun=All');
    expect(r.status).toBe(200);
    expect(r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(expect.arrayContaining(['extra', 'settings']));
    const viaBody = await raw('DELETE', '/api/v1/namespaces/ops/configmaps', JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] }));
    expect(viaBody.status).toBe(200);
    expect(await revision()).toBe(before);
  });

  it('refuses a dryRun value it does not know instead of writing', async () => {
    const before = await revision();
    const r = await raw('POST', '/api/v1/namespaces/ops/configmaps?dryRun=all', JSON.stringify({ metadata: { name: 'sneaky' } }));
    expect([r.status, r.json.message]).toEqual([422, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"all"}: supported values: "All"']);
    const del = await raw('DELETE', '/api/v1/namespaces/ops/configmaps/settings', JSON.stringify({ dryRun: ['Al'] }));
    expect([del.status, del.json.message]).toEqual([422, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Al"}: supported values: "All"']);
    expect(await revision()).toBe(before);
  });
});

describe('the all-namespaces path of a namespaced kind', () => {
  it('only lists: a create or deletecollection there is 405 and writes nothing', async () => {
    const before = await revision();
    expect((await raw('POST', '/api/v1/configmaps', JSON.stringify({ metadata: { name: 'anywhere', namespace: 'ops' } }))).status).toBe(405);
    expect((await raw('DELETE', '/api/v1/configmaps')).status).toBe(405);
    expect((await raw('GET', '/api/v1/configmaps')).status).toBe(200);
    expect(await revision()).toBe(before);
  });
});
