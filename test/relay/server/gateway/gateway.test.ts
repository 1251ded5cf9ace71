// The gateway end to end: the real kubectl (and curl) with a hand-written session kubeconfig,
// the demo sandbox with RBAC (agent-7 least privilege, hkubectl-relay may only impersonate), and
// the relay holding the cluster credential.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentDigest } from '../../../../src/contract/content-digest.ts';
import { payloadBytes } from '../../../../src/contract/manifest.ts';
import { run } from '../../../helpers/run.ts';
import { SMUGGLED_BINDING_MANIFEST } from '../../../helpers/smuggled-binding.ts';
import type { GatewaySession } from './gateway-world.ts';
import { useGatewayWorld } from './use-gateway-world.ts';

const gw = useGatewayWorld();

const PASSWORD = 's3cr3t-Pa55w0rd!';
const PASSWORD_B64 = Buffer.from(PASSWORD).toString('base64');

/** Every spelling of the password a template function could print. */
function leaksPassword(text: string): string[] {
  const hex = Buffer.from(PASSWORD).toString('hex');
  const forms = [PASSWORD, PASSWORD_B64, hex, 's3cr3t', encodeURIComponent(PASSWORD), 'Pa55w0rd', PASSWORD_B64.slice(0, 12)];
  return forms.filter((form) => text.includes(form));
}

async function curl(session: Pick<GatewaySession, 'grant'>, path: string, headers: string[] = [], token = session.grant.token): Promise<{ status: number; body: string }> {
  const caFile = join(gw.world.root, 'relay-ca.pem');
  await writeFile(caFile, session.grant.caPem!);
  const args = ['-sS', '--cacert', caFile, '-o', '-', '-w', '\n%{http_code}', '-H', `Authorization: Bearer ${token}`, ...headers.flatMap((header) => ['-H', header]), `${session.grant.server}${path}`];
  const result = await run('curl', args, { timeoutMs: 30_000 });
  const text = result.stdout.toString('utf8');
  const cut = text.lastIndexOf('\n');
  return { status: Number(text.slice(cut + 1)), body: text.slice(0, cut) };
}

