// Building and locating cached sessions: shared by login, refresh, whoami and logout.
import { dirname, join } from 'node:path';
import type { TokenEndpointResponse, TokenEndpointResponseHelpers } from 'openid-client';
import type { HkConfig } from '../config/schema.ts';
import { ConfigError } from '../errors.ts';
import { chooseBearer, tryDecode } from './bearer.ts';
import { identityFromClaims } from './identity.ts';
import type { Identity } from './identity.ts';
import { readCurrentLogin, sessionFile } from './token-cache.ts';
import type { CachedSession } from './token-cache.ts';

export type SessionIdentity = Identity & { expiresAt: number; bearer: CachedSession['bearer'] };

export const notLoggedIn = () => new ConfigError('ERR_NOT_LOGGED_IN', 'not logged in — run `hkubectl login`');

export function tokenDirOf(config: Pick<HkConfig, 'configFile'>, tokenDir?: string): string {
  return tokenDir ?? join(dirname(config.configFile), 'tokens');
}

/** The cache file for the configured issuer+client, else for the last `hkubectl login`. */
export async function locateSession(config: HkConfig, tokenDir: string): Promise<{ file: string; issuer: string; clientId: string }> {
  let { issuer, clientId } = config;
  if (!issuer || !clientId) {
    const current = await readCurrentLogin(tokenDir);
    if (!current || (issuer && issuer !== current.issuer)) throw notLoggedIn();
    issuer = current.issuer;
    clientId ??= current.clientId;
  }
  return { file: sessionFile(tokenDir, issuer, clientId), issuer, clientId };
}

type Tokens = TokenEndpointResponse & Partial<TokenEndpointResponseHelpers>;
type Base = Pick<CachedSession, 'issuer' | 'clientId' | 'scope' | 'audience' | 'server'> & { refreshToken?: string; idToken?: string };

/** A session from a token response; refresh responses may omit the ID or refresh token. */
export function sessionFromTokens(tokens: Tokens, base: Base, nowMs: number): CachedSession {
  const idToken = tokens.id_token ?? base.idToken;
  const bearer = chooseBearer(
    { idToken, accessToken: tokens.access_token, expiresIn: tokens.expires_in }, base.audience, Math.floor(nowMs / 1000),
  );
  if (!bearer) {
    throw new ConfigError('ERR_NO_BEARER_TOKEN', 'the identity provider returned no ID token to present', {
      hint: 'include "openid" in --scope, or set --audience to a resource that gets JWT access tokens',
    });
  }
  const session: CachedSession = {
    v: 1,
    issuer: base.issuer,
    clientId: base.clientId,
    scope: base.scope,
    server: base.server,
    accessToken: tokens.access_token,
    bearer: bearer.kind,
    issuedAt: bearer.issuedAt,
    expiresAt: bearer.expiresAt,
    savedAt: nowMs,
  };
  if (base.audience) session.audience = base.audience;
  if (idToken) session.idToken = idToken;
  const refreshToken = tokens.refresh_token ?? base.refreshToken;
  if (refreshToken) session.refreshToken = refreshToken;
  return session;
}

export function bearerOf(session: CachedSession): string {
  return session.bearer === 'id_token' ? session.idToken! : session.accessToken;
}

/** What the relay will see, read from our own token without verifying it: a hint, not proof. */
export function identityOf(session: CachedSession): SessionIdentity {
  const claims = tryDecode(bearerOf(session)) ?? {};
  return { ...identityFromClaims(claims), expiresAt: session.expiresAt, bearer: session.bearer };
}

/** The identity as printed by login and whoami (snake_case JSON, ISO expiry). */
export function identityView(identity: SessionIdentity) {
  return {
    subject: identity.subject,
    email: identity.email ?? null,
    groups: identity.groups,
    issuer: identity.issuer,
    expires_at: new Date(identity.expiresAt * 1000).toISOString(),
  };
}
