// The relay's store in PostgreSQL, shared by every relay pointed at the same database: one audit
// chain (chain-writer.ts), entries delivered to each relay as they commit (delivery.ts, woken by
// notifications.ts), checkpoints in a table, session blobs in chunks (blobs.ts). The schema is
// versioned (schema.ts) and must be exactly the one this hkubectl knows.
import type { AuditEntry } from '../../../../contract/audit-chain.ts';
import type { SignedCheckpoint } from '../../../../contract/checkpoint.ts';
import type { AuditStoreReader, RelayStore, StoreHealth } from '../store.ts';
import { getBlob, listBlobs, putBlob } from './blobs.ts';
import { createChainWriter } from './chain-writer.ts';
import { createPool, showUrl, unavailable, type PostgresOptions } from './connection.ts';
import { createDelivery } from './delivery.ts';
import { checkRows, readEntries, readHead } from './audit-rows.ts';
import { AUDIT_CHANNEL, KEYS_CHANNEL, listenForAppends } from './notifications.ts';
import { checkSchema } from './schema.ts';
import type pg from 'pg';

export type PostgresStore = RelayStore & {
  readonly pool: pg.Pool;
  readonly url: string;
  /** Called when another relay changed the shared signing keys (keys-shared.ts). */
  onKeysChanged(listener: () => void): void;
};

/** What an auditor's tool reads, with the relays' public keys (kept beside the sealed private ones). */
export type PostgresReader = AuditStoreReader & { publicJwks(): Promise<{ keys: unknown[] } | null> };

export type PostgresStoreOptions = PostgresOptions & { now?: () => Date };

function readerOn(pool: pg.Pool, url: string): PostgresReader {
  return {
    location: showUrl(url),
    async publicJwks() {
      try {
        const row = (await pool.query<{ public_jwks: string }>('SELECT public_jwks FROM hk_signing_keys WHERE id = 1')).rows[0];
        return row ? (JSON.parse(row.public_jwks) as { keys: unknown[] }) : null;
      } catch (error) {
        throw unavailable(url, 'read the public keys', error);
      }
    },
    head: () => readHead(pool, url),
    read: (range) => readEntries(pool, url, range),
    checkChain: (onEntry) => checkRows(pool, url, onEntry),
    async *checkpoints() {
      let rows: Array<{ checkpoint: string }>;
      try {
        rows = (await pool.query<{ checkpoint: string }>('SELECT checkpoint FROM hk_checkpoints ORDER BY id')).rows;
      } catch (error) {
        throw unavailable(url, 'read the checkpoints', error);
      }
      for (const row of rows) yield JSON.parse(row.checkpoint) as SignedCheckpoint;
    },
    getBlob: (kind, sessionId) => getBlob(pool, url, kind, sessionId),
    listBlobs: (kind) => listBlobs(pool, url, kind),
    close: () => pool.end(),
  };
}

/** Reads the database for an auditor's tool: nothing is listened to or written. */
export async function openPostgresReader(options: PostgresOptions): Promise<PostgresReader> {
  const pool = createPool(options);
  try {
    await checkSchema(pool, options.url);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return readerOn(pool, options.url);
}

/** Opens the store; refuses an unknown schema (78) and a database that does not answer (75). */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const { url } = options;
  const now = options.now ?? (() => new Date());
  const pool = createPool(options);
  let head;
  try {
    await checkSchema(pool, url);
    head = await readHead(pool, url);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const reader = readerOn(pool, url);
  const delivery = createDelivery(head.seq, (afterSeq, toSeq) => readEntries(pool, url, { fromSeq: afterSeq + 1, ...(toSeq === undefined ? {} : { toSeq }) }));
  const writer = createChainWriter(pool, url, now, (entries: AuditEntry[]) => delivery.committed(entries));
  const keyListeners = new Set<() => void>();
  const listening = listenForAppends(url, (channel, payload) => {
    // The payload is the head a commit left; this relay's own commits are mostly delivered already.
    if (channel === AUDIT_CHANNEL && !(payload !== undefined && Number(payload) <= delivery.delivered())) delivery.wake();
    if (channel === KEYS_CHANNEL) for (const listener of keyListeners) listener();
  });

  return {
    ...reader,
    pool,
    url,
    deliveredWhenDurable: true,
    onKeysChanged: (listener) => keyListeners.add(listener),
    append: (events, appendOptions = {}) => writer.append(events, appendOptions.expectSeq),
    appendAtHead: async (build) => (await writer.append(build))[0]!,
    subscribe: (afterSeq, listener) => delivery.subscribe(afterSeq, listener),
    async addCheckpoint(checkpoint) {
      try {
        await pool.query('INSERT INTO hk_checkpoints (checkpoint) VALUES ($1)', [JSON.stringify(checkpoint)]);
      } catch (error) {
        throw unavailable(url, 'keep a checkpoint', error);
      }
    },
    putBlob: (kind, sessionId, content) => putBlob(pool, url, kind, sessionId, content),
    async health(): Promise<StoreHealth> {
      try {
        await pool.query('SELECT 1 FROM hk_chain_head WHERE id = 1');
        return { writable: true };
      } catch (error) {
        return { writable: false, problem: unavailable(url, 'write the audit log', error).message };
      }
    },
    async close() {
      await writer.idle();
      await delivery.idle();
      await listening.close();
      await pool.end();
    },
  };
}
