// Which token hkubectl presents to the relay.
//
// The ID token by default: it always is a JWT, its `aud` is the client id the relay is told to
// trust, and it carries the identity claims. Access tokens are opaque to anyone but the IdP
// unless a resource indicator (RFC 8707) was requested; so when `audience` is configured and
// the IdP answered with a JWT access token for that audience, that token is the bearer.

export type TokenSet = { idToken?: string; accessToken: string; expiresIn?: number };
export type Bearer = { kind: 'id_token' | 'access_token'; token: string; expiresAt: number; issuedAt: number };

/** `nowSec` is used only when the chosen token carries no `exp`. */
export function chooseBearer(tokens: TokenSet, audience: string | undefined, nowSec: number): Bearer | undefined {
  if (audience) {
    const claims = tryDecode(tokens.accessToken);
    const aud = claims?.aud;
    if (claims && (aud === audience || (Array.isArray(aud) && aud.includes(audience)))) {
      return bearer('access_token', tokens.accessToken, claims, nowSec + (tokens.expiresIn ?? 0));
    }
  }
  if (!tokens.idToken) return undefined;
  const claims = tryDecode(tokens.idToken);
  return claims ? bearer('id_token', tokens.idToken, claims, nowSec) : undefined;
}

/**
 * The claims of a JWS-compact JWT, unverified: only for choosing and describing our own tokens.
 * Plain base64url + JSON rather than jose, which would add ~20 ms to every wrapped kubectl call.
 */
export function tryDecode(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? claims as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function bearer(kind: Bearer['kind'], token: string, claims: Record<string, unknown>, fallbackExp: number): Bearer {
  const expiresAt = typeof claims.exp === 'number' ? claims.exp : fallbackExp;
  const issuedAt = typeof claims.iat === 'number' ? claims.iat : expiresAt;
  return { kind, token, expiresAt, issuedAt };
}
