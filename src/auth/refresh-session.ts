// Refresh under a cross-process lock. Many processes started at once by an agent all see the
// token about to expire; the first to take the lock refreshes, the rest find a newer file when
// they get the lock and use it instead of spending the (rotating) refresh token a second time.
import * as oidc from 'openid-client';
import type { HkConfig } from '../config/schema.ts';
import { TemporaryError } from '../errors.ts';
import { withFileLock } from './cache-lock.ts';
import { fromCache } from './idp-client.ts';
import { idpError } from './idp-errors.ts';
import { notLoggedIn, sessionFromTokens } from './session.ts';
import { readSession, writePrivateJson } from './token-cache.ts';
import type { CachedSession } from './token-cache.ts';
import { isUnexpired, loginExpired, needsRefresh } from './token-lifetime.ts';

type RefreshOptions = { config: HkConfig; now: () => number; fetch?: typeof fetch };

export function refreshSession(file: string, seen: CachedSession, options: RefreshOptions): Promise<CachedSession> {
  return withFileLock(file, async () => {
    const latest = await readSession(file);
    if (!latest) throw notLoggedIn();
    const nowMs = options.now();
    // Written by another process while we waited: use it, even if its lifetime is shorter
    // than our margin, rather than refresh again.
    if (latest.savedAt !== seen.savedAt && isUnexpired(latest, nowMs)) return latest;
    if (!needsRefresh(latest, nowMs)) return latest;
    if (!latest.refreshToken) {
      if (isUnexpired(latest, nowMs)) return latest;
      throw loginExpired();
    }
    let tokens;
    try {
      const client = fromCache(latest, options.config.clientSecret, options.fetch);
      tokens = await oidc.refreshTokenGrant(client, latest.refreshToken, latest.audience ? { resource: latest.audience } : undefined);
    } catch (error) {
      const failure = idpError(error, latest.issuer, 'refresh');
      // An IdP hiccup must not stop work while the current token still has a little life.
      if (failure instanceof TemporaryError && isUnexpired(latest, nowMs)) return latest;
      throw failure;
    }
    const next = sessionFromTokens(tokens, latest, options.now());
    await writePrivateJson(file, next);
    return next;
  });
}
