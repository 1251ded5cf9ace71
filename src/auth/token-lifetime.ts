// When a cached token counts as fresh, due for refresh, or dead.
import { ConfigError } from '../errors.ts';
import type { CachedSession } from './token-cache.ts';

// Refresh this long before expiry (at most half the token's lifetime), so a token never dies
// between our check and the relay's.
const MARGIN_SEC = 60;

/** When (ms since the epoch) the session's token stops counting as fresh. */
export function refreshDueAt(session: CachedSession): number {
  const margin = Math.min(MARGIN_SEC, (session.expiresAt - session.issuedAt) / 2);
  return (session.expiresAt - margin) * 1000;
}

export function needsRefresh(session: CachedSession, nowMs: number): boolean {
  return nowMs > refreshDueAt(session);
}

export function isUnexpired(session: CachedSession, nowMs: number): boolean {
  return session.expiresAt > nowMs / 1000;
}

export const loginExpired = () =>
  new ConfigError('ERR_LOGIN_EXPIRED', 'the hkubectl login has expired and cannot be refreshed', { hint: 'run `hkubectl login`' });
