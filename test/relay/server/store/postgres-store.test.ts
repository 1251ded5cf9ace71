// The PostgreSQL store: the same store contract as the file store, on a real throwaway cluster
// (each case on a database of its own, migrated), and what only a shared database needs: claims
// that let one of two relays win, a hand-edited row named, an outage that fails closed and
// heals by itself, a schema it does not know refused, and a pool too small that only slows down.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../src/contract/audit-chain.ts';
import { openPostgresStore, type PostgresStore } from '../../../../src/relay/server/store/postgres/pg-store.ts';
import { SCHEMA_VERSION } from '../../../../src/relay/server/store/postgres/schema.ts';
import { migratedDatabase, startTestCluster, type TestCluster } from '../../../helpers/postgres.ts';
import { storeContract } from './store-contract.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(() => cluster?.remove());

storeContract('PostgreSQL', async () => {
  const url = await migratedDatabase(cluster, 'contract');
  const opened: PostgresStore[] = [await openPostgresStore({ url })];
  const another = async () => opened[opened.push(await openPostgresStore({ url })) - 1]!;
  return {
    store: opened[0]!,
    reopen: another,
    second: another,
    async cleanup() {
      for (const store of opened) await store.close().catch(() => {});
    },
  };
});

const expire = (n: number): AuditEvent => ({ type: 'expire', requestId: `r-${n}`, command: `kubectl get pods # ${n}` });
const review = (requestId: string, subject: string): AuditEvent => ({
  type: 'review', requestId, verdict: 'approve', by: { subject, issuer: 'https://idp.test', groups: ['sre'] }, justification: 'ok', command: 'kubectl delete pod x',
});

async function withStores(count: number, test: (stores: PostgresStore[], url: string) => Promise<void>, url?: string): Promise<void> {
  const database = url ?? (await migratedDatabase(cluster, 'pgstore'));
  const stores: PostgresStore[] = [];
  try {
    for (let n = 0; n < count; n += 1) stores.push(await openPostgresStore({ url: database }));
    await test(stores, database);
  } finally {
    for (const store of stores) await store.close().catch(() => {});
  }
}

