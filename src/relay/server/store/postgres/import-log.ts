// Moves an embedded relay's store (a data directory) into an empty PostgreSQL database, so the
// relay can go on as one of several: the audit chain, checked link by link on the way and copied
// byte for byte (each row is the line that was hashed), its claims, the signed checkpoints, the
// session blobs, and the signing keys (sealed; the public halves beside them, so manifests and
// checkpoints signed before the move still verify).
//
// Session blobs are copied first (each whole or not at all, and copied again by a re-run); then
// the chain, its checkpoints and the keys go in one transaction that holds the head row, so a
// broken link anywhere, or an import cut short, leaves no chain behind and the import can be run
// again. A database that already holds a chain or keys is refused.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkLine, GENESIS, type AuditEntry } from '../../../../contract/audit-chain.ts';
import { ConfigError } from '../../../../errors.ts';
import { KEYS_FILE, type KeyFile } from '../../keys.ts';
import { keyColumns } from '../../keys-shared.ts';
import { sealingKey } from '../../keys-seal.ts';
import { fileStoreReader } from '../file-store.ts';
import type { BlobKind, ChainHead } from '../store.ts';
import { claimsOf } from './claims.ts';
import { createPool, inTransaction, showUrl, unavailable } from './connection.ts';
import type pg from 'pg';
import { putBlob } from './blobs.ts';
import { checkSchema } from './schema.ts';

/** Every blob kind there is: a kind added to BlobKind must be added here too, or this does not compile. */
const BLOB_KINDS: Record<BlobKind, true> = { cast: true, manifest: true, record: true };

export type ImportResult = { entries: number; head: ChainHead; checkpoints: number; blobs: number; keys: boolean };

const BATCH = 1000;

export async function importDataDir(dataDir: string, url: string, keysSecret: string | null, progress: (line: string) => void = () => {}): Promise<ImportResult> {
  const source = fileStoreReader(dataDir);
  const keyFile = await readKeyFile(dataDir);
  if (keyFile && keysSecret === null) {
    throw new ConfigError('ERR_RELAY_KEYS_SECRET_MISSING', `${join(dataDir, KEYS_FILE)} holds the relay's signing keys, and there is no secret to seal them with in the database`, {
      hint: 'set HKUBECTL_RELAY_KEYS_SECRET (or HKUBECTL_RELAY_KEYS_SECRET_FILE) to the secret the relays on the database will use',
    });
  }
  const sealing = keysSecret === null ? null : sealingKey(keysSecret);
  const pool = createPool({ url, poolSize: 2 });
  try {
    await checkSchema(pool, url);
    await refuseUnlessEmpty(pool, url);
    let blobs = 0;
    for (const kind of Object.keys(BLOB_KINDS) as BlobKind[]) {
      for await (const sessionId of source.listBlobs(kind)) {
        const blob = await source.getBlob(kind, sessionId);
        if (!blob) continue;
        await putBlob(pool, url, kind, sessionId, blob.open() as AsyncIterable<Uint8Array>);
        blobs += 1;
      }
    }
    progress(`copied ${blobs} session files`);
    const { entries, head, checkpoints } = await inTransaction(pool, async (client) => {
      await client.query('SELECT seq FROM hk_chain_head WHERE id = 1 FOR UPDATE');
      await refuseUnlessEmpty(client, url);
      let chainHead: ChainHead = { seq: 0, hash: GENESIS };
      let rows: Array<{ seq: number; line: string; claims: string[] }> = [];
      const flush = async () => {
        const batch = rows;
        rows = [];
        if (batch.length === 0) return;
        const claims = batch.flatMap((row) => row.claims.map((claim) => [claim, row.seq] as const));
        await client.query(
          `WITH entries AS (INSERT INTO hk_audit (seq, line) SELECT * FROM unnest($1::bigint[], $2::text[]))
           INSERT INTO hk_claims (claim, seq) SELECT * FROM unnest($3::text[], $4::bigint[]) ON CONFLICT (claim) DO NOTHING`,
          [batch.map((row) => row.seq), batch.map((row) => row.line), claims.map(([claim]) => claim), claims.map(([, seq]) => seq)]);
      };
      let pending: Promise<void> = Promise.resolve();
      let count = 0;
      const check = await source.checkChain((entry: AuditEntry) => {
        // The line as written is the entry serialised in its own key order (sealEntry writes it
        // so): checked again here, so a row holds exactly the bytes that were hashed.
        const line = JSON.stringify(entry);
        const again = checkLine(line, { seq: chainHead.seq + 1, prev: chainHead.hash });
        if ('problem' in again) throw new ConfigError('ERR_AUDIT_CHAIN_BROKEN', `entry #${entry.seq} does not re-serialise to its hashed line: ${again.problem.message}`);
        chainHead = { seq: entry.seq, hash: entry.hash };
        rows.push({ seq: entry.seq, line, claims: claimsOf(entry) });
        count += 1;
        if (rows.length >= BATCH) pending = pending.then(flush);
      });
      await pending;
      if (check.broken) {
        throw new ConfigError('ERR_AUDIT_CHAIN_BROKEN', `not imported: the chain in ${dataDir} is broken after ${check.entries} good entries: ${check.broken.where} ${check.broken.message}`, {
          hint: check.broken.isLast ? 'its last line is damaged (a crash mid-write): start the embedded relay once with --repair-log, stop it, and import again' : 'keep the data directory as evidence; nothing was written to the database',
        });
      }
      await flush();
      await client.query('UPDATE hk_chain_head SET seq = $1, hash = $2 WHERE id = 1', [chainHead.seq, chainHead.hash]);
      let kept = 0;
      for await (const checkpoint of source.checkpoints()) {
        await client.query('INSERT INTO hk_checkpoints (checkpoint) VALUES ($1)', [JSON.stringify(checkpoint)]);
        kept += 1;
      }
      if (keyFile && sealing) {
        const { sealed, publicJwks } = keyColumns(sealing, keyFile);
        await client.query('INSERT INTO hk_signing_keys (id, version, sealed, public_jwks) VALUES (1, 1, $1, $2)', [sealed, publicJwks]);
      }
      return { entries: count, head: chainHead, checkpoints: kept };
    });
    progress(`imported ${entries} audit entries up to #${head.seq}, ${checkpoints} checkpoints${keyFile ? ', and the signing keys (sealed)' : ''}`);
    return { entries, head, checkpoints, blobs, keys: keyFile !== null };
  } catch (error) {
    throw unavailable(url, 'import the log', error);
  } finally {
    await pool.end();
  }
}

async function refuseUnlessEmpty(db: pg.Pool | pg.PoolClient, url: string): Promise<void> {
  const { rows } = await db.query<{ seq: string; keys: boolean }>('SELECT seq, EXISTS (SELECT 1 FROM hk_signing_keys) AS keys FROM hk_chain_head WHERE id = 1');
  if (Number(rows[0]!.seq) !== 0 || rows[0]!.keys) {
    throw new ConfigError('ERR_STORE_NOT_EMPTY', `${showUrl(url)} already holds an audit chain or signing keys: a log is imported only into an empty database`, {
      hint: 'import into a new database (after `hkubectl relay migrate`), before any relay starts on it',
    });
  }
}

async function readKeyFile(dataDir: string): Promise<KeyFile | null> {
  try {
    return JSON.parse(await readFile(join(dataDir, KEYS_FILE), 'utf8')) as KeyFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError('ERR_RELAY_KEYS_UNREADABLE', `cannot read ${join(dataDir, KEYS_FILE)}: ${(error as Error).message}`, { cause: error });
  }
}
