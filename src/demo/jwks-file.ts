// `<dir>/jwks.json`: the relay's public keys beside the recordings, where `hkubectl verify`,
// `replay`, `play` and `audit export` look for them. Public members only: the private halves never
// leave the relay's data dir.
import { join } from 'node:path';
import type { JWK } from 'jose';
import { writeFileAtomically } from '../recording/write-atomically.ts';

export const JWKS_FILE = 'jwks.json';

export type Jwks = { keys: JWK[] };

export async function writeJwksBeside(dir: string, relayJwks: Jwks): Promise<{ path: string; jwks: Jwks }> {
  const path = join(dir, JWKS_FILE);
  const jwks: Jwks = { keys: relayJwks.keys.map(publicOnly) };
  // Public keys: readable by anyone who verifies.
  await writeFileAtomically(path, `${JSON.stringify(jwks, null, 2)}\n`, 0o644);
  return { path, jwks };
}

function publicOnly(key: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, ...rest } = key;
  return rest;
}