describe('the gateway', () => {
  it('answers kubectl through the relay as the agent, with a Secret read masked in every output form and template function', async () => {
    const session = await gw.session(['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'json']);
    expect(session.grant).toMatchObject({ cluster: 'sandbox', server: `${gw.relay.url}/gateway/sandbox` });
    expect(session.grant.token).toMatch(/^hkg_[A-Za-z0-9_-]{43}$/);
    const json = await gw.kubectl(session, ['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'json']);
    expect(json.code).toBe(0);
    const secret = JSON.parse(json.stdout) as { data: Record<string, string> };
    expect(Buffer.from(secret.data.password!, 'base64').toString()).toBe('[MASKED:k8s-secret-data]');
    // The grant is a bearer for the session's cluster: whatever the agent then runs with it.
    const templates = [
      '{{.data.password | base64decode}}', '{{printf "%x" .data.password}}', '{{js .data.password}}', '{{urlquery .data.password}}',
      '{{slice .data.password 0 4}}', '{{printf "%q %v %s" .data.password .data.url .data}}', '{{index .data "password" | printf "%d"}}', '{{.data.password | base64decode | printf "%x"}}',
    ];
    for (const template of templates) {
      const result = await gw.kubectl(session, ['get', 'secret', 'db-credentials', '-n', 'prod', '-o', `go-template=${template}`]);
      expect(leaksPassword(result.stdout + result.stderr), template).toEqual([]);
    }
    for (const output of ['yaml', 'jsonpath={.data}', 'custom-columns=P:.data.password,U:.data.url', 'wide']) {
      const result = await gw.kubectl(session, ['get', 'secret', 'db-credentials', '-n', 'prod', '-o', output, '-v=9']);
      expect(leaksPassword(result.stdout + result.stderr), output).toEqual([]);
    }
    const raw = await curl(session, '/api/v1/namespaces/prod/secrets/db-credentials');
    expect(raw.status).toBe(200);
    expect(leaksPassword(raw.body)).toEqual([]);
    await gw.close(session.sessionId);
  }, 120_000);

  it('refuses a forged, an expired and a closed session\'s grant with 401, and forwards nothing', async () => {
    const session = await gw.session(['get', 'pods', '-n', 'prod'], { cluster: 'watched' });
    expect((await gw.kubectl(session, ['get', 'pods', '-n', 'prod'])).code).toBe(0);
    const resourceRequests = () => gw.seen.filter((line) => line.includes('/namespaces/')).length;
    const before = resourceRequests();
    expect(before).toBeGreaterThan(0);
    const forged = await curl(session, '/api/v1/namespaces/prod/pods', [], `hkg_${'A'.repeat(43)}`);
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body)).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
    const none = await curl(session, '/api/v1/namespaces/prod/pods', [], '');
    expect(none.status).toBe(401);
    await gw.close(session.sessionId);
    const reused = await gw.kubectl(session, ['get', 'pods', '-n', 'prod']);
    expect(reused.code).not.toBe(0);
    expect(reused.stderr).toContain('You must be logged in to the server');
    expect((await curl(session, '/api/v1/namespaces/prod/pods')).body).toContain(`ended when session ${session.sessionId} closed`);

    const shortLived = await gw.startRelay({ maxSessionDuration: { read: 1 } });
    const expired = await gw.session(['get', 'pods', '-n', 'prod'], { cluster: 'watched', relay: shortLived });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const late = await curl(expired, '/api/v1/namespaces/prod/pods');
    expect(late.status).toBe(401);
    expect(late.body).toContain('expired');
    // A grant of another cluster is refused, as is an unknown cluster.
    const other = await gw.session(['get', 'pods', '-n', 'prod'], { cluster: 'sandbox' });
    const elsewhere = await curl({ grant: { ...other.grant, server: other.grant.server.replace('/sandbox', '/watched') } }, '/api/v1/namespaces/prod/pods');
    expect(elsewhere.status).toBe(403);
    expect(resourceRequests()).toBe(before);
    await gw.close(other.sessionId);
  }, 120_000);

  it('refuses an agent-sent Impersonate-User header and a request outside the scope with a Status 403 kubectl prints, logged in the audit log', async () => {
    const session = await gw.session(['get', 'pods', '-n', 'prod'], { cluster: 'watched' });
    // Discovery always passes; no request for a resource may reach the cluster.
    const resourceRequests = () => gw.seen.filter((line) => line.includes('/namespaces/')).length;
    const before = resourceRequests();
    const impersonating = await curl(session, '/api/v1/namespaces/prod/pods', ['Impersonate-User: alice']);
    expect(impersonating.status).toBe(403);
    expect(JSON.parse(impersonating.body)).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    const asAlice = await gw.kubectl(session, ['get', 'pods', '-n', 'prod', '--as', 'alice']);
    expect(asAlice.stderr).toContain('Error from server (Forbidden)');
    const staging = await gw.kubectl(session, ['get', 'pods', '-n', 'staging']);
    expect(staging.code).not.toBe(0);
    expect(staging.stderr).toMatch(/Error from server \(Forbidden\): outside the session's scope: this session is limited to namespace prod, not staging/);
    const deleting = await gw.kubectl(session, ['delete', 'pod', 'echo', '-n', 'prod']);
    expect(deleting.stderr).toMatch(/Error from server \(Forbidden\): outside the session's scope: this session was allowed to read, not to delete pods/);
    const secrets = await gw.kubectl(session, ['get', 'secrets', '-n', 'prod']);
    expect(secrets.stderr).toContain('did not name secrets');
    expect(resourceRequests()).toBe(before);
    const refused = (await gw.entries('gateway.refused')).filter((entry) => entry.sessionId === session.sessionId);
    expect(refused.map((entry) => [entry.rule, entry.status])).toEqual(expect.arrayContaining([['impersonation', 403], ['scope', 403]]));
    expect(refused.find((entry) => entry.verb === 'delete')).toMatchObject({ resource: 'pods', namespace: 'prod', name: 'echo', by: { subject: 'agent-7' } });
    await gw.close(session.sessionId);
  }, 120_000);

  it('refuses the ClusterRoleBinding to cluster-admin hidden in an approved manifest, and creates the rest', async () => {
    const file = join(gw.world.root, 'smuggle.yaml');
    const text = SMUGGLED_BINDING_MANIFEST;
    await writeFile(file, text);
    const sha256 = createHash('sha256').update(text).digest('hex');
    const content = contentDigest([{ kind: 'file', flag: 'filename', path: file, sha256, size: Buffer.byteLength(text), documents: 2 }]);
    // create, not apply: agent-7 may not read ClusterRoleBindings, so apply would stop at its first GET.
    const session = await gw.session(['create', '-f', file], { namespace: 'staging', content });
    expect(session.answer.requestId).toBeDefined();
    const applied = await gw.kubectl(session, ['create', '-f', file]);
    expect(applied.stdout).toContain('configmap/innocent created');
    expect(applied.stderr).toMatch(/Forbidden\): .*blocked by rule no-rbac-changes/);
    const admin = await run('kubectl', ['get', 'clusterrolebinding', 'agent-7-is-admin'], { env: { PATH: process.env.PATH, KUBECONFIG: gw.sandbox.kubeconfigPath, HOME: gw.world.root }, timeoutMs: 30_000 });
    expect(admin.stderr.toString()).toContain('NotFound');
    const refused = (await gw.entries('gateway.refused')).filter((entry) => entry.sessionId === session.sessionId);
    expect(refused).toEqual([expect.objectContaining({ rule: 'no-rbac-changes', resource: 'clusterrolebindings.rbac.authorization.k8s.io', name: 'agent-7-is-admin' })]);
    await gw.close(session.sessionId);
  }, 120_000);

  it('lets the cluster refuse what the policy allows but agent-7\'s own role does not, as agent-7', async () => {
    // The policy allows writes outside production; agent-7 may not write in the default namespace.
    const session = await gw.session(['create', 'configmap', 'probe', '-n', 'default', '--from-literal=a=b'], { namespace: 'default' });
    const created = await gw.kubectl(session, ['create', 'configmap', 'probe', '-n', 'default', '--from-literal=a=b']);
    expect(created.code).not.toBe(0);
    expect(created.stderr).toContain('configmaps is forbidden: User "agent-7" cannot create resource "configmaps" in API group "" in the namespace "default"');
    await gw.close(session.sessionId);
  }, 60_000);

  it('keeps its own record of the session and binds it in the signed manifest', async () => {
    const session = await gw.session(['get', 'pods', '-n', 'prod']);
    expect((await gw.kubectl(session, ['get', 'pods', '-n', 'prod'])).code).toBe(0);
    expect((await gw.kubectl(session, ['get', 'pods', '-n', 'staging'])).code).not.toBe(0);
    const { manifest } = (await gw.close(session.sessionId)) as { manifest: { payload: string; protected: string; signature: string } };
    const payload = JSON.parse(payloadBytes(manifest).toString('utf8')) as { observed: { mode: string; record: { file: string; sha256: string; size: number; entries: number } } };
    const lines = await gw.record(session.sessionId);
    expect(payload.observed).toMatchObject({ v: 1, mode: 'gateway', record: { file: `${session.sessionId}.relay-record.jsonl`, entries: lines.length } });
    expect(lines[0]).toMatchObject({ v: 1, n: 1, type: 'header', session: session.sessionId, cluster: 'sandbox', subject: 'agent-7' });
    expect(lines.at(-1)).toMatchObject({ type: 'close' });
    expect(lines.filter((line) => line.type === 'request').map((line) => line.path)).toContain('/api/v1/namespaces/prod/pods');
    expect(lines.find((line) => line.type === 'refused')).toMatchObject({ status: 403, rule: 'scope' });
    const response = lines.find((line) => line.type === 'response' && typeof line.body === 'string' && (line.body as string).includes('"kind":"Table"'));
    expect(response).toMatchObject({ status: 200 });
    const blob = (await gw.relay.store.getBlob('record', session.sessionId))!;
    const chunks: Buffer[] = [];
    for await (const chunk of blob.open() as AsyncIterable<Buffer>) chunks.push(chunk);
    expect(createHash('sha256').update(Buffer.concat(chunks)).digest('hex')).toBe(payload.observed.record.sha256);
  }, 60_000);
});
