// Session blobs (a .cast as uploaded, a manifest as signed, any later kind: the kind is a text
// column) in the database, as bytea chunks of at most CHUNK bytes. A blob streams in and out a
// chunk at a time, never whole in memory. It is written in one transaction under a fresh upload
// id and the (kind, session) row is pointed at it only at the end, so a source that fails
// part-way leaves nothing, and an earlier copy stays as it was until the new one is complete.
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type pg from 'pg';
import type { BlobDigest, BlobKind, StoredBlob } from '../store.ts';
import { inTransaction, unavailable } from './connection.ts';

const CHUNK = 256 * 1024;

async function* rechunk(content: Uint8Array | AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  if (content instanceof Uint8Array) {
    for (let at = 0; at < content.length; at += CHUNK) yield Buffer.from(content.subarray(at, at + CHUNK));
    return;
  }
  let held: Buffer[] = [];
  let size = 0;
  for await (const piece of content) {
    held.push(Buffer.from(piece));
    size += piece.length;
    while (size >= CHUNK) {
      const all = Buffer.concat(held);
      yield all.subarray(0, CHUNK);
      held = [all.subarray(CHUNK)];
      size = held[0]!.length;
    }
  }
  if (size > 0) yield Buffer.concat(held);
}

export async function putBlob(pool: pg.Pool, url: string, kind: BlobKind, sessionId: string, content: Uint8Array | AsyncIterable<Uint8Array>): Promise<BlobDigest> {
  const upload = randomUUID();
  const hash = createHash('sha256');
  let size = 0;
  let sourceFailed: unknown = null;
  try {
    await inTransaction(pool, async (client) => {
      let n = 0;
      try {
        for await (const chunk of rechunk(content)) {
          hash.update(chunk);
          size += chunk.length;
          await client.query('INSERT INTO hk_blob_chunks (upload, n, data) VALUES ($1, $2, $3)', [upload, n, chunk]);
          n += 1;
        }
      } catch (error) {
        sourceFailed = error;
        throw error;
      }
      const previous = await client.query<{ upload: string }>(
        'SELECT upload FROM hk_blobs WHERE kind = $1 AND session_id = $2 FOR UPDATE', [kind, sessionId]);
      await client.query(
        `INSERT INTO hk_blobs (kind, session_id, upload, size, sha256) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, session_id) DO UPDATE SET upload = excluded.upload, size = excluded.size, sha256 = excluded.sha256`,
        [kind, sessionId, upload, size, hash.copy().digest('hex')]);
      if (previous.rows[0]) await client.query('DELETE FROM hk_blob_chunks WHERE upload = $1', [previous.rows[0].upload]);
    });
  } catch (error) {
    // The source's own failure (the client went away) is the caller's to see as it was.
    if (sourceFailed !== null) throw sourceFailed;
    throw unavailable(url, `keep the ${kind} of session ${sessionId}`, error);
  }
  return { sha256: hash.digest('hex'), size };
}

export async function getBlob(pool: pg.Pool, url: string, kind: BlobKind, sessionId: string): Promise<StoredBlob | null> {
  let row: { upload: string; size: string } | undefined;
  try {
    row = (await pool.query<{ upload: string; size: string }>('SELECT upload, size FROM hk_blobs WHERE kind = $1 AND session_id = $2', [kind, sessionId])).rows[0];
  } catch (error) {
    throw unavailable(url, `read the ${kind} of session ${sessionId}`, error);
  }
  if (!row) return null;
  const { upload } = row;
  return { size: Number(row.size), open: () => Readable.from(chunksOf(pool, url, upload)) };
}

async function* chunksOf(pool: pg.Pool, url: string, upload: string): AsyncGenerator<Buffer> {
  for (let n = 0; ; n += 1) {
    let rows: Array<{ data: Buffer }>;
    try {
      rows = (await pool.query<{ data: Buffer }>('SELECT data FROM hk_blob_chunks WHERE upload = $1 AND n = $2', [upload, n])).rows;
    } catch (error) {
      throw unavailable(url, 'read a session blob', error);
    }
    if (rows.length === 0) return;
    yield rows[0]!.data;
  }
}

export async function* listBlobs(pool: pg.Pool, url: string, kind: BlobKind): AsyncGenerator<string> {
  let rows: Array<{ session_id: string }>;
  try {
    rows = (await pool.query<{ session_id: string }>('SELECT session_id FROM hk_blobs WHERE kind = $1 ORDER BY session_id', [kind])).rows;
  } catch (error) {
    throw unavailable(url, `list the ${kind} blobs`, error);
  }
  for (const row of rows) yield row.session_id;
}
