// The bearer token for the next relay call. Called by the wrapper before every relay request:
// the common case (a fresh cached token) reads one file and loads no OAuth or JOSE library;
// refreshing lives in refresh-session.ts, imported only when needed.
import type { HkConfig } from '../config/schema.ts';
import { bearerOf, identityOf, locateSession, notLoggedIn, tokenDirOf } from './session.ts';
import type { SessionIdentity } from './session.ts';
import { readSession } from './token-cache.ts';
import type { CachedSession } from './token-cache.ts';
import { isUnexpired, loginExpired, needsRefresh, refreshDueAt } from './token-lifetime.ts';

/** `freshUntil`: until when (ms since the epoch) the token may be used without asking again. */
export type ValidToken = { token: string; identity: SessionIdentity; freshUntil: number };

export type GetTokenOptions = {
  config: HkConfig;
  now?: () => number;
  fetch?: typeof fetch;
  /** Defaults to the `tokens` directory next to config.yaml. */
  tokenDir?: string;
};

export async function getValidToken(options: GetTokenOptions): Promise<ValidToken> {
  const now = options.now ?? Date.now;
  const { file } = await locateSession(options.config, tokenDirOf(options.config, options.tokenDir));
  const seen = await readSession(file);
  if (!seen) throw notLoggedIn();
  if (!needsRefresh(seen, now())) return tokenOf(seen);
  if (!seen.refreshToken) {
    // No way to renew it: usable until it expires, and asked for again each time after that.
    if (isUnexpired(seen, now())) return { ...tokenOf(seen), freshUntil: now() };
    throw loginExpired();
  }
  const { refreshSession } = await import('./refresh-session.ts');
  return tokenOf(await refreshSession(file, seen, { ...options, now }));
}

export function tokenOf(session: CachedSession): ValidToken {
  return { token: bearerOf(session), identity: identityOf(session), freshUntil: refreshDueAt(session) };
}
