// Relay side: verify a bearer ID/access token against the trusted issuers' JWKS and turn it into
// an Identity. Signatures, key sets and claim checks are jose's; this file decides which issuer
// applies, which algorithms are acceptable, and why a token was refused.
import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { FetchImplementation, JWTVerifyGetKey } from 'jose';
import { TemporaryError } from '../errors.ts';
import { identityFromClaims } from './identity.ts';
import type { ClaimMapping, Identity } from './identity.ts';
import { rejectionFromJose, TokenRejectedError } from './token-rejection.ts';

export type { Identity };
export { TokenRejectedError };

export type TrustedIssuer = ClaimMapping & {
  issuer: string;
  /** The client id for ID tokens, or the resource indicator for JWT access tokens. */
  audience: string | string[];
  /** Defaults to the `jwks_uri` of the issuer's discovery document. */
  jwksUri?: string;
  allowedAlgs?: string[];
};

export type VerifierOptions = {
  issuers: TrustedIssuer[];
  clockToleranceSec?: number;
  fetch?: typeof fetch;
  /** Minimum time between JWKS downloads when an unknown `kid` shows up (jose's default 30 s). */
  jwksCooldownMs?: number;
};

export type TokenVerifier = { verify(token: string): Promise<Identity> };

// Asymmetric only: with an HMAC algorithm allowed, a public RSA key could be used as the secret.
const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const byIssuer = new Map(options.issuers.map((trusted) => [trusted.issuer, {
    trusted,
    algorithms: (trusted.allowedAlgs ?? ASYMMETRIC_ALGS).filter((alg) => ASYMMETRIC_ALGS.includes(alg)),
    keys: lazyKeySet(trusted, options),
  }]));

  return {
    async verify(token) {
      const issuer = peekIssuer(token);
      const entry = byIssuer.get(issuer);
      if (!entry) throw new TokenRejectedError('unknown_issuer', `issuer ${JSON.stringify(issuer)} is not trusted`);
      const alg = decodeProtectedHeader(token).alg;
      if (!alg || !entry.algorithms.includes(alg)) {
        throw new TokenRejectedError('alg_not_allowed', `signing algorithm ${JSON.stringify(alg ?? 'none')} is not allowed`);
      }
      let payload;
      try {
        ({ payload } = await jwtVerify(token, await entry.keys(), {
          issuer: entry.trusted.issuer,
          audience: entry.trusted.audience,
          algorithms: entry.algorithms,
          clockTolerance: options.clockToleranceSec ?? 30,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        throw isJwksOutage(error)
          ? new TemporaryError('ERR_JWKS_UNAVAILABLE', `cannot fetch the signing keys of ${issuer}`, { cause: error })
          : rejectionFromJose(error);
      }
      return identityFromClaims(payload as Record<string, unknown>, entry.trusted);
    },
  };
}

function peekIssuer(token: string): string {
  try {
    decodeProtectedHeader(token);
    const { iss } = decodeJwt(token);
    if (typeof iss === 'string') return iss;
  } catch {
    // fall through: same answer for every undecodable token
  }
  throw new TokenRejectedError('malformed', 'it is not a JWT with an "iss" claim');
}

// Key sets are created on first use: discovery may be down when the relay starts.
function lazyKeySet(trusted: TrustedIssuer, options: VerifierOptions): () => Promise<JWTVerifyGetKey> {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  return () => {
    keys ??= jwksUri(trusted, options.fetch ?? fetch).then((uri) => createRemoteJWKSet(new URL(uri), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      ...(options.fetch ? { [customFetch]: options.fetch as FetchImplementation } : {}),
    }));
    keys.catch(() => { keys = undefined; }); // retry discovery on the next token
    return keys;
  };
}

async function jwksUri(trusted: TrustedIssuer, fetchImpl: typeof fetch): Promise<string> {
  if (trusted.jwksUri) return trusted.jwksUri;
  const url = `${trusted.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let metadata: { issuer?: string; jwks_uri?: string };
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    metadata = await response.json() as typeof metadata;
  } catch (error) {
    throw new TemporaryError('ERR_JWKS_UNAVAILABLE', `cannot read the discovery document ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (metadata.issuer !== trusted.issuer || typeof metadata.jwks_uri !== 'string') {
    throw new TemporaryError('ERR_JWKS_UNAVAILABLE', `the discovery document ${url} names another issuer or no jwks_uri`);
  }
  return metadata.jwks_uri;
}

function isJwksOutage(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return error instanceof TemporaryError || code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID'
    || (error instanceof TypeError && /fetch/i.test(error.message)) || (error as Error).name === 'AbortError';
}
