// Session grants: a random 256-bit bearer per allowed session on a cluster the relay brokers.
// The relay keeps only its sha256 (in the audit log, folded into the state); the bearer itself
// exists in the allow answer and the agent's session kubeconfig. A grant is live while its
// session is open and before `expiresAt`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GrantScope, GrantIssuedEvent } from '../../../contract/audit-events.ts';
import type { Person } from '../../../contract/person.ts';
import type { Grant, RelayState } from '../state.ts';

/** `hkg_` + 43 base64url characters: 32 random bytes. */
export const GRANT_PREFIX = 'hkg_';

export function grantHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function mintGrant(input: { sessionId: string; by: Person; cluster: string; scope: GrantScope; expiresAt: string }): { token: string; event: GrantIssuedEvent } {
  const token = `${GRANT_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, event: { type: 'grant.issued', sessionId: input.sessionId, by: input.by, cluster: input.cluster, tokenSha256: grantHash(token), scope: input.scope, expiresAt: input.expiresAt } };
}

export type GrantLookup =
  | { ok: true; grant: Grant }
  | { ok: false; reason: 'missing' | 'unknown' | 'ended' | 'expired'; message: string };

/** The live grant a bearer stands for, or why there is none. */
export function lookupGrant(state: RelayState, authorization: string | undefined, nowMs: number): GrantLookup {
  const match = /^Bearer[ ]+(\S+)$/i.exec(authorization ?? '');
  if (!match) return { ok: false, reason: 'missing', message: 'the gateway needs the session grant as a bearer token (hkubectl writes it into the session kubeconfig)' };
  const hash = grantHash(match[1]!);
  const grant = state.grants.get(hash);
  // The map finds it by hash; compared again in constant time so no path depends on the bytes.
  if (!grant || !timingSafeEqual(Buffer.from(grant.tokenSha256, 'hex'), Buffer.from(hash, 'hex'))) {
    return { ok: false, reason: 'unknown', message: 'this bearer is not a session grant of this relay' };
  }
  const session = state.sessions.get(grant.sessionId);
  if (!session || session.closed) return { ok: false, reason: 'ended', message: `the session grant ended when session ${grant.sessionId} closed` };
  if (nowMs >= Date.parse(grant.expiresAt)) return { ok: false, reason: 'expired', message: `the session grant expired at ${grant.expiresAt}` };
  return { ok: true, grant };
}
