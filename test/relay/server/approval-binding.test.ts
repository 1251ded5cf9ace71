// What an approval is bound to, at the relay: the command, and with it the reason the approver
// read and the content the wrapper hashed; a run that differs in any of them does not use it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
