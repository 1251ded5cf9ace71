// The sandbox as kubectl sees it: TLS against the generated CA, bearer auth, discovery, reads
// with server-side tables, and apiserver-shaped errors.
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSandboxContext } from '../../src/sandbox/index.ts';
import { parseSeedYaml } from '../../src/sandbox/seed.ts';
import { DEMO_SEED } from '../../src/sandbox/seeds/demo.ts';
import type { Harness } from './harness.ts';
import { startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seed: parseSeedYaml(DEMO_SEED) });
});
afterAll(() => h?.stop());

function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const url = new URL(path, h.sandbox.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: h.sandbox.caPem, headers: { authorization: `Bearer ${h.sandbox.token}`, 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('connection', () => {
  it('writes a kubeconfig whose context is marked as a sandbox and verifies TLS against its CA', async () => {
    const config = parseYaml(readFileSync(h.sandbox.kubeconfigPath, 'utf8'));
    expect(config['current-context']).toBe('sandbox');
    expect(isSandboxContext(config, 'sandbox')).toBe(true);
    expect(config.clusters[0].cluster['insecure-skip-tls-verify']).toBeUndefined();
    const r = await h.kubectl(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).serverVersion.gitVersion).toMatch(/^v1\.32\./);
  });

  it('answers 401 with a Status to a wrong bearer token, and kubectl fails', async () => {
    const r = await raw('GET', '/api/v1/pods', undefined, { authorization: 'Bearer wrong' });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    const k = await h.kubectl(['get', 'pods', '--token', 'wrong']);
    expect(k.code).toBe(1);
    expect(k.stderr).toMatch(/Unauthorized|must be logged in/);
  });
});

describe('discovery', () => {
  it('lists the served kinds in kubectl api-resources', async () => {
    const r = await h.kubectl(['api-resources', '--no-headers']);
    expect(r.code).toBe(0);
    for (const line of [/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m, /^clusterrolebindings\s+rbac.authorization.k8s.io\/v1\s+false\s+ClusterRoleBinding$/m]) {
      expect(r.stdout).toMatch(line);
    }
  });

  it('answers an unknown resource like the apiserver', async () => {
    const k = await h.kubectl(['get', 'widgets']);
    expect(k.code).toBe(1);
    expect(k.stderr).toContain('the server doesn\'t have a resource type "widgets"');
    const r = await raw('GET', '/apis/apps/v1/namespaces/prod/widgets');
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  });
});

describe('get', () => {
  it('prints server-side tables with AGE and READY columns across namespaces', async () => {
    const r = await h.kubectl(['get', 'pods', '-A']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(r.stdout).toMatch(/^prod\s+web-\w+-\w{5}\s+1\/1\s+Running\s+0\s+\d+s$/m);
    expect(r.stdout).toMatch(/^staging\s+web-\w+-\w{5}\s+1\/1\s+Running/m);
  });

  it('shows the wide columns and filters by label selector', async () => {
    const r = await h.kubectl(['get', 'deploy', '-n', 'prod', '-o', 'wide', '-l', 'app=web']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    expect(r.stdout).toMatch(/^web\s+3\/3\s+3\s+3\s+\S+\s+web\s+nginx:1.27\s+app=web$/m);
    expect(r.stdout).not.toContain('payments-api');
  });

  it('prints yaml, json, name and jsonpath', async () => {
    const yaml = await h.kubectl(['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'yaml']);
    const secret = parseYaml(yaml.stdout);
    expect(secret.kind).toBe('Secret');
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('s3cr3t-Pa55w0rd!');
    expect(secret.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(secret.metadata.resourceVersion).toMatch(/^\d+$/);
    const json = JSON.parse((await h.kubectl(['get', 'cm', 'app-config', '-n', 'prod', '-o', 'json'])).stdout);
    expect(json.data.LOG_LEVEL).toBe('info');
    const names = await h.kubectl(['get', 'deploy', '-n', 'prod', '-o', 'name']);
    expect(names.stdout).toBe('deployment.apps/payments-api\ndeployment.apps/web\n');
    const path = await h.kubectl(['get', 'deploy', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}']);
    expect(path.stdout).toBe('1');
  });

  it('pages through long lists with continue tokens', async () => {
    const r = await raw('GET', '/api/v1/namespaces/prod/pods?limit=2');
    expect(r.json.items).toHaveLength(2);
    expect(r.json.metadata.continue).toBeTruthy();
    const rest = await raw('GET', `/api/v1/namespaces/prod/pods?limit=100&continue=${r.json.metadata.continue}`);
    expect(rest.json.items.length).toBeGreaterThan(0);
    expect(rest.json.items.map((p: any) => p.metadata.name)).not.toContain(r.json.items[0].metadata.name);
  });

  it('streams changes with get -w', async () => {
    const { spawn } = await import('node:child_process');
    const { KUBECTL } = await import('../helpers/run.ts');
    const watcher = spawn(KUBECTL, ['get', 'pods', '-n', 'staging', '-w'], { env: h.env });
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      for (let i = 0; i < 100 && !out.includes('NAME'); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect((await h.kubectl(['run', 'watched', '-n', 'staging', '--image=busybox'])).code).toBe(0);
      for (let i = 0; i < 100 && !/watched\s+1\/1\s+Running/.test(out); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(out.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
      expect(out).toMatch(/^watched\s+0\/1\s+Pending/m);
      expect(out).toMatch(/^watched\s+1\/1\s+Running/m);
    } finally {
      watcher.kill();
    }
  });

  it('describes a pod with its events in the order they happened', async () => {
    const r = await h.kubectl(['describe', 'pod', 'echo', '-n', 'prod']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Status:\s+Running$/m);
    const reasons = [...r.stdout.matchAll(/^\s+Normal\s+(\w+)\s/gm)].map((m) => m[1]);
    expect(reasons).toEqual(['Scheduled', 'Pulled', 'Created', 'Started']);
  });

  it('says NotFound for a missing object', async () => {
    const r = await h.kubectl(['get', 'pod', 'nope', '-n', 'prod']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });
});

describe('errors', () => {
  it('rejects malformed JSON and YAML bodies with 400 Status', async () => {
    const bad = await raw('POST', '/api/v1/namespaces/prod/configmaps', '{"metadata": ');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    const badYaml = await raw('POST', '/api/v1/namespaces/prod/configmaps', 'a: [', { 'content-type': 'application/yaml' });
    expect(badYaml.status).toBe(400);
    const notObject = await raw('POST', '/api/v1/namespaces/prod/configmaps', '[1,2]');
    expect(notObject.status).toBe(400);
  });

  it('answers AlreadyExists and a stale resourceVersion with 409', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'race', namespace: 'prod' }, data: { n: '0' } };
    expect((await raw('POST', '/api/v1/namespaces/prod/configmaps', JSON.stringify(cm))).status).toBe(201);
    const again = await raw('POST', '/api/v1/namespaces/prod/configmaps', JSON.stringify(cm));
    expect(again.status).toBe(409);
    expect(again.json.reason).toBe('AlreadyExists');
    const current = (await raw('GET', '/api/v1/namespaces/prod/configmaps/race')).json;
    const writes = await Promise.all([1, 2, 3].map((n) => raw('PUT', '/api/v1/namespaces/prod/configmaps/race', JSON.stringify({ ...current, data: { n: String(n) } }))));
    expect(writes.map((w) => w.status).sort()).toEqual([200, 409, 409]);
    expect(writes.find((w) => w.status === 409)!.json.reason).toBe('Conflict');
  });

  it('rejects an invalid Deployment with 422 Invalid', async () => {
    const r = await h.kubectl(['apply', '-f', '-'], 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken, namespace: prod}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec: {containers: [{name: c, image: busybox}]}\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Deployment "broken" is invalid: spec.template.metadata.labels');
  });
});
