// The signing keys of relays that share a database: one sealed row (keys-seal.ts) in
// hk_signing_keys, with a version so that two relays rotating at once cannot both win, and a
// NOTIFY on hk_keys so that every relay reloads and serves the same JWKS.
import type pg from 'pg';
import { showUrl, unavailable } from './store/postgres/connection.ts';
import { KEYS_CHANNEL } from './store/postgres/notifications.ts';
import { seal, unseal, type SealingKey } from './keys-seal.ts';
import type { KeyFile, KeyVault } from './keys.ts';

/** The row's two columns for `keys`: sealed whole, and the public halves in the clear. */
export function keyColumns(sealing: SealingKey, keys: KeyFile): { sealed: string; publicJwks: string } {
  return { sealed: seal(sealing, JSON.stringify(keys)), publicJwks: publicJwks(keys) };
}

/** The public halves only: what `audit verify --store` checks checkpoints with, no secret needed. */
function publicJwks(keys: KeyFile): string {
  return JSON.stringify({ keys: keys.keys.map((key) => key.publicJwk) });
}

export function databaseVault(pool: pg.Pool, url: string, sealing: SealingKey): KeyVault {
  const where = `${showUrl(url)} (table hk_signing_keys)`;
  let version = 0;
  const read = async (): Promise<KeyFile | null> => {
    let row: { version: number; sealed: string } | undefined;
    try {
      row = (await pool.query<{ version: number; sealed: string }>('SELECT version, sealed FROM hk_signing_keys WHERE id = 1')).rows[0];
    } catch (error) {
      throw unavailable(url, 'read the signing keys', error);
    }
    if (!row) return null;
    version = row.version;
    return JSON.parse(unseal(sealing, row.sealed, where)) as KeyFile;
  };
  return {
    where,
    load: read,
    async create(first) {
      try {
        await pool.query(
          `WITH made AS (INSERT INTO hk_signing_keys (id, version, sealed, public_jwks) VALUES (1, 1, $1, $2) ON CONFLICT (id) DO NOTHING RETURNING id)
           SELECT pg_notify('${KEYS_CHANNEL}', 'created') FROM made`, [seal(sealing, JSON.stringify(first)), publicJwks(first)]);
      } catch (error) {
        throw unavailable(url, 'keep the signing keys', error);
      }
      // Another relay starting at the same moment may have won: everyone uses what is kept.
      return (await read())!;
    },
    async replace(_previous, next) {
      let changed: number;
      try {
        const result = await pool.query(
          `WITH moved AS (UPDATE hk_signing_keys SET version = version + 1, sealed = $1, public_jwks = $3 WHERE id = 1 AND version = $2 RETURNING version)
           SELECT version, pg_notify('${KEYS_CHANNEL}', version::text) FROM moved`, [seal(sealing, JSON.stringify(next)), version, publicJwks(next)]);
        changed = result.rowCount ?? 0;
        if (changed === 1) version = Number(result.rows[0].version);
      } catch (error) {
        throw unavailable(url, 'keep the rotated signing keys', error);
      }
      return changed === 1;
    },
  };
}
