// Which store a relay keeps everything in, opened with its signing keys and its state replayed:
//   files (the default): the data directory, locked to this relay; keys in keys.json there;
//   PostgreSQL: a database several relays share; keys sealed in it (keys-shared.ts); no lock,
//     since sharing is the point, and nothing of the relay's state on the relay's own disk.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { AuditEntry } from '../../contract/audit-chain.ts';
import { ConfigError } from '../../errors.ts';
import type { AuditLog } from './store/audit-log.ts';
import { openFileStore } from './store/file-store.ts';
import { openPostgresStore } from './store/postgres/pg-store.ts';
import type { ChainHead, RelayStore } from './store/store.ts';
import { openKeyStore, openKeyStoreIn, type KeyStore } from './keys.ts';
import { databaseVault } from './keys-shared.ts';
import { sealingKey } from './keys-seal.ts';

export type PostgresChoice = {
  url: string;
  poolSize?: number;
  /** Seals the signing keys in the database (keys-seal.ts); the same on every relay. */
  keysSecret: string;
};

export type StoreChoice = { postgres: PostgresChoice } | null;

export type OpenedStore = {
  store: RelayStore;
  /** The file store's log; null on PostgreSQL. */
  log: AuditLog | null;
  keys: KeyStore;
  /** A first signing key was made just now. */
  keysCreated: boolean;
  /** The head the replayed state reaches (the subscription goes on from there). */
  head: ChainHead;
  /** Everything written is durable (the file store's group commit caught up). */
  flushed(): Promise<void>;
  close(): Promise<void>;
};

export type OpenStoreOptions = {
  dataDir: string;
  choice: StoreChoice;
  repair: boolean;
  clock: () => Date;
  /** Receives every entry already in the log, in order. */
  replay: (entry: AuditEntry) => void;
};

export async function openRelayStore(options: OpenStoreOptions): Promise<OpenedStore> {
  return options.choice ? openShared(options.choice.postgres, options) : openFiles(options);
}

async function openFiles({ dataDir, repair, clock, replay }: OpenStoreOptions): Promise<OpenedStore> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const release = await lockDataDir(dataDir);
  try {
    const store = await openFileStore({ dataDir, repair, now: clock, onEntry: replay });
    try {
      const keys = await openKeyStore(dataDir, clock);
      return {
        store, log: store.log, keys: keys.store, keysCreated: keys.created, head: await store.head(),
        flushed: () => store.log.flushed(),
        async close() {
          await store.close();
          await release();
        },
      };
    } catch (error) {
      await store.close();
      throw error;
    }
  } catch (error) {
    await release();
    throw error;
  }
}

async function openShared(choice: PostgresChoice, { clock, replay }: OpenStoreOptions): Promise<OpenedStore> {
  const sealing = sealingKey(choice.keysSecret);
  const store = await openPostgresStore({ url: choice.url, ...(choice.poolSize ? { poolSize: choice.poolSize } : {}), now: clock });
  try {
    const keys = await openKeyStoreIn(databaseVault(store.pool, store.url, sealing), clock);
    // Another relay rotated: reload, so every relay serves the same JWKS and signs with the current key.
    store.onKeysChanged(() => void keys.store.reload().catch(() => {}));
    const head = await store.head();
    for await (const entry of store.read({ toSeq: head.seq })) replay(entry);
    return { store, log: null, keys: keys.store, keysCreated: keys.created, head, flushed: async () => {}, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, { lockfilePath: join(dataDir, 'relay.lock'), stale: 15_000, update: 5_000, realpath: false });
  } catch (error) {
    throw new ConfigError('ERR_RELAY_DATA_LOCKED', `another relay is using the data directory ${dataDir}`, {
      hint: 'stop that relay first, or give this one its own --data directory', cause: error,
    });
  }
}
