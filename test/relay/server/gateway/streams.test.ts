// Streams through the gateway: exec tunnelled, followed logs and watches masked as they come,
// a 100 MB list masked item by item, a client that never reads, and a cluster going down mid-watch.
import { spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { KUBECTL } from '../../../helpers/run.ts';
import { useGatewayWorld } from './use-gateway-world.ts';

const gw = useGatewayWorld();

/** Creates `count` ConfigMaps of `size` bytes each in staging, as the sandbox's administrator. */
async function seedConfigMaps(prefix: string, count: number, size: number, labels: Record<string, string> = {}): Promise<void> {
  const line = 'replicas = 3 # a line of a config file, as ConfigMaps hold them\n';
  const value = line.repeat(Math.ceil(size / line.length)).slice(0, size);
  for (let i = 0; i < count; i++) {
    await gw.adminCreate('/api/v1/namespaces/staging/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-${i}`, namespace: 'staging', labels }, data: { 'app.conf': value, password: 'hunter2-is-masked-by-its-key' } });
  }
}

describe('large answers', () => {
  it('masks a 100 MB list item by item and keeps it valid JSON; a client that never reads holds the cluster back', async () => {
    await seedConfigMaps('big', 100, 1024 * 1024);
    const session = await gw.session(['get', 'configmaps', '-n', 'staging', '-o', 'json'], { namespace: 'staging', cluster: 'watched' });
    const url = new URL(`${session.grant.server}/api/v1/namespaces/staging/configmaps`);
    // A client that sends the request and never reads a byte of the answer.
    const before = gw.seenBytes();
    const socket = tlsConnect({ host: url.hostname, port: Number(url.port), ca: session.grant.caPem });
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    socket.pause();
    socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${session.grant.token}\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const pulled = gw.seenBytes() - before;
    expect(pulled).toBeLessThan(40 * 1024 * 1024);
    socket.destroy();

    // A client that reads it all gets every item, valid JSON.
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      httpsRequest(url, { ca: session.grant.caPem, headers: { authorization: `Bearer ${session.grant.token}` } }, (res) => {
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      }).on('error', reject).end();
    });
    expect(text.length).toBeGreaterThan(100 * 1024 * 1024);
    const list = JSON.parse(text) as { kind: string; items: Array<{ metadata: { name: string } }> };
    expect(list.kind).toBe('ConfigMapList');
    expect(list.items.filter((item) => item.metadata.name.startsWith('big-'))).toHaveLength(100);
    expect(text).not.toContain('hunter2');
    await gw.close(session.sessionId);
    const lines = await gw.record(session.sessionId);
    const response = lines.filter((line) => line.type === 'response').at(-1) as { size: number; sha256: string; body?: string };
    expect(response.size).toBe(Buffer.byteLength(text));
    expect(response.body).toBeUndefined();
  }, 180_000);
});

describe('streams through the gateway', () => {
  it('tunnels kubectl exec (approved, in prod) and records the tunnel with its bytes', async () => {
    const session = await gw.session(['exec', 'echo', '-n', 'prod', '--', 'echo', 'through-the-gateway'], { reason: 'checking the echo pod' });
    expect(session.answer.requestId).toBeDefined();
    const result = await gw.kubectl(session, ['exec', 'echo', '-n', 'prod', '--', 'echo', 'through-the-gateway']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('through-the-gateway\n');
    // The grant is for exec: a port-forward with it is refused.
    const forward = await gw.kubectl(session, ['port-forward', 'pod/echo', '-n', 'prod', '18080:8080', '--pod-running-timeout=2s']);
    expect(forward.stderr).toContain('this session may open exec, not portforward');
    await gw.close(session.sessionId);
    const lines = await gw.record(session.sessionId);
    expect(lines.find((line) => line.type === 'tunnel-open')).toBeDefined();
    const closed = lines.find((line) => line.type === 'tunnel-close') as { bytesIn: number; bytesOut: number };
    expect(closed.bytesOut).toBeGreaterThan(0);
  }, 60_000);

  it('streams a watch masked event by event, and ends the session\'s record cleanly when the cluster goes away mid-watch', async () => {
    await seedConfigMaps('watched', 1, 10, { watch: 'yes' });
    const session = await gw.session(['get', 'configmaps', '-n', 'staging', '-l', 'watch=yes', '-w'], { namespace: 'staging', cluster: 'watched' });
    const kubeconfig = session.kubeconfig;
    const child = spawn(KUBECTL, ['get', 'configmaps', '-n', 'staging', '-l', 'watch=yes', '-w', '-o', 'json'], { env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig, HOME: gw.world.root } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && !out.includes('watched-0'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(out).toContain('watched-0');
    await seedConfigMaps('added', 1, 10, { watch: 'yes' });
    for (let i = 0; i < 100 && !out.includes('added-0'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(out).toContain('added-0');
    await gw.downWatched();
    const code = await exited;
    await gw.close(session.sessionId);
    const lines = await gw.record(session.sessionId);
    const watch = lines.find((line) => line.type === 'request' && String(line.query).includes('watch=true'))!;
    expect(lines.find((line) => line.type === 'event' && line.id === watch.id && String(line.text).includes('added-0'))).toBeDefined();
    expect(lines.find((line) => line.type === 'end' && line.id === watch.id)).toMatchObject({ how: expect.stringMatching(/^upstream-error: /) });
    expect(lines.at(-1)).toMatchObject({ type: 'close' });
  }, 60_000);
});
