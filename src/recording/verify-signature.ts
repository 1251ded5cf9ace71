// A manifest's signature against the relay's JWKS: EdDSA only, the `kid` must name a published
// key (rotated-out keys stay published, so old manifests keep verifying), and the JWS must be
// typed as a manifest, so a relay signature made for anything else cannot pass for one.
import { flattenedVerify, importJWK, type JWK } from 'jose';
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { ConfigError } from '../errors.ts';
import { MANIFEST_TYP, protectedHeader, type FlattenedJws } from '../contract/manifest.ts';

export type Jwks = { keys: JWK[] };

export type SignatureCheck =
  | { ok: true; kid: string; payload: Uint8Array }
  | { ok: false; kid: string | null; unknownKey: boolean; problem: string };

export async function checkSignature(jws: FlattenedJws, jwks: Jwks): Promise<SignatureCheck> {
  const header = protectedHeader(jws);
  const kid = typeof header?.kid === 'string' ? header.kid : null;
  if (header === null) return { ok: false, kid, unknownKey: false, problem: 'manifest protected header is not JSON (altered)' };
  if (header.typ !== MANIFEST_TYP) return { ok: false, kid, unknownKey: false, problem: `signed as ${JSON.stringify(header.typ)}, not as a manifest (${MANIFEST_TYP})` };
  const jwk = kid === null ? undefined : jwks.keys.find((key) => key.kid === kid);
  if (!jwk) return { ok: false, kid, unknownKey: true, problem: `signed by key ${kid ?? '(no kid)'}, which is not in the relay's JWKS` };
  try {
    const { payload } = await flattenedVerify(jws, await importJWK(jwk, 'EdDSA'), { algorithms: ['EdDSA'] });
    return { ok: true, kid: kid!, payload };
  } catch (error) {
    return { ok: false, kid, unknownKey: false, problem: `manifest signature does not verify: its payload or header was altered (${(error as Error).message})` };
  }
}

/** The relay's public keys from a file or an http(s) URL (e.g. <relay>/v1/jwks). */
export async function loadJwks(source: string): Promise<Jwks> {
  let text: string;
  try {
    if (/^https?:\/\//.test(source)) {
      const answer = await request(source, { headersTimeout: 15_000, bodyTimeout: 15_000 });
      text = await answer.body.text();
      if (answer.statusCode !== 200) throw new Error(`HTTP ${answer.statusCode}`);
    } else {
      text = await readFile(source, 'utf8');
    }
  } catch (error) {
    throw new ConfigError('ERR_JWKS_UNREADABLE', `cannot read the relay's JWKS from ${source}: ${(error as Error).message}`, { cause: error });
  }
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch {
    throw new ConfigError('ERR_JWKS_INVALID', `${source} is not JSON (expected a JWKS: {"keys": [...]})`);
  }
  if (!Array.isArray((jwks as Partial<Jwks> | null)?.keys)) throw new ConfigError('ERR_JWKS_INVALID', `${source} is not a JWKS (no "keys" array)`);
  return jwks as Jwks;
}
