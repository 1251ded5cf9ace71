// Several relays on one PostgreSQL database, in-process with real HTTP and real tokens: what one
// relay records, every relay knows; approvals cross relays; races between relays have one winner;
// the signing keys are the same everywhere; a database outage fails decisions closed and heals.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApproveAnswer } from '../../../../src/contract/relay-api.ts';
import type { Relay } from '../../../../src/relay/server/server.ts';
import { migratedDatabase, startTestCluster, type TestCluster } from '../../../helpers/postgres.ts';
import { startWorld, type World } from '../../fixtures.ts';

const SECRET = 'a test secret of more than thirty-two characters';
const prodDelete = { argv: ['delete', 'pod', 'api-1', '-n', 'prod'], context: 'prod-eu', cluster: 'eu-1', reason: 'pod is wedged', agent: 'claude', runId: 'run-42' };

let cluster: TestCluster;
let world: World;
beforeAll(async () => {
  cluster = await startTestCluster();
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
  cluster?.remove();
});

async function twoRelays(url?: string): Promise<[Relay, Relay, string]> {
  const database = url ?? (await migratedDatabase(cluster, 'relays'));
  const store = { postgres: { url: database, keysSecret: SECRET } };
  const a = await world.relay({ store });
  const b = await world.relay({ store });
  return [a, b, database];
}

async function rows(url: string, text: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('two relays on one database', () => {
  it('releases an agent waiting on one relay when an approver answers on the other', async () => {
    const [a, b] = await twoRelays();
    const { requestId } = await world.client(a, 'agent-7').submit(prodDelete) as ApproveAnswer;
    // The request is pending on both: an approver's inbox on B lists it.
    await expect.poll(async () => (await world.client(b, 'alice').list()).requests.map((request) => request.id)).toContain(requestId);
    const waiting = world.client(a, 'agent-7').wait(requestId, 30_000);
    await world.client(b, 'alice').review(requestId, 'approve', 'go ahead');
    expect(await waiting).toMatchObject({ status: 'approved', review: { by: { subject: 'alice' } } });
    // The approval is used on A, once: B sees it consumed.
    const allowed = await world.client(a, 'agent-7').submit(prodDelete);
    expect(allowed).toMatchObject({ decision: 'allow', requestId });
    await expect.poll(async () => (await world.client(b, 'agent-7').get(requestId)).status).toBe('consumed');
  });

  it('lets one of two approvers answering the same request on two relays at once win; the other gets 409', async () => {
    const [a, b] = await twoRelays();
    const { requestId } = await world.client(a, 'agent-7').submit(prodDelete) as ApproveAnswer;
    await expect.poll(async () => b.state.requests.has(requestId)).toBe(true);
    const results = await Promise.allSettled([
      world.client(a, 'alice').review(requestId, 'approve', 'fine'),
      world.client(b, 'bob').review(requestId, 'deny', 'no'),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason))
      .toEqual([expect.objectContaining({ status: 409, code: 'ERR_ALREADY_REVIEWED' })]);
    const entries = [];
    for await (const entry of a.store.read()) entries.push(entry);
    expect(entries.filter((entry) => entry.type === 'review')).toHaveLength(1);
  });

  it('uses a single-use approval once when the agent runs it on both relays at the same moment', async () => {
    const [a, b] = await twoRelays();
    const { requestId } = await world.client(a, 'agent-7').submit(prodDelete) as ApproveAnswer;
    await world.client(a, 'alice').review(requestId, 'approve', 'once');
    await expect.poll(async () => b.state.requests.get(requestId)?.status).toBe('approved');
    const answers = await Promise.all([world.client(a, 'agent-7').submit(prodDelete), world.client(b, 'agent-7').submit(prodDelete)]);
    expect(answers.filter((answer) => answer.decision === 'allow')).toHaveLength(1);
    expect(answers.filter((answer) => answer.decision === 'approve').map((answer) => answer.requestId)).not.toContain(requestId);
    const uses = await rows((a.store as unknown as { url: string }).url, `SELECT claim FROM hk_claims WHERE claim = 'consume:${requestId}'`);
    expect(uses).toHaveLength(1);
    const entries = [];
    for await (const entry of b.store.read()) entries.push(entry);
    expect(entries.filter((entry) => entry.type === 'decision' && entry.consumes === requestId)).toHaveLength(1);
  });

  it('serves the same JWKS from every relay, keeps the private keys sealed in the database, and spreads a rotation', async () => {
    const [a, b, url] = await twoRelays();
    expect(await world.client(b).jwks()).toEqual(await world.client(a).jwks());
    const { sealed } = (await rows(url, 'SELECT sealed FROM hk_signing_keys'))[0] as { sealed: string };
    expect(sealed).toMatch(/^hk-keys-v1\./);
    expect(sealed).not.toMatch(/"d"|privateJwk|OKP/);
    const { kid } = await a.rotateKey();
    await expect.poll(async () => (await world.client(b).jwks()).keys.map((key) => key.kid)).toContain(kid);
    await expect.poll(() => b.keys.kid()).toBe(kid);
    expect(await world.client(b).jwks()).toEqual(await world.client(a).jwks());
  });

  it('refuses to start with a keys secret other than the one the keys were sealed with', async () => {
    const [, , url] = await twoRelays();
    await expect(world.relay({ store: { postgres: { url, keysSecret: `${SECRET} but another` } } })).rejects.toMatchObject({ code: 'ERR_RELAY_KEYS_SECRET_WRONG', exitCode: 78 });
  });
});

describe('relays whose database goes away', () => {
  it('refuses to start while the database is down (exit 75), naming it without its password', async () => {
    const own = await startTestCluster();
    try {
      const url = (await migratedDatabase(own, 'down')).replace('hk@', 'hk:pw-not-shown@');
      own.stop();
      const refused = await world.relay({ store: { postgres: { url, keysSecret: SECRET } } }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', exitCode: 75, message: expect.stringContaining(`postgres://hk@127.0.0.1:${own.port}/`) });
      expect((refused as Error).message).not.toContain('pw-not-shown');
    } finally {
      own.remove();
    }
  });

  it('answers decisions with 503 while the database is down, records nothing half-way, and serves again once it is back', async () => {
    const own = await startTestCluster();
    try {
      const [a, b] = await twoRelays(await migratedDatabase(own, 'outage'));
      await world.client(a, 'agent-7').submit({ argv: ['get', 'pods', '-n', 'dev'] });
      own.stop();
      await expect(world.client(a, 'agent-7').submit({ argv: ['get', 'pods', '-n', 'dev'] })).rejects.toMatchObject({ status: 503, code: 'ERR_STORE_UNAVAILABLE' });
      expect(await world.client(b).health().catch((error: { status: number }) => error.status)).toBe(503);
      own.start();
      await expect.poll(async () => (await world.client(b).health().catch(() => ({ ok: false }))).ok, { timeout: 20_000 }).toBe(true);
      await expect(world.client(b, 'agent-7').submit({ argv: ['get', 'pods', '-n', 'dev'] })).resolves.toMatchObject({ decision: 'allow' });
      expect(await a.store.checkChain()).toMatchObject({ broken: null });
      const decisions = [];
      for await (const entry of a.store.read()) if (entry.type === 'decision') decisions.push(entry);
      expect(decisions).toHaveLength(2);
      await a.stop();
      await b.stop();
    } finally {
      own.remove();
    }
  });
});
