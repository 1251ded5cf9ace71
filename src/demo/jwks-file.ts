// `<dir>/jwks.json`: the relay's public keys beside the recordings, where `hkubectl verify`,
// `replay`, `play` and `audit export` look for them. Public members only: the private halves never
// leave the relay's data dir.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';

export const JWKS_FILE = 'jwks.json';

export type Jwks = { keys: JWK[] };

export async function writeJwksBeside(dir: string, relayJwks: Jwks): Promise<{ path: string; jwks: Jwks }> {
  const path = join(dir, JWKS_FILE);
  const jwks: Jwks = { keys: relayJwks.keys.map(publicOnly) };
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(jwks, null, 2)}\n`);
  await rename(partial, path);
  return { path, jwks };
}

function publicOnly(key: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, ...rest } = key;
  return rest;
}
