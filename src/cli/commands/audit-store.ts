// Where `audit log|verify|export` read the relay's chain from, straight from storage: a data
// directory (--data, the default), or the PostgreSQL database relays share (--store
// postgres://…), with the public keys each keeps. Read-only either way.
import { join } from 'node:path';
import { Option } from 'commander';
import { resolvePaths } from '../../config/paths.ts';
import { ConfigError, UsageError } from '../../errors.ts';
import type { Jwks } from '../../recording/verify-signature.ts';
import { logExists } from '../../relay/server/store/audit-scan.ts';
import { CHECKPOINTS_FILE } from '../../relay/server/store/checkpoint-file.ts';
import { AUDIT_LOG_FILE, fileStoreReader } from '../../relay/server/store/file-store.ts';
import { isPostgresUrl } from '../../relay/server/store/postgres/connection.ts';
import { openPostgresReader } from '../../relay/server/store/postgres/pg-store.ts';
import type { AuditStoreReader } from '../../relay/server/store/store.ts';
import { dataDirJwks } from './audit-keys.ts';

export const storeOption = () => new Option('--store <url>', 'read the chain from the PostgreSQL database the relays share (postgres://…; the password may come from PGPASSWORD) instead of a data directory');

export type AuditStore = {
  store: AuditStoreReader;
  /** The log as named in messages: a file, or the database without its password. */
  where: string;
  /** Where the checkpoints are, for messages. */
  checkpointsWhere: string;
  /** The relay's public keys as kept beside the log. */
  jwks(): Promise<Jwks>;
  close(): Promise<void>;
};

export async function openAuditStore(options: { data?: string | undefined; store?: string | undefined }): Promise<AuditStore> {
  if (options.store !== undefined) {
    if (options.data !== undefined) throw new UsageError('ERR_BAD_OPTION', 'pass either --store or --data, not both');
    if (!isPostgresUrl(options.store)) throw new UsageError('ERR_BAD_STORE', '--store must be a postgres:// URL');
    const reader = await openPostgresReader({ url: options.store, poolSize: 2 });
    return {
      store: reader, where: `${reader.location} (table hk_audit)`, checkpointsWhere: `${reader.location} (table hk_checkpoints)`,
      async jwks() {
        const jwks = await reader.publicJwks();
        if (jwks === null) throw new ConfigError('ERR_RELAY_KEYS_UNREADABLE', `${reader.location} holds no public keys: no relay has started on it`);
        return jwks as Jwks;
      },
      close: () => reader.close(),
    };
  }
  const dir = options.data ?? join(resolvePaths(process.env).dataDir, 'relay');
  const file = join(dir, AUDIT_LOG_FILE);
  if (!(await logExists(file))) throw new ConfigError('ERR_NO_AUDIT_LOG', `no audit log at ${file}`, { hint: 'pass --data with the relay\'s data directory, --store with its database, or --relay URL' });
  const store = fileStoreReader(dir);
  return { store, where: file, checkpointsWhere: join(dir, CHECKPOINTS_FILE), jwks: () => dataDirJwks(dir), close: () => store.close() };
}
