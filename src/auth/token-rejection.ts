// Why a bearer token was refused, as a stable code the relay maps to a 401 body and callers
// branch on. Messages say what was wrong; they never echo the token.
import { DeniedError } from '../errors.ts';

export type TokenRejection =
  | 'malformed'
  | 'unknown_issuer'
  | 'alg_not_allowed'
  | 'bad_signature'
  | 'unknown_key'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'missing_claim';

export class TokenRejectedError extends DeniedError {
  readonly reason: TokenRejection;

  constructor(reason: TokenRejection, message: string, options: { cause?: unknown } = {}) {
    super(`ERR_TOKEN_${reason.toUpperCase()}`, `token rejected: ${message}`, options);
    this.reason = reason;
  }
}

type JoseFailure = { code?: string; claim?: string; reason?: string; message?: string };

/** jose's error codes → our reasons; anything unrecognised counts as a malformed token. */
export function rejectionFromJose(error: unknown): TokenRejectedError {
  const { code, claim, message = 'invalid token' } = error as JoseFailure;
  const reject = (reason: TokenRejection, text: string) => new TokenRejectedError(reason, text, { cause: error });
  switch (code) {
    case 'ERR_JWT_EXPIRED': return reject('expired', 'it has expired');
    case 'ERR_JOSE_ALG_NOT_ALLOWED': return reject('alg_not_allowed', 'its signing algorithm is not allowed');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED': return reject('bad_signature', 'its signature does not verify');
    case 'ERR_JWKS_NO_MATCHING_KEY': return reject('unknown_key', 'it is signed with a key the issuer does not publish');
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS': return reject('unknown_key', 'its key id matches several published keys');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'aud') return reject('wrong_audience', 'it was issued for another audience');
      if (claim === 'iss') return reject('wrong_issuer', 'its issuer does not match');
      if (claim === 'nbf' || claim === 'iat') return reject('not_yet_valid', `its "${claim}" lies in the future`);
      if (message.includes('missing')) return reject('missing_claim', `the "${claim}" claim is missing`);
      return reject('malformed', `its "${claim}" claim is invalid`);
    default: return reject('malformed', message);
  }
}
