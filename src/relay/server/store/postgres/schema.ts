// The PostgreSQL store's schema, as numbered migrations applied in order by
// `hkubectl relay migrate` (never by a relay starting: several relays starting at once must not
// race to change the schema, and an operator decides when it changes). A relay checks the version
// at start and refuses a schema it does not know, in either direction.
//
//   hk_audit        one row per audit entry: seq and the exact line that was hashed
//   hk_chain_head   the one row every append locks: the seq and hash the next entry chains after
//   hk_claims       what may happen once in the log (an approval used, a request reviewed)
//   hk_checkpoints  signed checkpoints of the head, oldest first
//   hk_blobs        session blobs by kind and session, their bytes in hk_blob_chunks
//   hk_signing_keys the relays' shared manifest-signing keys, sealed (AES-256-GCM), and their
//                   public halves in the clear (the JWKS an auditor checks signatures with)
import type pg from 'pg';
import { ConfigError } from '../../../../errors.ts';
import { GENESIS } from '../../../../contract/audit-chain.ts';
import { checkout, showUrl, unavailable } from './connection.ts';

export type Migration = { version: number; what: string; sql: string };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'audit chain, claims, checkpoints, session blobs, signing keys',
    sql: `
      CREATE TABLE hk_audit (seq bigint PRIMARY KEY CHECK (seq > 0), line text NOT NULL);
      CREATE TABLE hk_chain_head (id smallint PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL);
      INSERT INTO hk_chain_head (id, seq, hash) VALUES (1, 0, '${GENESIS}');
      CREATE TABLE hk_claims (claim text PRIMARY KEY, seq bigint NOT NULL);
      CREATE TABLE hk_checkpoints (id bigserial PRIMARY KEY, checkpoint text NOT NULL);
      CREATE TABLE hk_blobs (
        kind text NOT NULL, session_id text NOT NULL, upload uuid NOT NULL UNIQUE, size bigint NOT NULL, sha256 text NOT NULL,
        PRIMARY KEY (kind, session_id));
      CREATE TABLE hk_blob_chunks (upload uuid NOT NULL, n integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (upload, n));
      CREATE TABLE hk_signing_keys (id smallint PRIMARY KEY CHECK (id = 1), version integer NOT NULL, sealed text NOT NULL, public_jwks text NOT NULL);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

// One migrate at a time across every relay and operator: an advisory lock keyed by this number.
const MIGRATE_LOCK = 0x686b_6d67;

async function appliedVersion(client: pg.ClientBase): Promise<number | null> {
  const exists = await client.query<{ present: boolean }>(`SELECT to_regclass('hk_schema') IS NOT NULL AS present`);
  if (!exists.rows[0]!.present) return null;
  const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM hk_schema');
  return rows[0]!.version ?? 0;
}

export type MigrateResult = { from: number; to: number; applied: Migration[] };

/** Applies every migration newer than the database's, each in its own transaction. */
export async function migrate(pool: pg.Pool, url: string): Promise<MigrateResult> {
  let client: pg.PoolClient;
  try {
    client = await checkout(pool);
  } catch (error) {
    throw unavailable(url, 'migrate the schema', error);
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS hk_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const from = (await appliedVersion(client)) ?? 0;
    refuseUnknown(from, url);
    const applied: Migration[] = [];
    for (const migration of MIGRATIONS.filter((each) => each.version > from)) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO hk_schema (version) VALUES ($1)', [migration.version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(migration);
    }
    return { from, to: SCHEMA_VERSION, applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]).catch(() => {});
    client.release();
  }
}

function refuseUnknown(version: number, url: string): void {
  if (version > SCHEMA_VERSION) {
    throw new ConfigError('ERR_STORE_SCHEMA_NEWER', `the database ${showUrl(url)} has relay schema version ${version}; this hkubectl knows versions up to ${SCHEMA_VERSION}`, {
      hint: 'a newer hkubectl migrated it: run that version of the relay (or of `hkubectl audit`) against it',
    });
  }
}

/** Refuses (exit 78) a database whose schema is missing, older or newer than this hkubectl's. */
export async function checkSchema(pool: pg.Pool, url: string): Promise<void> {
  let version: number | null;
  try {
    const client = await checkout(pool);
    try {
      version = await appliedVersion(client);
    } finally {
      client.release();
    }
  } catch (error) {
    throw unavailable(url, 'read the schema version', error);
  }
  refuseUnknown(version ?? 0, url);
  if (version === null || version < SCHEMA_VERSION) {
    throw new ConfigError('ERR_STORE_SCHEMA_OLD', `the database ${showUrl(url)} has relay schema version ${version ?? 'none'}; this hkubectl needs version ${SCHEMA_VERSION}`, {
      hint: `run \`hkubectl relay migrate --store ${showUrl(url)}\` first (with the password), then start the relay`,
    });
  }
}
