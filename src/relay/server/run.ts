// `hkubectl relay`: relay.yaml and flags → a running relay. Flags beat the file.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createTokenVerifier, type TrustedIssuer } from '../../auth/verify-token.ts';
import { resolvePaths } from '../../config/paths.ts';
import { ConfigError, UsageError } from '../../errors.ts';
import { defaultPolicy, loadPolicyFile } from '../../policy/index.ts';
import { loadRelayConfigFile, parseListen, type RelayConfig, type StoreConfig } from './config.ts';
import { readKeysSecret } from './keys-seal.ts';
import type { StoreChoice } from './open-store.ts';
import { isPostgresUrl } from './store/postgres/connection.ts';
import { startRelay, type Relay } from './server.ts';
import { parseSize } from './limits.ts';
import { loadClusterTarget } from './gateway/clusters.ts';

export type RelayFlags = {
  config?: string;
  listen?: string;
  data?: string;
  policy?: string;
  tlsCert?: string;
  tlsKey?: string;
  issuer?: string;
  audience?: string;
  repairLog?: boolean;
  rotateKey?: boolean;
  /** e.g. 1G, 500M, 65536: the largest .cast upload accepted. */
  maxCastSize?: string;
  /** postgres://…: keep everything in that database (shared with other relays) instead of files. */
  store?: string;
};

export { parseSize } from './limits.ts';

const EMPTY: RelayConfig = { listen: null, dataDir: null, policyFile: null, tls: null, issuers: [], auditorGroups: [], maxWaitSec: null, checkpointCopy: null, limits: {}, clusters: [], maxSessionDuration: {}, store: null };

export async function runRelay(flags: RelayFlags, env: NodeJS.ProcessEnv): Promise<Relay> {
  const config = flags.config ? await loadRelayConfigFile(resolve(flags.config)) : EMPTY;
  const listen = flags.listen === undefined ? config.listen : parseListen(flags.listen);
  if (listen === null && flags.listen !== undefined) throw new UsageError('ERR_BAD_LISTEN', `--listen must be HOST:PORT, e.g. 127.0.0.1:7443 (got "${flags.listen}")`);
  const issuers: TrustedIssuer[] = [...config.issuers];
  if (flags.issuer) {
    if (!flags.audience) throw new UsageError('ERR_AUDIENCE_REQUIRED', '--issuer needs --audience (the client id its tokens are issued for)');
    issuers.push({ issuer: flags.issuer, audience: flags.audience });
  }
  if (issuers.length === 0) {
    throw new ConfigError('ERR_NO_TRUSTED_ISSUER', 'the relay trusts no identity provider, so it could authenticate no one', {
      hint: 'list them under "issuers:" in relay.yaml (--config), or pass --issuer URL --audience CLIENT_ID',
    });
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new UsageError('ERR_TLS_PAIR', '--tls-cert and --tls-key go together');
  const tlsFiles = flags.tlsCert && flags.tlsKey ? { certFile: flags.tlsCert, keyFile: flags.tlsKey } : config.tls;
  const tls = tlsFiles ? { cert: await readPem(tlsFiles.certFile), key: await readPem(tlsFiles.keyFile) } : undefined;
  const maxCastBytes = flags.maxCastSize === undefined ? undefined : parseSize(flags.maxCastSize);
  if (maxCastBytes === null) throw new UsageError('ERR_BAD_SIZE', `--max-cast-size must be a size such as 1G, 500M or 65536, not "${flags.maxCastSize}"`);
  const store = await storeChoice(flags.store, config.store, env);
  const policyFile = flags.policy ?? config.policyFile;
  const policy = policyFile ? await loadPolicyFile(policyFile) : defaultPolicy();
  const clusters = await Promise.all(config.clusters.map(loadClusterTarget));
  return startRelay({
    dataDir: flags.data ? resolve(flags.data) : config.dataDir ?? `${resolvePaths(env).dataDir}/relay`,
    policy,
    verifier: createTokenVerifier({ issuers }),
    listen: listen ?? { host: '127.0.0.1', port: 7443 },
    ...(tls ? { tls } : {}),
    store,
    repairLog: flags.repairLog ?? false,
    rotateKey: flags.rotateKey ?? false,
    ...(maxCastBytes !== undefined ? { maxCastBytes } : {}),
    auditorGroups: config.auditorGroups,
    limits: config.limits,
    checkpointCopy: config.checkpointCopy,
    clusters,
    maxSessionDuration: config.maxSessionDuration,
    ...(config.maxWaitSec !== null ? { maxWaitMs: config.maxWaitSec * 1000 } : {}),
  });
}

/** `--store` beats relay.yaml's `store:`; the keys secret comes from the environment or a file. */
async function storeChoice(flag: string | undefined, configured: StoreConfig | null, env: NodeJS.ProcessEnv): Promise<StoreChoice> {
  if (flag !== undefined && !isPostgresUrl(flag)) throw new UsageError('ERR_BAD_STORE', '--store must be a postgres:// URL (leave it out to keep everything in files in --data)');
  const url = flag ?? configured?.postgres.url;
  if (url === undefined) return null;
  const keysSecret = await readKeysSecret(env, configured?.postgres.keysSecretFile ?? null);
  return { postgres: { url, keysSecret, ...(configured?.postgres.poolSize ? { poolSize: configured.postgres.poolSize } : {}) } };
}

async function readPem(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError('ERR_TLS_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}
