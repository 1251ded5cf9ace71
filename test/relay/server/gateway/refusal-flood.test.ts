// An agent that floods the gateway with refused requests: each still answers 403 and is a line of
// the session's relay record, but the audit log holds the first REFUSALS_IN_FULL one by one and
// then counts (one summary per REFUSALS_IN_FULL, the rest when the session closes), so the log
// cannot be flooded and no refusal goes unaccounted for.
import { describe, expect, it } from 'vitest';
import type { EntryOf } from '../../../../src/contract/audit-chain.ts';
import { REFUSALS_IN_FULL } from '../../../../src/relay/server/gateway/refusal-log.ts';
import { closeSession, grantFor, viaGateway } from './fake-upstream.ts';
import { useFakeClusterRelay } from './use-fake-cluster.ts';

const fake = useFakeClusterRelay();

async function entries<T extends 'gateway.refused' | 'gateway.refusals'>(type: T): Promise<EntryOf<T>[]> {
  const found = [];
  for await (const entry of fake.relay.store.read()) if (entry.type === type) found.push(entry);
  return found as never;
}

async function recordOf(sessionId: string): Promise<Array<Record<string, unknown>>> {
  const blob = await fake.relay.store.getBlob('record', sessionId);
  if (!blob) throw new Error(`no record of ${sessionId}`);
  const chunks: Buffer[] = [];
  for await (const chunk of blob.open() as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('a flood of gateway refusals', () => {
  it('answers each with 403 and records each, logs the first in full and counts the rest in summaries, the last at close', async () => {
    const answer = await grantFor(fake.world, fake.relay, ['get', 'pods', '-n', 'prod']);
    const extra = REFUSALS_IN_FULL + 37;
    const total = REFUSALS_IN_FULL + extra;
    for (let i = 0; i < total; i++) {
      // Alternately outside the namespace and outside the verb class of the grant.
      const response = i % 2 === 0
        ? await viaGateway(answer.gateway, `/api/v1/namespaces/kube-system/secrets/s-${i}`)
        : await viaGateway(answer.gateway, `/api/v1/namespaces/prod/pods/p-${i}`, { method: 'DELETE' });
      expect(response.status).toBe(403);
      await response.text();
    }
    expect(fake.cluster.seen).toEqual([]);
    const full = await entries('gateway.refused');
    expect(full).toHaveLength(REFUSALS_IN_FULL);
    expect(full.every((entry) => entry.sessionId === answer.sessionId && entry.status === 403)).toBe(true);
    // One summary as soon as REFUSALS_IN_FULL more were held; the rest waits for the close.
    const before = await entries('gateway.refusals');
    expect(before).toEqual([expect.objectContaining({ sessionId: answer.sessionId, count: REFUSALS_IN_FULL, final: false, cluster: 'fake', statuses: { 403: REFUSALS_IN_FULL } })]);
    await closeSession(fake.world, fake.relay, answer.sessionId, answer.mask);
    const summaries = await entries('gateway.refusals');
    expect(summaries).toHaveLength(2);
    expect(summaries[1]).toMatchObject({ sessionId: answer.sessionId, count: extra - REFUSALS_IN_FULL, final: true });
    const counted = full.length + summaries.reduce((sum, summary) => sum + summary.count, 0);
    expect(counted).toBe(total);
    const byRule = summaries.reduce<Record<string, number>>((sum, summary) => {
      for (const [rule, n] of Object.entries(summary.rules)) sum[rule] = (sum[rule] ?? 0) + n;
      return sum;
    }, {});
    expect(byRule).toEqual({ scope: extra });
    // The summaries come before the session's close in the log.
    const order: string[] = [];
    for await (const entry of fake.relay.store.read()) if (['gateway.refusals', 'session.closed'].includes(entry.type)) order.push(entry.type);
    expect(order).toEqual(['gateway.refusals', 'gateway.refusals', 'session.closed']);
    // Every refusal is still a line of the relay's record of the session.
    const record = await recordOf(answer.sessionId);
    expect(record.filter((line) => line.type === 'refused')).toHaveLength(total);
  });

  it('counts each session on its own', async () => {
    const quiet = await grantFor(fake.world, fake.relay, ['get', 'pods', '-n', 'prod']);
    const response = await viaGateway(quiet.gateway, '/api/v1/namespaces/kube-system/pods');
    expect(response.status).toBe(403);
    await response.text();
    const mine = (await entries('gateway.refused')).filter((entry) => entry.sessionId === quiet.sessionId);
    expect(mine).toHaveLength(1);
    await closeSession(fake.world, fake.relay, quiet.sessionId, quiet.mask);
    expect((await entries('gateway.refusals')).filter((entry) => entry.sessionId === quiet.sessionId)).toEqual([]);
  });
});