async function sql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL store shared by several relays', () => {
  it('records a review of one request once when two relays race, and tells the loser which entry holds it', () => withStores(2, async ([a, b]) => {
    const results = await Promise.allSettled([a!.append([review('req-1', 'ann')]), b!.append([review('req-1', 'bob')])]);
    const won = results.filter((result) => result.status === 'fulfilled') as Array<PromiseFulfilledResult<Array<{ seq: number }>>>;
    const lost = results.filter((result) => result.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost.map((result) => result.reason)).toEqual([expect.objectContaining({ code: 'ERR_STORE_CLAIM_TAKEN', exitCode: 75, heldBySeq: won[0]!.value[0]!.seq })]);
    expect((await a!.checkChain()).entries).toBe(1);
  }));

  it('refuses only the append whose claim is taken when it is batched with others', () => withStores(1, async ([store]) => {
    const results = await Promise.allSettled([
      store!.append([expire(1)]), store!.append([review('req-2', 'ann')]), store!.append([review('req-2', 'bob')]), store!.append([expire(2)]),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await store!.checkChain()).toMatchObject({ entries: 3, broken: null });
  }));

  it('keeps one gapless chain when two relays append at once, and each relay sees every entry in the same order', () => withStores(2, async ([a, b]) => {
    const seenA: number[] = [];
    const seenB: number[] = [];
    await a!.subscribe(0, (entry) => seenA.push(entry.seq));
    await b!.subscribe(0, (entry) => seenB.push(entry.seq));
    await Promise.all(Array.from({ length: 200 }, (_, n) => (n % 2 === 0 ? a! : b!).append([expire(n)])));
    expect(await a!.checkChain()).toMatchObject({ entries: 200, broken: null, head: { seq: 200 } });
    await waitFor(() => seenA.length === 200 && seenB.length === 200);
    expect(seenA).toEqual(Array.from({ length: 200 }, (_, n) => n + 1));
    expect(seenB).toEqual(seenA);
  }));

  it('builds an event that names its own place while the chain is held, however busy the other relay keeps it', () => withStores(2, async ([a, b]) => {
    const flood = Promise.all(Array.from({ length: 300 }, (_, n) => b!.append([expire(n)])));
    const built = await Promise.all(Array.from({ length: 20 }, async (_, n) => {
      let place: { seq: number; prev: string } | null = null;
      const entry = await a!.appendAtHead!((chain) => {
        place = chain;
        return { type: 'expire', requestId: `placed-${n}`, command: `at #${chain.seq} after ${chain.prev}` };
      });
      return { entry, place: place! as { seq: number; prev: string } };
    }));
    await flood;
    for (const { entry, place } of built) expect({ seq: entry.seq, prev: entry.prev }).toEqual(place);
    const refused = await a!.appendAtHead!(() => {
      throw new Error('closed meanwhile');
    }).catch((error: Error) => error.message);
    expect(refused).toBe('closed meanwhile');
    expect(await a!.checkChain()).toMatchObject({ entries: 320, broken: null });
  }));

  it('writes appends that arrive together in a few transactions, not one per append (group commit)', async () => {
    const url = await migratedDatabase(cluster, 'group');
    let transactions = 0;
    // The clock is read once per transaction: how many there were, without timing anything.
    const store = await openPostgresStore({ url, now: () => (transactions += 1, new Date()) });
    try {
      await Promise.all(Array.from({ length: 200 }, (_, n) => store.append([expire(n)])));
      expect(await store.checkChain()).toMatchObject({ entries: 200, broken: null });
      expect(transactions).toBeLessThan(20);
    } finally {
      await store.close();
    }
  });

  it('names a hand-edited row, a renumbered row and a head moved by hand', () => withStores(1, async ([store], url) => {
    await store!.append([expire(1), expire(2), expire(3)]);
    await sql(url, `UPDATE hk_audit SET line = replace(line, 'r-2', 'r-9') WHERE seq = 2`);
    expect((await store!.checkChain()).broken).toEqual({ seq: 2, where: 'table hk_audit, row seq=2', message: expect.stringMatching(/does not match its hash/), isLast: false });
    await sql(url, `UPDATE hk_audit SET line = replace(line, 'r-9', 'r-2') WHERE seq = 2`);
    await sql(url, 'DELETE FROM hk_audit WHERE seq = 3');
    expect((await store!.checkChain()).broken).toMatchObject({ where: 'table hk_chain_head', message: expect.stringMatching(/names #3 .* the last entry is #2/) });
    await sql(url, 'DELETE FROM hk_audit WHERE seq = 2');
    expect((await store!.checkChain()).broken).toMatchObject({ seq: 3, where: 'table hk_chain_head' });
  }));

  it('streams a blob of many chunks in and out with its digest', () => withStores(1, async ([store]) => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');
    big.write('start', 0);
    async function* pieces() {
      for (let at = 0; at < big.length; at += 65_536) yield big.subarray(at, at + 65_536);
    }
    expect(await store!.putBlob('cast', 's-big', pieces())).toEqual({ sha256: createHash('sha256').update(big).digest('hex'), size: big.length });
    const hash = createHash('sha256');
    let chunks = 0;
    for await (const chunk of (await store!.getBlob('cast', 's-big'))!.open() as AsyncIterable<Buffer>) {
      hash.update(chunk);
      chunks += 1;
    }
    expect(hash.digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
    expect(chunks).toBeGreaterThan(1);
  }));

  it('waits for a connection when its pool is exhausted instead of failing', async () => {
    const url = await migratedDatabase(cluster, 'pool');
    const store = await openPostgresStore({ url, poolSize: 1 });
    try {
      const work = [
        ...Array.from({ length: 30 }, (_, n) => store.append([expire(n)])),
        ...Array.from({ length: 5 }, (_, n) => store.putBlob('manifest', `s-${n}`, Buffer.from(`m${n}`))),
        ...Array.from({ length: 5 }, () => store.health()),
      ];
      const results = await Promise.allSettled(work);
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect(await store.checkChain()).toMatchObject({ entries: 30, broken: null });
    } finally {
      await store.close();
    }
  });

  it('refuses to open a database without the schema, or with a newer one, saying what to do', async () => {
    const bare = await cluster.createDatabase(`bare_${process.pid}`);
    await expect(openPostgresStore({ url: bare })).rejects.toMatchObject({ code: 'ERR_STORE_SCHEMA_OLD', exitCode: 78, hint: expect.stringMatching(/hkubectl relay migrate/) });
    const newer = await migratedDatabase(cluster, 'newer');
    await sql(newer, 'INSERT INTO hk_schema (version) VALUES ($1)', [SCHEMA_VERSION + 1]);
    await expect(openPostgresStore({ url: newer })).rejects.toMatchObject({ code: 'ERR_STORE_SCHEMA_NEWER', exitCode: 78 });
  });
});

describe('the PostgreSQL store when the database goes away', () => {
  it('fails appends closed with a retryable error naming the database without its password, writes nothing, and resumes by itself', async () => {
    const own = await startTestCluster();
    try {
      const url = (await migratedDatabase(own, 'outage')).replace('hk@', 'hk:s3cret-pw@');
      const a = await openPostgresStore({ url });
      const b = await openPostgresStore({ url });
      try {
        const seenB: number[] = [];
        await b.subscribe(0, (entry) => seenB.push(entry.seq));
        await a.append([expire(1)]);
        own.stop();
        const refused = await a.append([expire(2)]).catch((error: unknown) => error);
        expect(refused).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', exitCode: 75, message: expect.stringContaining(`postgres://hk@127.0.0.1:${own.port}/`) });
        expect(String((refused as Error).message)).not.toContain('s3cret-pw');
        expect(await a.health()).toMatchObject({ writable: false, problem: expect.stringMatching(/unavailable/) });
        own.start();
        await waitFor(async () => (await a.health()).writable);
        const [next] = await a.append([expire(3)]);
        expect(next!.seq).toBe(2);
        expect(await a.checkChain()).toMatchObject({ entries: 2, broken: null });
        await waitFor(() => seenB.length === 2);
        expect(seenB).toEqual([1, 2]);
      } finally {
        await a.close();
        await b.close();
      }
    } finally {
      own.remove();
    }
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await condition()) && tries < 500; tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
}
