// `hkubectl audit sessions` lists what never became a session too: blocked, denied and expired
// requests, with the rule and message (or the approver and their justification).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkubectl } from '../helpers/run.ts';
import { refusalEvents, tempDir, writeAuditLog } from '../replay/fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
let data: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await tempDir('hk-audit-sessions-');
  data = join(dir.path, 'relay');
  await mkdir(data);
  await writeAuditLog(data, refusalEvents());
  env = { PATH: process.env.PATH, HOME: dir.path, HKUBECTL_CONFIG_DIR: join(dir.path, 'config'), HKUBECTL_DATA_DIR: join(dir.path, 'data'), FORCE_COLOR: '0' };
});
afterAll(() => dir?.remove());

describe('hkubectl audit sessions --state refused', () => {
  it('lists the guardrail block, the denial and the expiry with rule and message, oldest first', async () => {
    const result = await hkubectl(['audit', 'sessions', '--data', data, '--state', 'refused'], { env });
    expect(result.code).toBe(0);
    const lines = result.stdout.toString().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('2026-03-01T10:00:00.000Z  #1  agent-7@bank.example: kubectl delete namespace prod  BLOCKED blocked by rule no-namespace-deletes [rule no-namespace-deletes, risk 95] — deleting a namespace is never allowed');
    expect(lines[1]).toContain('DENIED denied by alice@bank.example [rule writes-in-production, risk 60, request req-denied] — alice@bank.example: not during the freeze');
    expect(lines[2]).toMatch(/kubectl exec web-1 -n prod -- sh {2}EXPIRED approval expired unanswered \[rule access-in-production, risk 70, request req-expired\] — exec in production needs an approver$/);
  });

  it('puts them among the sessions with --state all, in time order, and as JSON with -o json', async () => {
    const text = await hkubectl(['audit', 'sessions', '--data', data, '--state', 'all'], { env });
    expect(text.stdout.toString().trim().split('\n').map((line) => / (BLOCKED|DENIED|EXPIRED|UNCLOSED)/.exec(line)?.[1])).toEqual(['BLOCKED', 'DENIED', 'EXPIRED', 'UNCLOSED']);
    const json = await hkubectl(['audit', 'sessions', '--data', data, '--state', 'refused', '-o', 'json'], { env });
    expect(JSON.parse(json.stdout.toString())).toMatchObject([
      { kind: 'refusal', outcome: 'blocked', rule: 'no-namespace-deletes', message: 'deleting a namespace is never allowed' },
      { kind: 'refusal', outcome: 'denied', approver: 'alice@bank.example', justification: 'not during the freeze' },
      { kind: 'refusal', outcome: 'expired', requestId: 'req-expired' },
    ]);
  });
});
