// `hkubectl relay migrate|export-log|import-log`: the relay's store on PostgreSQL, for operators.
// Thin: the work is in src/relay/server/store/postgres/.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { Command } from 'commander';
import { ConfigError, UsageError } from '../../errors.ts';
import { loadRelayConfigFile } from '../../relay/server/config.ts';
import { KEYS_SECRET_ENV, readKeysSecret } from '../../relay/server/keys-seal.ts';
import { createPool, isPostgresUrl, showUrl } from '../../relay/server/store/postgres/connection.ts';
import { importDataDir } from '../../relay/server/store/postgres/import-log.ts';
import { migrate } from '../../relay/server/store/postgres/schema.ts';
import { openAuditStore, storeOption } from './audit-store.ts';

/** `relay --store … migrate` and `relay migrate --store …` alike: `relay` has the same options, and commander gives them to it. */
function withParent<T extends { store?: string; config?: string; data?: string }>(flags: T, command: Command): T {
  const parent = command.parent?.opts<{ store?: string; config?: string; data?: string }>() ?? {};
  return {
    ...flags,
    ...(flags.store === undefined && parent.store !== undefined ? { store: parent.store } : {}),
    ...(flags.config === undefined && parent.config !== undefined ? { config: parent.config } : {}),
    ...(flags.data === undefined && parent.data !== undefined ? { data: parent.data } : {}),
  };
}

/** --store, else relay.yaml's `store.postgres.url` (--config); refused when neither names a database. */
async function databaseUrl(flags: { store?: string; config?: string }): Promise<{ url: string; keysSecretFile: string | null }> {
  if (flags.store !== undefined) {
    if (!isPostgresUrl(flags.store)) throw new UsageError('ERR_BAD_STORE', '--store must be a postgres:// URL');
    return { url: flags.store, keysSecretFile: null };
  }
  const config = flags.config ? await loadRelayConfigFile(resolve(flags.config)) : null;
  if (!config?.store) throw new UsageError('ERR_NO_STORE', 'name the database: --store postgres://user@host:5432/db, or --config relay.yaml with "store: {postgres: {url}}"');
  return { url: config.store.postgres.url, keysSecretFile: config.store.postgres.keysSecretFile };
}

function migrateCommand(): Command {
  return new Command('migrate')
    .description('Bring the PostgreSQL database relays share to the schema this hkubectl needs (versioned migrations, each in a transaction; safe to run again, and from several places at once). Relays refuse to start on a schema they do not know.')
    .addOption(storeOption())
    .option('--config <file>', 'relay.yaml naming the database under store.postgres.url')
    .action(async (flags: { store?: string; config?: string }, command: Command) => {
      const { url } = await databaseUrl(withParent(flags, command));
      const pool = createPool({ url, poolSize: 1 });
      try {
        const result = await migrate(pool, url);
        const done = result.applied.map((migration) => `${migration.version} (${migration.what})`).join(', ');
        process.stdout.write(result.applied.length === 0
          ? `${showUrl(url)}: schema already at version ${result.to}\n`
          : `${showUrl(url)}: schema at version ${result.to} (applied ${done})\n`);
      } finally {
        await pool.end();
      }
    });
}

function exportLogCommand(): Command {
  return new Command('export-log')
    .description("Write the relay's audit log as JSON lines (the file store's own format), checking every link of the chain on the way; stops at a broken link (exit 78) and names it.")
    .option('--data <dir>', "the relay's data directory")
    .addOption(storeOption())
    .option('--out <file>', 'write here (complete or not at all) instead of stdout')
    .action(async (flags: { data?: string; store?: string; out?: string }, command: Command) => {
      const opened = await openAuditStore(withParent(flags, command));
      const part = flags.out ? `${flags.out}.part` : null;
      const out = part ? createWriteStream(part, { mode: 0o600 }) : process.stdout;
      try {
        const check = await opened.store.checkChain((entry) => out.write(`${JSON.stringify(entry)}\n`));
        if (check.broken) {
          throw new ConfigError('ERR_AUDIT_CHAIN_BROKEN', `chain broken after ${check.entries} good entries: ${check.broken.where}${check.broken.seq === null ? '' : ` (seq ${check.broken.seq})`} ${check.broken.message}`);
        }
        if (part) {
          out.end();
          await finished(out);
          await rename(part, flags.out!);
        }
        process.stderr.write(`exported ${check.entries} entries up to #${check.head.seq} from ${opened.where}\n`);
      } catch (error) {
        if (part) {
          out.destroy();
          await rm(part, { force: true });
        }
        throw error;
      } finally {
        await opened.close();
      }
    });
}

function importLogCommand(): Command {
  return new Command('import-log')
    .description(
      "Move an embedded relay's data directory into an empty PostgreSQL database (migrated): the audit chain, checked link by link " +
        'and copied byte for byte, its checkpoints, session files and signing keys (sealed with ' + KEYS_SECRET_ENV + '). ' +
        'A broken chain or a database that is not empty imports nothing. Stop the embedded relay first.',
    )
    .option('--data <dir>', "the embedded relay's data directory (required)")
    .addOption(storeOption())
    .option('--config <file>', 'relay.yaml naming the database under store.postgres.url')
    .action(async (flags: { data: string; store?: string; config?: string }, command: Command) => {
      const given = withParent(flags, command);
      if (given.data === undefined) throw new UsageError('ERR_NO_DATA', "import-log needs --data: the embedded relay's data directory");
      const { url, keysSecretFile } = await databaseUrl(given);
      const secret = await readKeysSecret(process.env, keysSecretFile).catch(() => null);
      const result = await importDataDir(resolve(given.data), url, secret, (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(`${showUrl(url)}: ${result.entries} entries up to #${result.head.seq} ${result.head.hash}, ${result.checkpoints} checkpoints, ${result.blobs} session files${result.keys ? ', signing keys' : ''}\n`);
    });
}

export function storeCommands(): Command[] {
  return [migrateCommand(), exportLogCommand(), importLogCommand()];
}
