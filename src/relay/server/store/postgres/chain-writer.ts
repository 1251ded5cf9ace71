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

type Pending = {
  events: readonly AuditEvent[];
  expectSeq: number | undefined;
  resolve: (entries: AuditEntry[]) => void;
  reject: (error: Error) => void;
};

export type ChainWriter = {
  append(events: readonly AuditEvent[], expectSeq?: number): Promise<AuditEntry[]>;
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
      if (events.length === 0) return Promise.resolve([]);
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
  const wanted = batch.flatMap((pending) => pending.events.flatMap(claimsOf));
  const taken = new Map<string, number>();
  if (wanted.length > 0) {
    const held = await client.query<{ claim: string; seq: string }>('SELECT claim, seq FROM hk_claims WHERE claim = ANY($1::text[])', [wanted]);
    for (const row of held.rows) taken.set(row.claim, Number(row.seq));
  }
  const seqs: number[] = [];
  const lines: string[] = [];
  const claims: string[] = [];
  const claimSeqs: number[] = [];
  const ts = now().toISOString();
  const outcomes = batch.map((pending): AuditEntry[] | Error => {
    if (pending.expectSeq !== undefined && pending.expectSeq !== head.seq) return new AppendConflictError(pending.expectSeq, head.seq);
    const mine = pending.events.map((event) => claimsOf(event));
    const clash = mine.flat().find((claim) => taken.has(claim));
    if (clash !== undefined) return new ClaimTakenError(clash, taken.get(clash)!);
    return pending.events.map((event, index) => {
      const { line, entry } = sealEntry(event, head.seq + 1, ts, head.hash);
      head = { seq: entry.seq, hash: entry.hash };
      seqs.push(entry.seq);
      lines.push(line);
      for (const claim of mine[index]!) {
        taken.set(claim, entry.seq);
        claims.push(claim);
        claimSeqs.push(entry.seq);
      }
      return entry;
    });
  });
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
