// A throwaway PostgreSQL cluster for tests and benches: initdb + pg_ctl in a temp dir, listening
// only on 127.0.0.1 at a free port, removed after. PostgreSQL refuses to run as root and tests
// run as root (here and in CI), so the cluster runs as `nobody`. fsync is off unless asked for:
// a test cluster need not survive a power cut, and it makes each commit cheap on a shared 2-core
// machine (benches ask for a durable one).
import { spawnSync } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { createPool } from '../../src/relay/server/store/postgres/connection.ts';
import { migrate } from '../../src/relay/server/store/postgres/schema.ts';
import { closedPort } from './ports.ts';

export type TestCluster = {
  /** postgres://… for the database `hk` (no password: trust on loopback, in a temp dir). */
  url: string;
  port: number;
  /** A fresh empty database on this cluster, for a test that wants its own. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown), as a database outage does; `start` brings it back on the same port. */
  stop(): void;
  start(): void;
  /** Stops the server and removes its files. */
  remove(): void;
};

/** Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/<version>/bin (newest). */
export function postgresBinDir(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && executable(join(dir, 'initdb')) && executable(join(dir, 'pg_ctl'))) return dir;
  try {
    const versions = readdirSync('/usr/lib/postgresql').filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = `/usr/lib/postgresql/${version}/bin`;
      if (executable(join(dir, 'initdb'))) return dir;
    }
  } catch {
    // no Debian layout
  }
  return null;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const NOBODY = { uid: 65534, gid: 65534 };

/** Runs a PostgreSQL program as `nobody` when we are root (the server will not run as root). */
function asOwner(program: string, args: string[]): void {
  const isRoot = process.getuid?.() === 0;
  const command = isRoot ? 'setpriv' : program;
  const argv = isRoot ? [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', program, ...args] : args;
  const result = spawnSync(command, argv, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
}

/** `durable`: fsync and synchronous commit as in production (benches); tests leave them off. */
export async function startTestCluster(options: { durable?: boolean } = {}): Promise<TestCluster> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error('PostgreSQL is not installed (initdb not found): run `npm run setup:test` as root, or `apt-get install postgresql`');
  const root = mkdtempSync(join(tmpdir(), 'hk-pg-'));
  if (process.getuid?.() === 0) chownSync(root, NOBODY.uid, NOBODY.gid);
  const data = join(root, 'data');
  const port = await closedPort();
  asOwner(join(bin, 'initdb'), ['-D', data, '-U', 'hk', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const fast = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const settings = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${root} -c max_connections=100${fast}`;
  const start = () => asOwner(join(bin, 'pg_ctl'), ['-D', data, '-l', join(root, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
  const stop = () => asOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  // Anything failing from here on must not leave a server running.
  const discard = () => {
    try {
      stop();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  const urlOf = (name: string) => `postgres://hk@127.0.0.1:${port}/${name}`;
  const createDatabase = async (name: string) => {
    const client = new pg.Client({ connectionString: urlOf('postgres') });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
    return urlOf(name);
  };
  try {
    await createDatabase('hk');
  } catch (error) {
    discard();
    throw error;
  }
  let running = true;
  return {
    url: urlOf('hk'),
    port,
    createDatabase,
    stop() {
      if (running) stop();
      running = false;
    },
    start() {
      if (!running) start();
      running = true;
    },
    remove() {
      try {
        if (running) stop();
      } finally {
        running = false;
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

let databases = 0;

/** A new database on `cluster`, migrated to this hkubectl's schema (as `hkubectl relay migrate` does). */
export async function migratedDatabase(cluster: TestCluster, prefix = 'hk'): Promise<string> {
  databases += 1;
  const url = await cluster.createDatabase(`${prefix}_${process.pid}_${databases}`);
  const pool = createPool({ url });
  try {
    await migrate(pool, url);
  } finally {
    await pool.end();
  }
  return url;
}
