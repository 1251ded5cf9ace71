// Clients other than kubectl's defaults, governed the same way: curl writing what kubectl would
// refuse to send, bodies the gateway cannot read, and kubectl's SPDY fallback for exec.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KUBECTL, run } from '../../../helpers/run.ts';
import type { GatewaySession } from './gateway-world.ts';
import { useGatewayWorld } from './use-gateway-world.ts';

const gw = useGatewayWorld();

async function curl(session: GatewaySession, method: string, path: string, body: string, contentType: string): Promise<{ status: number; body: string }> {
  const caFile = join(gw.world.root, 'relay-ca.pem');
  await writeFile(caFile, session.grant.caPem!);
  const result = await run('curl', [
    '-sS', '--cacert', caFile, '-o', '-', '-w', '\n%{http_code}', '-X', method, '-H', `Authorization: Bearer ${session.grant.token}`,
    '-H', `Content-Type: ${contentType}`, '--data-binary', body, `${session.grant.server}${path}`,
  ], { timeoutMs: 30_000 });
  const text = result.stdout.toString('utf8');
  const cut = text.lastIndexOf('\n');
  return { status: Number(text.slice(cut + 1)), body: text.slice(0, cut) };
}

const resourceRequests = () => gw.seen.filter((line) => line.includes('/namespaces/')).length;

describe('a client that is not kubectl', () => {
  it('is refused a privileged pod and a namespace delete by the policy, and a body the gateway cannot read with 415; nothing reaches the cluster', async () => {
    const session = await gw.session(['create', 'deployment', 'web2', '--image=nginx', '-n', 'staging'], { namespace: 'staging', cluster: 'watched' });
    const before = resourceRequests();
    const pod = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root', namespace: 'staging' }, spec: { hostPID: true, containers: [{ name: 'c', image: 'busybox' }] } });
    const deployment = JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web2', namespace: 'staging' },
      spec: { selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] } } },
    });
    const privileged = await curl(session, 'POST', '/apis/apps/v1/namespaces/staging/deployments', deployment, 'application/json');
    expect(privileged.status).toBe(403);
    expect(JSON.parse(privileged.body)).toMatchObject({ kind: 'Status', reason: 'Forbidden', message: expect.stringContaining('no-pod-escapes') });
    const yaml = await curl(session, 'POST', '/apis/apps/v1/namespaces/staging/deployments', `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web2}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers: [{name: c, image: nginx}]\n`, 'application/yaml');
    expect(yaml.body).toContain('no-pod-escapes');
    const cbor = await curl(session, 'POST', '/apis/apps/v1/namespaces/staging/deployments', '\xa1ab', 'application/cbor');
    expect(cbor.status).toBe(415);
    expect(JSON.parse(cbor.body)).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
    // Outside the scope (a Pod, not the Deployment the command named) before the policy even looks.
    expect((await curl(session, 'POST', '/api/v1/namespaces/staging/pods', pod, 'application/json')).status).toBe(403);
    expect(resourceRequests()).toBe(before);
    await gw.close(session.sessionId);

    const deleting = await gw.session(['delete', 'pod', 'x', '-n', 'staging'], { namespace: 'staging', cluster: 'watched' });
    const ns = await curl(deleting, 'DELETE', '/api/v1/namespaces/staging', '', 'application/json');
    expect(ns.status).toBe(403);
    expect(resourceRequests()).toBe(before);
    await gw.close(deleting.sessionId);
  }, 60_000);

  it('passes kubectl\'s SPDY upgrade for exec to the cluster, whose own answer reaches kubectl (the sandbox speaks WebSocket only)', async () => {
    const session = await gw.session(['exec', 'echo', '-n', 'prod', '--', 'echo', 'over-spdy'], { reason: 'SPDY fallback' });
    const result = await run(KUBECTL, ['exec', 'echo', '-n', 'prod', '--', 'echo', 'over-spdy'], {
      env: { PATH: process.env.PATH, HOME: gw.world.root, KUBECONFIG: session.kubeconfig, KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }, timeoutMs: 30_000,
    });
    expect(result.stderr.toString()).toContain('Error from server (BadRequest): unsupported upgrade "SPDY/3.1" for pods/exec: the sandbox speaks WebSocket');
    await gw.close(session.sessionId);
    const lines = await gw.record(session.sessionId);
    expect(lines.find((line) => line.type === 'request' && line.subresource === 'exec')).toMatchObject({ upgrade: expect.stringMatching(/SPDY\/3\.1/i) });
    expect(lines.find((line) => line.type === 'tunnel-open')).toBeDefined();
    expect(lines.find((line) => line.type === 'tunnel-close')).toMatchObject({ bytesOut: expect.any(Number) });
  }, 60_000);

  it('tunnels kubectl port-forward, over WebSocket-tunnelled SPDY and over plain SPDY alike', async () => {
    // agent-7 may port-forward in staging (not in prod): a pod there, made by the administrator.
    await gw.adminCreate('/api/v1/namespaces/staging/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-pf', namespace: 'staging' }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 8080 }] }] } });
    const argv = ['port-forward', 'pod/web-pf', '-n', 'staging', ':8080'];
    const session = await gw.session(argv, { namespace: 'staging' });
    const fetchVia = (port: number, path: string) => new Promise<string>((resolve, reject) => {
      httpGet({ host: '127.0.0.1', port, path }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    for (const env of [{}, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }]) {
      const child = spawn(KUBECTL, argv, { env: { PATH: process.env.PATH, HOME: gw.world.root, KUBECONFIG: session.kubeconfig, ...env } });
      try {
        const port = await new Promise<number>((resolve, reject) => {
          let text = '';
          child.stdout.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(text);
            if (match) resolve(Number(match[1]));
          });
          let errors = '';
          child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
          child.once('exit', (code) => reject(new Error(`port-forward exited ${code}: ${errors}`)));
        });
        expect(await fetchVia(port, '/through-the-gateway')).toContain('GET /through-the-gateway');
      } finally {
        child.kill();
      }
    }
    await gw.close(session.sessionId);
    const lines = await gw.record(session.sessionId);
    const upgrades = lines.filter((line) => line.type === 'request' && line.subresource === 'portforward').map((line) => String(line.upgrade).toLowerCase());
    expect(upgrades).toEqual(expect.arrayContaining(['websocket', 'spdy/3.1']));
  }, 60_000);
});
