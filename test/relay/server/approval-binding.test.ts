// What an approval is bound to, at the relay: the command, and with it the reason the approver
// read and the content the wrapper hashed; a run that differs in any of them does not use it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDigest, type ContentSource } from '../../../src/contract/content-digest.ts';
import type { ApproveAnswer, DenyAnswer } from '../../../src/contract/relay-api.ts';
import { startWorld, type World } from '../fixtures.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const restart = (reason: string | null) => ({ argv: ['rollout', 'restart', 'deploy/web', '-n', 'prod'], context: 'prod-eu', reason });

describe('the reason an approver read is bound to the approval', () => {
  it('refuses the approved command with another reason, names both, and still lets the approved reason use it once', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const asked = await agent.submit(restart('INC-1: web is wedged')) as ApproveAnswer;
    expect(asked.decision).toBe('approve');
    await world.client(relay, 'alice').review(asked.requestId, 'approve', 'restart is safe');

    const other = await agent.submit(restart('routine cleanup')) as DenyAnswer;
    expect(other).toMatchObject({ decision: 'deny', requestId: asked.requestId, guardrail: false });
    expect(other.message).toBe(
      `request ${asked.requestId} was approved for this command with "INC-1: web is wedged", but this run gives "routine cleanup": ` +
        'an approval covers the reason its approver read; re-run with that reason, or ask anew once the approval has expired',
    );
    const none = await agent.submit(restart(null));
    expect(none.decision).toBe('deny');
    expect(await agent.get(asked.requestId)).toMatchObject({ status: 'approved' });

    const used = await agent.submit(restart('INC-1: web is wedged'));
    expect(used).toMatchObject({ decision: 'allow', requestId: asked.requestId });
    expect(await agent.get(asked.requestId)).toMatchObject({ status: 'consumed' });
  });

  it('asks anew when the reason changes while a request is pending, so approvers read the reason they approve', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const first = await agent.submit(restart('INC-2: memory leak')) as ApproveAnswer;
    const again = await agent.submit(restart('INC-2: memory leak')) as ApproveAnswer;
    expect(again.requestId).toBe(first.requestId);
    const changed = await agent.submit(restart('INC-2: memory leak, and it is urgent')) as ApproveAnswer;
    expect(changed.decision).toBe('approve');
    expect(changed.requestId).not.toBe(first.requestId);
    expect(await agent.get(changed.requestId)).toMatchObject({ reason: 'INC-2: memory leak, and it is urgent', status: 'pending' });

    // The first request, approved now, is not what the changed run is bound to.
    await world.client(relay, 'bob').review(first.requestId, 'approve', 'ok for the leak');
    expect(await agent.submit(restart('INC-2: memory leak, and it is urgent'))).toMatchObject({ decision: 'approve', requestId: changed.requestId });
  });
});

const file = (sha: string, documents = 1): ContentSource => ({ kind: 'file', flag: 'filename', path: 'm.yaml', sha256: sha.repeat(64), size: 10, documents });
const apply = (content: unknown, reason = 'INC-3: colour') => ({ argv: ['apply', '-f', 'm.yaml', '-n', 'prod'], context: 'prod-eu', reason, content } as never);

describe('the content a command reads is bound to the approval', () => {
  it('lets only the approved content use the approval, refusing other content as "the file changed since it was approved"', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const approved = contentDigest([file('a')]);
    const asked = await agent.submit(apply(approved)) as ApproveAnswer;
    expect(await agent.get(asked.requestId)).toMatchObject({ content: approved });
    await world.client(relay, 'alice').review(asked.requestId, 'approve', 'one config map');

    const swapped = contentDigest([file('b', 2)]);
    const refused = await agent.submit(apply(swapped)) as DenyAnswer;
    expect(refused).toMatchObject({ decision: 'deny', requestId: asked.requestId });
    expect(refused.message).toBe(`the file changed since it was approved: request ${asked.requestId} was approved for file contents sha256 ${approved.sha256.slice(0, 12)}…, 1 document, ` +
      `and this run reads file contents sha256 ${swapped.sha256.slice(0, 12)}…, 2 documents; nothing was run (re-run with the approved content, or ask anew once the approval has expired)`);
    expect(await agent.submit(apply(approved))).toMatchObject({ decision: 'allow', requestId: asked.requestId });
  });

  it('refuses to put content it cannot bind, or a file-reading command without a digest, before an approver', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const pipe = contentDigest([{ kind: 'unbindable', flag: 'filename', path: '/dev/fd/63', problem: 'a pipe' }]);
    expect(await agent.submit(apply(pipe))).toMatchObject({ decision: 'deny', message: expect.stringMatching(/^an approval cannot cover \/dev\/fd\/63 \(a pipe\)/) });
    expect(await agent.submit(apply(null))).toMatchObject({ decision: 'deny', message: expect.stringMatching(/sent no digest/) });
    // A plain allow is not held up: only approvals are bound.
    expect(await agent.submit({ argv: ['get', '-f', 'm.yaml', '-n', 'dev'], content: pipe })).toMatchObject({ decision: 'allow' });
    expect((await world.client(relay, 'alice').list()).requests).toEqual([]);
  });

  it('answers 400 naming the field when the digest is not the digest of its sources', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const forged = { ...contentDigest([file('a')]), sha256: 'c'.repeat(64) };
    await expect(agent.submit(apply(forged))).rejects.toThrow('field "content.sha256" must be the sha256 of its sources');
    await expect(agent.submit(apply({ sha256: 'x', documents: 0, sources: [{ kind: 'file', flag: 'rm -rf', path: 'm' }] }))).rejects.toThrow('field "content.sources[0].flag" must be one of');
  });
});
