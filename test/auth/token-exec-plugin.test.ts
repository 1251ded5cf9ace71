// `hkubectl token` as a kubeconfig exec credential plugin, run by the real kubectl.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/auth/dev-idp.ts';
import type { DevIdp } from '../../src/auth/dev-idp.ts';
import { mainJs } from './fixtures/hkubectl.ts';
import { loginAs } from './fixtures/login.ts';

let idp: DevIdp;
let configDir: string;
let api: Server;
const seenAuthorization: string[] = [];
beforeAll(async () => {
  idp = await startDevIdp({ pollInterval: 0.1 });
  configDir = await mkdtemp(join(tmpdir(), 'hk-exec-'));
  // client-go only runs exec plugins for TLS connections, so the stand-in API server needs a
  // certificate: a throwaway self-signed one from the openssl CLI.
  const [key, cert] = [join(configDir, 'api.key'), join(configDir, 'api.crt')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  // Stands in for an API server that trusts the IdP: answers /version and records the bearer.
  api = createServer({ key: await readFile(key), cert: await readFile(cert) }, (req, res) => {
    seenAuthorization.push(req.headers.authorization ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0' }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await idp.stop();
  await new Promise((resolve) => api.close(resolve));
  await rm(configDir, { recursive: true, force: true });
});

function kubectl(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.env.HKUBECTL_KUBECTL ?? 'kubectl', args, { env: { PATH: process.env.PATH ?? '', HOME: configDir, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('hkubectl token as a kubectl exec credential plugin', () => {
  it('lets kubectl authenticate with the cached login', async () => {
    await loginAs(idp, join(configDir, 'tokens'), 'agent-7');
    const kubeconfig = join(configDir, 'kubeconfig');
    await writeFile(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:${(api.address() as AddressInfo).port}", insecure-skip-tls-verify: true}}]
users:
- name: agent
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${process.execPath}
      args: [${mainJs}, token]
      env: [{name: HKUBECTL_CONFIG_DIR, value: "${configDir}"}]
      interactiveMode: Never
contexts: [{name: c, context: {cluster: c, user: agent}}]
current-context: c
`);
    const result = await kubectl(['--kubeconfig', kubeconfig, 'get', '--raw', '/version'], {});
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ gitVersion: 'v1.32.0' });
    const tokens = join(configDir, 'tokens');
    const cached = (await readdir(tokens)).find((name) => name !== 'current.json')!;
    const session = JSON.parse(await readFile(join(tokens, cached), 'utf8'));
    expect(seenAuthorization).toContain(`Bearer ${session.idToken}`);
  });
});
