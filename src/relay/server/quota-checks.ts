// The daily quotas applied: a refusal is an audit entry first, then a clear answer (429 for
// sessions, 413 for recording bytes) saying which quota, how much was used and when it resets.
import type { DecisionEvent, Quota, QuotaExceededEvent } from '../../contract/audit-events.ts';
import type { Person } from '../../contract/person.ts';
import type { RelayCore } from './core.ts';
import { ApiError } from './http.ts';
import { utcDay } from './quotas.ts';

const DAY_MS = 86_400_000;

/** Seconds until the next UTC midnight, when the day's quotas start again. */
function untilTomorrow(nowMs: number): number {
  return Math.max(1, Math.ceil((DAY_MS - (nowMs % DAY_MS)) / 1000));
}

async function refuse(core: RelayCore, status: 413 | 429, event: QuotaExceededEvent, what: string): Promise<never> {
  // Logged the first time in a day: a client retrying against the quota cannot grow the log.
  if (!core.state.usage.loggedReached(event.day, event.quota, event.by)) await core.commit(event);
  const retry = untilTomorrow(core.now());
  throw new ApiError(status, 'ERR_QUOTA_EXCEEDED', `${event.by.subject} has used ${event.used} of ${event.limit} ${what} allowed per identity per day (${event.day}, UTC); this relay's quota resets at midnight UTC`, event.quota, {
    'retry-after': String(retry),
  });
}

/** Before an allow is logged: one more session would be past today's count. */
export async function checkSessionQuota(core: RelayCore, decision: DecisionEvent): Promise<void> {
  const day = utcDay(core.now());
  const used = core.state.usage.sessionsOn(day, decision.requester);
  const limit = core.limits.sessionsPerDay;
  if (used < limit) return;
  await refuse(core, 429, { type: 'quota.exceeded', by: decision.requester, quota: 'sessions-per-day', limit, used, day, command: decision.command }, 'sessions');
}

/** Bytes this identity may still have the relay keep today. */
export function uploadAllowance(core: RelayCore, who: Person): number {
  return Math.max(0, core.limits.uploadBytesPerDay - core.state.usage.bytesOn(utcDay(core.now()), who));
}

export function uploadQuotaRefusal(core: RelayCore, who: Person, sessionId: string, used: number): Promise<never> {
  const quota: Quota = 'upload-bytes-per-day';
  return refuse(core, 413, { type: 'quota.exceeded', by: who, quota, limit: core.limits.uploadBytesPerDay, used, day: utcDay(core.now()), sessionId }, 'bytes of recordings');
}
