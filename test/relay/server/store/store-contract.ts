// The contract every implementation of the relay's store meets (src/relay/server/store/store.ts),
// as one reusable suite: the file store runs it in file-store.test.ts, and a PostgreSQL store
// runs the same function with its own factory. Nothing here knows how a store keeps its data.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS, sha256Hex, type AuditEntry, type AuditEvent } from '../../../../src/contract/audit-chain.ts';
import type { SignedCheckpoint } from '../../../../src/contract/checkpoint.ts';
import type { RelayStore } from '../../../../src/relay/server/store/store.ts';

export type StoreUnderTest = {
  store: RelayStore;
  /** The same data opened again, as a restarted relay (or a second relay) sees it. */
  reopen(): Promise<RelayStore>;
  /** A second writer on the same data while the first is open, when the store allows several (PostgreSQL); null when it does not (files). */
  second(): Promise<RelayStore | null>;
  cleanup(): Promise<void>;
};

const expire = (n: number): AuditEvent => ({ type: 'expire', requestId: `r-${n}`, command: `kubectl get pods # ${n}` });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function text(blob: { open(): NodeJS.ReadableStream } | null): Promise<string | null> {
  if (!blob) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of blob.open() as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Entries' own hashes hold and each names the one before. */
function chained(entries: AuditEntry[], from = { seq: 0, hash: GENESIS }): boolean {
  let previous = from;
  for (const { hash, ...rest } of entries) {
    if (rest.seq !== previous.seq + 1 || rest.prev !== previous.hash || sha256Hex(JSON.stringify(rest)) !== hash) return false;
    previous = { seq: rest.seq, hash };
  }
  return true;
}

export function storeContract(name: string, open: () => Promise<StoreUnderTest>): void {
  const withStore = (test: (subject: StoreUnderTest) => Promise<void>) => async () => {
    const subject = await open();
    try {
      await test(subject);
    } finally {
      await subject.cleanup();
    }
  };

  describe(`the relay store contract: ${name}`, () => {
    it('starts empty: head #0 at the genesis hash, nothing to read, an intact empty chain', withStore(async ({ store }) => {
      expect(await store.head()).toEqual({ seq: 0, hash: GENESIS });
      expect(await collect(store.read())).toEqual([]);
      expect(await store.checkChain()).toEqual({ head: { seq: 0, hash: GENESIS }, entries: 0, broken: null });
      expect(await collect(store.checkpoints())).toEqual([]);
      expect(await store.health()).toEqual({ writable: true });
    }));

    it('seals appended events in order, each chained to the one before, and reads them back by range', withStore(async ({ store }) => {
      const first = await store.append([expire(1), expire(2)]);
      const more = await Promise.all([store.append([expire(3)]), store.append([expire(4)]), store.append([expire(5)])]);
      const all = [...first, ...more.flat()];
      expect(all.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(all.map((entry) => (entry.type === 'expire' ? entry.requestId : ''))).toEqual(['r-1', 'r-2', 'r-3', 'r-4', 'r-5']);
      expect(chained(all)).toBe(true);
      expect(await store.head()).toEqual({ seq: 5, hash: all[4]!.hash });
      expect(await collect(store.read())).toEqual(all);
      expect((await collect(store.read({ fromSeq: 2, toSeq: 3 }))).map((entry) => entry.seq)).toEqual([2, 3]);
      expect((await collect(store.read({ fromSeq: 4 }))).map((entry) => entry.seq)).toEqual([4, 5]);
      expect((await collect(store.read({ toSeq: 1 }))).map((entry) => entry.seq)).toEqual([1]);
      expect(await collect(store.read({ fromSeq: 6 }))).toEqual([]);
      const walked: number[] = [];
      expect(await store.checkChain((entry) => walked.push(entry.seq))).toEqual({ head: { seq: 5, hash: all[4]!.hash }, entries: 5, broken: null });
      expect(walked).toEqual([1, 2, 3, 4, 5]);
    }));

    it('appends at an expected head only while the head is there; otherwise refuses with a typed, retryable conflict and writes nothing', withStore(async ({ store }) => {
      await store.append([expire(1)]);
      const [second] = await store.append([expire(2)], { expectSeq: 1 });
      expect(second!.seq).toBe(2);
      const stale = await store.append([expire(3)], { expectSeq: 1 }).catch((error: unknown) => error);
      expect(stale).toMatchObject({ code: 'ERR_STORE_APPEND_CONFLICT', exitCode: 75, expectedSeq: 1, actualSeq: 2 });
      expect((await store.head()).seq).toBe(2);
      expect((await collect(store.read())).map((entry) => entry.seq)).toEqual([1, 2]);
    }));

    it('lets exactly one of two racing appends at the same expected head win, whichever writer makes them', withStore(async ({ store, second }) => {
      await store.append([expire(1)]);
      const other = (await second()) ?? store;
      try {
        const results = await Promise.allSettled([store.append([expire(2)], { expectSeq: 1 }), other.append([expire(3)], { expectSeq: 1 })]);
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.code)).toEqual(['ERR_STORE_APPEND_CONFLICT']);
        const entries = await collect(store.read());
        expect(entries.map((entry) => entry.seq)).toEqual([1, 2]);
        expect(chained(entries)).toBe(true);
      } finally {
        if (other !== store) await other.close();
      }
    }));

    it('delivers to a subscriber every entry after the seq it asks from, then each new one, in order and once', withStore(async ({ store }) => {
      await store.append([expire(1), expire(2), expire(3)]);
      const seen: number[] = [];
      const subscription = await store.subscribe(1, (entry) => seen.push(entry.seq));
      await store.append([expire(4)]);
      await store.append([expire(5), expire(6)]);
      await waitFor(() => seen.length >= 5);
      expect(seen).toEqual([2, 3, 4, 5, 6]);
      subscription.close();
      await store.append([expire(7)]);
      expect(seen).toEqual([2, 3, 4, 5, 6]);
    }));

    it('keeps checkpoints as signed, oldest first, across a reopen', withStore(async ({ store, reopen }) => {
      const checkpoints: SignedCheckpoint[] = [
        { payload: 'eyJ2IjoxfQ', protected: 'eyJhbGciOiJFZERTQSJ9', signature: 'c2ln' },
        { payload: 'eyJ2IjoyfQ', protected: 'eyJhbGciOiJFZERTQSJ9', signature: 'c2lnMg' },
      ];
      for (const checkpoint of checkpoints) await store.addCheckpoint(checkpoint);
      expect(await collect(store.checkpoints())).toEqual(checkpoints);
      await store.append([expire(1)]);
      await store.close();
      const again = await reopen();
      try {
        expect(await collect(again.checkpoints())).toEqual(checkpoints);
        expect((await collect(again.read())).map((entry) => entry.seq)).toEqual([1]);
        expect((await again.append([expire(2)]))[0]!.seq).toBe(2);
      } finally {
        await again.close();
      }
    }));

    it('keeps session blobs whole, from bytes or a stream of chunks, with their sha256 and size', withStore(async ({ store }) => {
      const cast = '{"version":2,"width":80,"height":24}\n[0.1,"o","hello"]\n';
      const digest = await store.putBlob('cast', 's-1', chunks(cast, 7));
      expect(digest).toEqual({ sha256: createHash('sha256').update(cast).digest('hex'), size: Buffer.byteLength(cast) });
      await store.putBlob('manifest', 's-1', Buffer.from('{"payload":"x"}\n'));
      await store.putBlob('manifest', 's-2', Buffer.from('{"payload":"y"}\n'));
      expect(await text(await store.getBlob('cast', 's-1'))).toBe(cast);
      expect((await store.getBlob('cast', 's-1'))!.size).toBe(Buffer.byteLength(cast));
      expect(await text(await store.getBlob('manifest', 's-2'))).toBe('{"payload":"y"}\n');
      expect(await store.getBlob('cast', 's-2')).toBeNull();
      expect((await collect(store.listBlobs('manifest'))).sort()).toEqual(['s-1', 's-2']);
      expect(await collect(store.listBlobs('cast'))).toEqual(['s-1']);
    }));

    it('keeps nothing of a blob whose source fails part-way, and leaves an earlier copy as it was', withStore(async ({ store }) => {
      await store.putBlob('cast', 's-1', Buffer.from('first copy\n'));
      async function* broken(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('half of a');
        throw new Error('the client went away');
      }
      await expect(store.putBlob('cast', 's-1', broken())).rejects.toThrow('the client went away');
      await expect(store.putBlob('cast', 's-3', broken())).rejects.toThrow('the client went away');
      expect(await text(await store.getBlob('cast', 's-1'))).toBe('first copy\n');
      expect(await store.getBlob('cast', 's-3')).toBeNull();
      expect(await collect(store.listBlobs('cast'))).toEqual(['s-1']);
    }));
  });
}

async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition() && tries < 200; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}
