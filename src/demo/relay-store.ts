// `hkubectl demo --store postgres://… [--relays 2]`: the demo's relays on a PostgreSQL database
// instead of files in its temp dir, and with two relays the agent talks to one and the approver
// to the other, so the approval visibly crosses relays. The database is migrated first (a demo
// sets itself up); its signing keys are sealed with HKUBECTL_RELAY_KEYS_SECRET, or with a secret
// made for this run (a later run on the same database then needs that variable).
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.ts';
import type { StoreChoice } from '../relay/server/open-store.ts';
import { KEYS_SECRET_ENV } from '../relay/server/keys-seal.ts';
import { createPool, isPostgresUrl } from '../relay/server/store/postgres/connection.ts';
import { migrate } from '../relay/server/store/postgres/schema.ts';

export type DemoStore = { choice: StoreChoice; relays: 1 | 2 };

export const FILES: DemoStore = { choice: null, relays: 1 };

/** From `--store` and `--relays`; two relays need a database to share. */
export function demoStore(flags: { store?: string; relays?: string }, env: NodeJS.ProcessEnv): DemoStore {
  const relays = flags.relays === undefined ? 1 : Number(flags.relays);
  if (relays !== 1 && relays !== 2) throw new UsageError('ERR_DEMO_BAD_OPTIONS', `--relays is 1 or 2, not "${flags.relays}"`);
  if (flags.store === undefined) {
    if (relays === 2) throw new UsageError('ERR_DEMO_BAD_OPTIONS', '--relays 2 needs --store postgres://…: two relays share one database', { hint: 'e.g. hkubectl demo --store postgres://localhost/hkdemo --relays 2' });
    return FILES;
  }
  if (!isPostgresUrl(flags.store)) throw new UsageError('ERR_DEMO_BAD_OPTIONS', '--store must be a postgres:// URL');
  const keysSecret = env[KEYS_SECRET_ENV] || randomBytes(32).toString('base64');
  return { choice: { postgres: { url: flags.store, keysSecret } }, relays };
}

/** Brings the database to this hkubectl's schema, as `hkubectl relay migrate` does. */
export async function prepareDatabase(store: DemoStore): Promise<void> {
  if (!store.choice) return;
  const { url } = store.choice.postgres;
  const pool = createPool({ url, poolSize: 1 });
  try {
    await migrate(pool, url);
  } finally {
    await pool.end();
  }
}
