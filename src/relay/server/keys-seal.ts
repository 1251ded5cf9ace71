// The relays' shared signing keys are kept in the database sealed with AES-256-GCM, never in the
// clear: whoever can read the database (a backup, a replica, a DBA) cannot sign a manifest. The
// key comes from each relay's environment, HKUBECTL_RELAY_KEYS_SECRET, or a file named by
// HKUBECTL_RELAY_KEYS_SECRET_FILE (or relay.yaml `store.postgres.keysSecretFile`), the same on
// every relay: at least 32 characters, stretched with HKDF-SHA256. Sealed text:
//   hk-keys-v1.<iv base64url>.<tag base64url>.<ciphertext base64url>
// with a fixed AAD, so a sealed value cannot pass for another kind of sealed value.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../errors.ts';

const PREFIX = 'hk-keys-v1';
const AAD = Buffer.from('hkubectl relay signing keys v1');

export const KEYS_SECRET_ENV = 'HKUBECTL_RELAY_KEYS_SECRET';
export const KEYS_SECRET_FILE_ENV = 'HKUBECTL_RELAY_KEYS_SECRET_FILE';

export type SealingKey = { readonly key: Buffer };

export function sealingKey(secret: string): SealingKey {
  const trimmed = secret.trim();
  if (trimmed.length < 32) {
    throw new ConfigError('ERR_RELAY_KEYS_SECRET_SHORT', `the secret that seals the relays' signing keys is ${trimmed.length} characters; it must be at least 32`, {
      hint: 'make one with `openssl rand -base64 32`, and give every relay on the database the same one',
    });
  }
  return { key: Buffer.from(hkdfSync('sha256', trimmed, 'hkubectl-relay-keys', 'aes-256-gcm v1', 32)) };
}

/** The secret from a file (relay.yaml's or the environment's) or the environment; refused (78) when there is none. */
export async function readKeysSecret(env: NodeJS.ProcessEnv, file: string | null): Promise<string> {
  const named = file ?? env[KEYS_SECRET_FILE_ENV] ?? null;
  if (named) {
    try {
      return await readFile(named, 'utf8');
    } catch (error) {
      throw new ConfigError('ERR_RELAY_KEYS_SECRET_UNREADABLE', `cannot read the keys secret ${named}: ${(error as Error).message}`, { cause: error });
    }
  }
  const secret = env[KEYS_SECRET_ENV];
  if (secret === undefined || secret === '') {
    throw new ConfigError('ERR_RELAY_KEYS_SECRET_MISSING', 'a relay on PostgreSQL keeps its signing keys in the database, sealed, and has no secret to seal them with', {
      hint: `set ${KEYS_SECRET_ENV} (at least 32 characters, e.g. from \`openssl rand -base64 32\`) or ${KEYS_SECRET_FILE_ENV}, the same on every relay of the database`,
    });
  }
  return secret;
}

export function seal(key: SealingKey, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [PREFIX, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function unseal(key: SealingKey, sealed: string, where: string): string {
  const [prefix, iv, tag, body] = sealed.split('.');
  if (prefix !== PREFIX || iv === undefined || tag === undefined || body === undefined) {
    throw new ConfigError('ERR_RELAY_KEYS_SEALED_FORMAT', `${where} does not hold keys sealed by this hkubectl (expected ${PREFIX})`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new ConfigError('ERR_RELAY_KEYS_SECRET_WRONG', `cannot unseal the signing keys in ${where}: the keys secret is not the one they were sealed with, or they were altered`, {
      cause: error, hint: 'give this relay the same keys secret as the other relays of the database',
    });
  }
}
