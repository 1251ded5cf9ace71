// The PostgreSQL store's connection pool, and the two things every module of it needs: a URL that
// can be shown (never its password) and one way of turning a failed round trip into the
// relay's "temporarily unavailable" (exit 75, HTTP 503).
//
// An exhausted pool makes callers wait for a connection (back-pressure), never fail: pg's Pool
// queues `connect()` until one is free. A database that is down refuses connections at once,
// which is what fails a request closed.
import pg from 'pg';
import { isHkError, TemporaryError } from '../../../../errors.ts';

export type PostgresOptions = {
  url: string;
  /** Connections this relay holds at most (default 10). */
  poolSize?: number;
};

/** The URL as it may be shown: user, host, port and database, never a password or query options. */
export function showUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres://(an unparsable URL)';
  }
}

export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

export function createPool(options: PostgresOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // Seconds of connect() on a host that does not answer at all; a refused port fails at once.
    connectionTimeoutMillis: 0,
    idleTimeoutMillis: 30_000,
    application_name: 'hkubectl-relay',
  });
  // An idle client whose server went away emits here; the pool drops it and makes a new one.
  pool.on('error', () => {});
  return pool;
}

/** What a failed round trip becomes: retryable, with the database named but not its password. */
export function unavailable(url: string, doing: string, error: unknown): Error {
  if (isHkError(error)) return error;
  const reason = (error as Error)?.message || String(error);
  return new TemporaryError('ERR_STORE_UNAVAILABLE', `cannot ${doing}: the database ${showUrl(url)} is unavailable (${reason})`, {
    cause: error, hint: 'nothing was recorded; the relay serves again by itself once the database answers',
  });
}

const ignore = () => {};

/**
 * A pooled client for several queries. pg emits 'error' on a checked-out client whose server
 * goes away even while a query is failing with that error; the query's own rejection is what
 * callers handle, so the event is absorbed here until the client is back in the pool.
 */
export async function checkout(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  client.on('error', ignore);
  const release = client.release.bind(client);
  client.release = (error?: Error | boolean) => {
    client.removeListener('error', ignore);
    release(error);
  };
  return client;
}

/** Runs `work` in one transaction on a pooled client; a failure rolls back and drops a broken connection. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await checkout(pool);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
