// Appends to the one audit chain that every relay on the database shares.
//
// Serialised in the database: each transaction locks the hk_chain_head row first, so appends
// from every relay take turns, each seals its entries after the head it read (seq + 1, prev =
// that hash), and the new head is written in the same transaction. Seqs therefore have no gaps
// or forks whoever writes, and an entry is visible only once committed, after all before it.
//
// Group commit: appends that arrive while a transaction is in flight wait and go together in
// the next one (one lock, one insert, one commit), so a busy relay makes a few round trips per
// batch, not per decision. Within a batch each append is judged on its own: one whose
// `expectSeq` is stale or whose claim (claims.ts) is taken is refused, the others are written.
import type pg from 'pg';
import { sealEntry, type AuditEntry, type AuditEvent } from '../../../../contract/audit-chain.ts';
import { AppendConflictError, ClaimTakenError, type ChainHead } from '../store.ts';
import { claimsOf } from './claims.ts';
import { inTransaction, unavailable } from './connection.ts';

type Build = (chain: { seq: number; prev: string }) => AuditEvent;

type Pending = {
  /** The events, or what builds the one event once its place is known (appendAtHead). */
  events: readonly AuditEvent[] | Build;
  expectSeq: number | undefined;
  resolve: (entries: AuditEntry[]) => void;
  reject: (error: Error) => void;
};

export type ChainWriter = {
  append(events: readonly AuditEvent[] | Build, expectSeq?: number): Promise<AuditEntry[]>;
  /** Settles once nothing is queued or in flight. */
  idle(): Promise<void>;
};

const MAX_BATCH = 1000;

export function createChainWriter(pool: pg.Pool, url: string, now: () => Date, onCommitted: (entries: AuditEntry[]) => Promise<void>): ChainWriter {
  let queue: Pending[] = [];
  let running: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      let outcomes: Array<AuditEntry[] | Error>;
      try {
        outcomes = await inTransaction(pool, (client) => writeBatch(client, batch, now));
      } catch (error) {
        const failure = unavailable(url, 'write the audit log', error);
        for (const pending of batch) pending.reject(failure);
        continue;
      }
      // Delivered to this relay's subscribers before anyone hears that the append is durable.
      const written = outcomes.filter((outcome): outcome is AuditEntry[] => !(outcome instanceof Error)).flat();
      if (written.length > 0) await onCommitted(written).catch(() => {});
      batch.forEach((pending, index) => {
        const outcome = outcomes[index]!;
        if (outcome instanceof Error) pending.reject(outcome);
        else pending.resolve(outcome);
      });
    }
    running = null;
  }

  return {
    append(events, expectSeq) {
      if (typeof events !== 'function' && events.length === 0) return Promise.resolve([]);
      return new Promise((resolve, reject) => {
        queue.push({ events, expectSeq, resolve, reject });
        running ??= drain();
      });
    },
    async idle() {
      while (running) await running;
    },
  };
}

async function writeBatch(client: pg.PoolClient, batch: Pending[], now: () => Date): Promise<Array<AuditEntry[] | Error>> {
  const locked = await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM hk_chain_head WHERE id = 1 FOR UPDATE');
  let head: ChainHead = { seq: Number(locked.rows[0]!.seq), hash: locked.rows[0]!.hash };
  const taken = new Map<string, number>();
  const lookUp = async (claims: string[]) => {
    const unknown = claims.filter((claim) => !taken.has(claim));
    if (unknown.length === 0) return;
    const held = await client.query<{ claim: string; seq: string }>('SELECT claim, seq FROM hk_claims WHERE claim = ANY($1::text[])', [unknown]);
    for (const row of held.rows) taken.set(row.claim, Number(row.seq));
  };
  await lookUp(batch.flatMap((pending) => (typeof pending.events === 'function' ? [] : pending.events.flatMap(claimsOf))));
  const seqs: number[] = [];
  const lines: string[] = [];
  const claims: string[] = [];
  const claimSeqs: number[] = [];
  const ts = now().toISOString();
  const outcomes: Array<AuditEntry[] | Error> = [];
  // Appends that name the head they expect go first: they arrived together with the others, and
  // would otherwise be refused merely for being queued behind them.
  const order = [...batch.keys()].sort((a, b) => Number(batch[a]!.expectSeq === undefined) - Number(batch[b]!.expectSeq === undefined));
  for (const index of order) {
    const pending = batch[index]!;
    if (pending.expectSeq !== undefined && pending.expectSeq !== head.seq) {
      outcomes[index] = new AppendConflictError(pending.expectSeq, head.seq);
      continue;
    }
    let events: readonly AuditEvent[];
    if (typeof pending.events === 'function') {
      try {
        events = [pending.events({ seq: head.seq + 1, prev: head.hash })];
      } catch (error) {
        outcomes[index] = error as Error;
        continue;
      }
      await lookUp(events.flatMap(claimsOf));
    } else events = pending.events;
    const mine = events.map((event) => claimsOf(event));
    const clash = mine.flat().find((claim) => taken.has(claim));
    if (clash !== undefined) {
      outcomes[index] = new ClaimTakenError(clash, taken.get(clash)!);
      continue;
    }
    outcomes[index] = events.map((event, at) => {
      const { line, entry } = sealEntry(event, head.seq + 1, ts, head.hash);
      head = { seq: entry.seq, hash: entry.hash };
      seqs.push(entry.seq);
      lines.push(line);
      for (const claim of mine[at]!) {
        taken.set(claim, entry.seq);
        claims.push(claim);
        claimSeqs.push(entry.seq);
      }
      return entry;
    });
  }
  if (seqs.length === 0) return outcomes;
  // One statement: the entries, their claims (the primary key is the constraint that decides a
  // race), the new head, and the wake-up for every relay listening (sent at commit).
  await client.query(
    `WITH entries AS (INSERT INTO hk_audit (seq, line) SELECT * FROM unnest($1::bigint[], $2::text[])),
          claimed AS (INSERT INTO hk_claims (claim, seq) SELECT * FROM unnest($3::text[], $4::bigint[])),
          moved AS (UPDATE hk_chain_head SET seq = $5, hash = $6 WHERE id = 1)
     SELECT pg_notify('hk_audit', $7)`,
    [seqs, lines, claims, claimSeqs, head.seq, head.hash, String(head.seq)],
  );
  return outcomes;
}
