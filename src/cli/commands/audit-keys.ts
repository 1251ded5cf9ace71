// The relay's public keys as an auditor reads them from its data directory: the public halves
// of keys.json (the private keys are never read).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';
import { KEYS_FILE } from '../../relay/server/keys.ts';
import type { Jwks } from '../../recording/verify-signature.ts';

export async function dataDirJwks(data: string): Promise<Jwks> {
  try {
    const keys = JSON.parse(await readFile(join(data, KEYS_FILE), 'utf8')) as { keys?: Array<{ publicJwk?: unknown }> };
    return { keys: (keys.keys ?? []).map((key) => key.publicJwk).filter(Boolean) } as Jwks;
  } catch (error) {
    throw new ConfigError('ERR_RELAY_KEYS_UNREADABLE', `cannot read the relay's keys in ${data}: ${(error as Error).message}`);
  }
}
