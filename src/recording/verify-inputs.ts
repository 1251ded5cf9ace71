// Where `hkubectl verify` gets the relay's public keys and (optionally) its audit log: --jwks
// FILE|URL, else the relay's own JWKS (--relay, or the configured relay), else a jwks.json beside
// the recordings; the chain is checked against --audit-log FILE, or the relay's log with --relay.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config/config.ts';
import { resolvePaths } from '../config/paths.ts';
import { ConfigError } from '../errors.ts';
import { relayClientFor } from '../relay/client/cli-client.ts';
import type { RelayClient } from '../relay/client/client.ts';
import { auditLogFile, relayLog, type ChainSource } from './verify-chain.ts';
import { loadJwks, type Jwks } from './verify-signature.ts';

export type VerifyFlags = { jwks?: string; relay?: string; auditLog?: string };

export type VerifyInputs = { jwks: Jwks; chain: ChainSource | null; close(): Promise<void> };

function besideRecordings(paths: string[]): string | null {
  for (const path of paths) {
    const dir = existsSync(path) && statSync(path).isDirectory() ? resolve(path) : dirname(resolve(path));
    if (existsSync(join(dir, 'jwks.json'))) return join(dir, 'jwks.json');
  }
  return null;
}

export async function verifyInputs(paths: string[], flags: VerifyFlags, env: NodeJS.ProcessEnv): Promise<VerifyInputs> {
  let client: RelayClient | null = null;
  const relay = (): RelayClient => (client ??= relayClientFor({ ...(flags.relay ? { relay: flags.relay } : {}) }, env));
  try {
    let jwks: Jwks;
    if (flags.jwks !== undefined) jwks = await loadJwks(flags.jwks);
    else if (flags.relay !== undefined) jwks = await relay().jwks();
    else {
      const local = besideRecordings(paths);
      if (local) jwks = await loadJwks(local);
      else if (loadConfig(env, resolvePaths(env)).relay) jwks = await relay().jwks();
      else throw new ConfigError('ERR_NO_JWKS', "no public keys to verify against", { hint: "pass --jwks FILE|URL (the relay's /v1/jwks) or --relay URL" });
    }
    const chain = flags.auditLog !== undefined ? auditLogFile(resolve(flags.auditLog)) : flags.relay !== undefined ? relayLog(relay()) : null;
    return { jwks, chain, close: async () => client?.close() };
  } catch (error) {
    await (client as RelayClient | null)?.close();
    throw error;
  }
}
