// The relay end to end: real dev IdP tokens, real HTTP on 127.0.0.1, real audit log on disk.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_LOG_FILE } from '../../../src/relay/server/server.ts';
import type { ApproveAnswer } from '../../../src/contract/relay-api.ts';
import { startWorld, type World } from '../fixtures.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

async function logLines(dataDir: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(join(dataDir, AUDIT_LOG_FILE), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('relay decisions', () => {
  it('allows a read with a session id and logs the full command line before answering', async () => {
    const relay = await world.relay();
    const answer = await world.client(relay, 'agent-7').submit({ argv: ['get', 'pods', '-n', 'payments'], context: 'sandbox', reason: 'check rollout' });
    expect(answer).toMatchObject({ decision: 'allow', rule: 'reads', mask: 'standard', record: true });
    expect(answer.decision === 'allow' && answer.sessionId).toMatch(/^[\w-]{8,}$/);
    const decision = (await logLines(relay.dataDir)).find((entry) => entry.type === 'decision');
    expect(decision).toMatchObject({
      outcome: 'allow', command: 'kubectl get pods -n payments', reason: 'check rollout',
      requester: { subject: 'agent-7', groups: ['agents'] }, sessionId: (answer as { sessionId: string }).sessionId,
    });
  });

  it('denies deleting a namespace, says which rule did, and logs the guardrail block', async () => {
    const relay = await world.relay();
    const answer = await world.client(relay, 'agent-7').submit({ argv: ['delete', 'namespace', 'payments'] });
    expect(answer).toMatchObject({ decision: 'deny', rule: 'no-namespace-delete', guardrail: true });
    expect(answer.decision === 'deny' && answer.message).toMatch(/deleting a namespace is blocked/);
    expect((await logLines(relay.dataDir)).find((entry) => entry.type === 'decision')).toMatchObject({
      outcome: 'deny', guardrail: true, command: 'kubectl delete namespace payments',
    });
  });

  it('re-parses argv itself and notes when the client\'s intent disagrees', async () => {
    const relay = await world.relay();
    const forged = { verb: 'get', resources: ['pods'] } as never;
    const answer = await world.client(relay, 'agent-7').submit({ argv: ['delete', 'namespace', 'payments'], intent: forged });
    expect(answer.decision).toBe('deny');
    expect((await logLines(relay.dataDir)).find((entry) => entry.type === 'decision')).toMatchObject({ intentDisagrees: true });
  });

  it('keeps credential flag values out of the audit log', async () => {
    const relay = await world.relay();
    await world.client(relay, 'agent-7').submit({ argv: ['get', 'pods', '--token', 's3cr3t-value', '-n', 'dev'] });
    const text = await readFile(join(relay.dataDir, AUDIT_LOG_FILE), 'utf8');
    expect(text).not.toContain('s3cr3t-value');
    expect(text).toContain('"--token","[MASKED:kubectl-flag]"');
  });

  it('judges a command without -n in the namespace of the kubeconfig context', async () => {
    const relay = await world.relay();
    const answer = await world.client(relay, 'agent-7').submit({ argv: ['delete', 'pod', 'api-1'], namespace: 'prod', reason: 'wedged' });
    expect(answer).toMatchObject({ decision: 'approve', rule: 'writes-in-production' });
    const elsewhere = await world.client(relay, 'agent-7').submit({ argv: ['delete', 'pod', 'api-1', '-n', 'dev'], namespace: 'prod' });
    expect(elsewhere).toMatchObject({ decision: 'allow', rule: 'writes' });
  });

  it('asks for a reason where the rule requires one', async () => {
    const relay = await world.relay();
    const answer = await world.client(relay, 'agent-7').submit({ argv: ['delete', 'pod', 'api-1', '-n', 'prod'] });
    expect(answer).toMatchObject({ decision: 'deny', rule: 'writes-in-production' });
    expect(answer.decision === 'deny' && answer.message).toMatch(/--hk-reason/);
  });
});

describe('signing keys', () => {
  it('logs a key rotation and keeps serving the old public key in the JWKS', async () => {
    const relay = await world.relay();
    const client = world.client(relay, 'agent-7');
    const before = (await client.health()).kid;
    const { kid, previousKid } = await relay.rotateKey();
    expect(previousKid).toBe(before);
    expect((await client.health()).kid).toBe(kid);
    expect((await client.jwks()).keys.map((key) => key.kid)).toEqual([before, kid]);
    expect((await logLines(relay.dataDir)).find((entry) => entry.type === 'key-rotated')).toMatchObject({ kid, previousKid });
  });
});

describe('approvals', () => {
  const prodDelete = { argv: ['delete', 'pod', 'api-1', '-n', 'prod'], context: 'prod-eu', cluster: 'eu-1', reason: 'pod is wedged', agent: 'claude', runId: 'run-42' };

  it('holds a risky command for approval, wakes the waiter when approved, and runs it once', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const first = await agent.submit(prodDelete) as ApproveAnswer;
    expect(first).toMatchObject({ decision: 'approve', rule: 'writes-in-production', approverGroups: ['approvers'] });
    expect(Date.parse(first.expiresAt)).toBeGreaterThan(Date.now());

    const again = await agent.submit(prodDelete);
    expect(again).toMatchObject({ decision: 'approve', requestId: first.requestId });

    const waiting = agent.wait(first.requestId, 20_000);
    const alice = world.client(relay, 'alice');
    const pending = await alice.list();
    expect(pending.requests.map((request) => request.id)).toContain(first.requestId);
    expect(pending.requests[0]).toMatchObject({ reason: 'pod is wedged', agent: 'claude', namespace: 'prod', requester: { subject: 'agent-7' } });
    const reviewed = await alice.review(first.requestId, 'approve', 'wedged pod, restart is safe');
    expect(reviewed).toMatchObject({ status: 'approved', review: { by: { subject: 'alice' }, justification: 'wedged pod, restart is safe' } });
    expect(await waiting).toMatchObject({ status: 'approved' });

    const run = await agent.submit(prodDelete);
    expect(run).toMatchObject({ decision: 'allow', requestId: first.requestId });
    expect(await agent.get(first.requestId)).toMatchObject({ status: 'consumed' });
    const next = await agent.submit(prodDelete);
    expect(next.decision).toBe('approve');
    expect((next as ApproveAnswer).requestId).not.toBe(first.requestId);

    const types = (await logLines(relay.dataDir)).map((entry) => `${entry.type}:${entry.outcome ?? entry.verdict ?? ''}`);
    expect(types.filter((type) => type !== 'key-created:' && type !== 'relay-start:')).toEqual([
      'decision:approve', 'decision:approve', 'review:approve', 'decision:allow', 'decision:approve',
    ]);
  });

  it('does not let an approval ride on another command, context or identity', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const { requestId } = await agent.submit(prodDelete) as ApproveAnswer;
    await world.client(relay, 'alice').review(requestId, 'approve', 'ok for api-1 only');
    for (const other of [
      { ...prodDelete, argv: ['delete', 'pod', 'api-2', '-n', 'prod'] },
      { ...prodDelete, context: 'prod-us' },
      { ...prodDelete, namespace: 'default' },
      { ...prodDelete, argv: [...prodDelete.argv, '--wait=false'] },
    ]) {
      const answer = await agent.submit(other);
      expect(answer.decision).toBe('approve');
      expect((answer as ApproveAnswer).requestId).not.toBe(requestId);
    }
    expect(await agent.get(requestId)).toMatchObject({ status: 'approved' });
  });

  it('answers a denied command with the approver\'s justification', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const { requestId } = await agent.submit(prodDelete) as ApproveAnswer;
    await world.client(relay, 'bob').review(requestId, 'deny', 'not during the payment window');
    const answer = await agent.submit(prodDelete);
    expect(answer).toMatchObject({ decision: 'deny', requestId });
    expect(answer.decision === 'deny' && answer.message).toMatch(/bob denied this exact command.*payment window/);
  });

  it('refuses reviews from outside the approver groups and self-approval with 403', async () => {
    const relay = await world.relay();
    const { requestId } = await world.client(relay, 'agent-7').submit(prodDelete) as ApproveAnswer;
    await expect(world.client(relay, 'agent-7').review(requestId, 'approve', 'trust me')).rejects.toMatchObject({ status: 403, code: 'ERR_SELF_REVIEW', exitCode: 77 });
    await expect(world.client(relay, 'agent-7').list()).rejects.toMatchObject({ status: 403, code: 'ERR_NOT_APPROVER' });

    const own = await world.client(relay, 'alice').submit(prodDelete) as ApproveAnswer;
    await expect(world.client(relay, 'alice').review(own.requestId, 'approve', 'mine')).rejects.toMatchObject({ status: 403, code: 'ERR_SELF_REVIEW' });
    await expect(world.client(relay, 'bob').review(own.requestId, 'approve', 'looked at it')).resolves.toMatchObject({ status: 'approved' });
  });

  it('lets exactly one of two approvers answering at once win; the other gets 409', async () => {
    const relay = await world.relay();
    const { requestId } = await world.client(relay, 'agent-7').submit(prodDelete) as ApproveAnswer;
    const results = await Promise.allSettled([
      world.client(relay, 'alice').review(requestId, 'approve', 'fine'),
      world.client(relay, 'bob').review(requestId, 'deny', 'no'),
    ]);
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result) => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'ERR_ALREADY_REVIEWED' });
    expect((await logLines(relay.dataDir)).filter((entry) => entry.type === 'review')).toHaveLength(1);
    await expect(world.client(relay, 'alice').review(requestId, 'approve', 'again')).rejects.toMatchObject({ status: 409 });
  });

  it('answers 410 for a review of an expired request and logs the expiry', async () => {
    let clock = Date.now();
    const relay = await world.relay({ now: () => clock });
    const { requestId, expiresAt } = await world.client(relay, 'agent-7').submit(prodDelete) as ApproveAnswer;
    clock = Date.parse(expiresAt) + 1;
    await expect(world.client(relay, 'alice').review(requestId, 'approve', 'late')).rejects.toMatchObject({ status: 410, code: 'ERR_REQUEST_EXPIRED' });
    expect(await world.client(relay, 'agent-7').get(requestId)).toMatchObject({ status: 'expired' });
    expect((await logLines(relay.dataDir)).filter((entry) => entry.type === 'expire')).toMatchObject([{ requestId }]);
    const again = await world.client(relay, 'agent-7').submit(prodDelete) as ApproveAnswer;
    expect(again.requestId).not.toBe(requestId);
  });
});
