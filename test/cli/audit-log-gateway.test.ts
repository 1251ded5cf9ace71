// `hkubectl audit log` shows the gateway's entries as readable lines: the grant (who, session,
// cluster, scope, expiry) and each refusal (method, path, verb, resource, namespace, name, rule,
// status, message), with the fields an agent controls quoted and their control characters spelt
// out, so no request the agent crafted can forge a line or act on the auditor's terminal; and
// `hkubectl audit sessions` counts each session's gateway refusals.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkubectl } from '../helpers/run.ts';
import { tempDir, writeAuditLog } from '../replay/fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
let data: string;
let sessionsData: string;
let env: NodeJS.ProcessEnv;

const agent = { subject: 'agent-7', issuer: 'http://127.0.0.1/idp', groups: ['agents'] };
const HOSTILE_NAME = 'web\u001b]0;owned\u0007\n2026-03-01T10:09:00.000Z  #9  review          APPROVE alice: all fine';

beforeAll(async () => {
  dir = await tempDir('hk-audit-gateway-');
  data = join(dir.path, 'relay');
  await mkdir(data);
  await writeAuditLog(data, [
    {
      type: 'grant.issued', sessionId: 's-1', by: agent, cluster: 'sandbox', tokenSha256: 'a'.repeat(64),
      scope: { verbClass: 'read', namespaces: ['prod'], resources: ['pods'], connect: [], approved: false }, expiresAt: '2026-03-01T10:30:00.000Z',
    },
    {
      type: 'gateway.refused', sessionId: 's-1', by: agent, cluster: 'sandbox', status: 403, method: 'POST', path: '/api/v1/namespaces/prod/pods" ok',
      verb: 'create', resource: 'pods', namespace: 'prod', name: HOSTILE_NAME, rule: 'scope', message: `outside the session's scope: create of pods "${HOSTILE_NAME}"`,
    },
    {
      type: 'gateway.refusals', sessionId: 's-1', by: agent, cluster: 'sandbox', count: 37, rules: { scope: 30, impersonation: 7 }, statuses: { 403: 37 },
      first: '2026-03-01T10:02:10.000Z', last: '2026-03-01T10:02:50.000Z', final: true,
    },
  ]);
  sessionsData = join(dir.path, 'relay-sessions');
  await mkdir(sessionsData);
  const requester = { ...agent, email: 'agent-7@bank.example' };
  await writeAuditLog(sessionsData, [
    {
      type: 'decision', outcome: 'allow', guardrail: false, rule: 'reads', message: 'reads are free', risk: { score: 10, factors: [] }, sessionId: 's-1', record: true,
      requester, command: 'kubectl get pods -n prod', argv: ['get', 'pods', '-n', 'prod'], namespace: 'prod', context: 'sandbox', verb: 'get', reason: 'look',
    },
    {
      type: 'grant.issued', sessionId: 's-1', by: agent, cluster: 'sandbox', tokenSha256: 'b'.repeat(64),
      scope: { verbClass: 'read', namespaces: ['prod'], resources: ['pods'], connect: [], approved: false }, expiresAt: '2026-03-01T10:30:00.000Z',
    },
    ...Array.from({ length: 3 }, (_, i) => ({
      type: 'gateway.refused', sessionId: 's-1', by: agent, cluster: 'sandbox', status: 403, method: 'DELETE', path: `/api/v1/namespaces/prod/pods/p-${i}`,
      verb: 'delete', resource: 'pods', namespace: 'prod', name: `p-${i}`, rule: 'scope', message: 'outside the session\'s scope',
    })),
    {
      type: 'gateway.refusals', sessionId: 's-1', by: agent, cluster: 'sandbox', count: 37, rules: { scope: 37 }, statuses: { 403: 37 },
      first: '2026-03-01T10:05:10.000Z', last: '2026-03-01T10:05:50.000Z', final: false,
    },
  ]);
  env = { PATH: process.env.PATH, HOME: dir.path, HKUBECTL_CONFIG_DIR: join(dir.path, 'config'), HKUBECTL_DATA_DIR: join(dir.path, 'data'), FORCE_COLOR: '0' };
});
afterAll(() => dir?.remove());

describe('hkubectl audit log, for the gateway', () => {
  it('prints a grant, a refusal and a summary of refusals as one readable line each, the agent\'s fields quoted and spelt out', async () => {
    const result = await hkubectl(['audit', 'log', '--data', data], { env });
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout.toString();
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('2026-03-01T10:00:00.000Z  #1  grant.issued    session s-1: gateway grant for agent-7 on cluster "sandbox", ' +
      `scope read in namespaces "prod" of resources "pods", until 2026-03-01T10:30:00.000Z (token sha256 ${'a'.repeat(64)})`);
    expect(lines[1]).toMatch(/^2026-03-01T10:01:00\.000Z {2}#2 {2}gateway\.refused session s-1: 403 to agent-7 on cluster "sandbox": "POST" "\/api\/v1\/namespaces\/prod\/pods\\" ok" \(verb "create", resource "pods", namespace "prod", name "web\\u001b\]0;owned\\u0007\\n2026-03-01T10:09:00\.000Z  #9  review {10}APPROVE alice: all fine"\) \[scope\]: "outside the session's scope: /);
    expect(lines[1]).not.toContain('{"');
    expect(lines[2]).toBe('2026-03-01T10:02:00.000Z  #3  gateway.refusals session s-1: 37 more gateway refusals to agent-7 on cluster "sandbox" from 2026-03-01T10:02:10.000Z to 2026-03-01T10:02:50.000Z, ' +
      'counted, not listed (rules scope ×30, impersonation ×7; statuses 403 ×37), the last of the session; each is in the session\'s relay record');
  });

  it('counts a session\'s gateway refusals, logged and summarised, in audit sessions', async () => {
    const result = await hkubectl(['audit', 'sessions', '--data', sessionsData, '--state', 'all'], { env });
    expect(result.stderr.toString()).toBe('');
    expect(result.stdout.toString().trim()).toBe('2026-03-01T10:00:00.000Z  s-1  agent-7: kubectl get pods -n prod  [reads, risk 10]  UNCLOSED  40 gateway refusals');
    const json = await hkubectl(['audit', 'sessions', '--data', sessionsData, '--state', 'all', '-o', 'json'], { env });
    expect(JSON.parse(json.stdout.toString())).toMatchObject([{ sessionId: 's-1', gatewayRefusals: 40 }]);
  });
});
