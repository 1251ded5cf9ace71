// Per-identity daily usage, folded from the audit log like the rest of the relay's state (so a
// restart forgets nothing): sessions opened and recording bytes kept, per UTC day. Uploads still
// streaming are counted as they arrive, so two at once cannot both fit in what is left.
import type { AuditEntry } from '../../contract/audit-chain.ts';
import type { Person } from '../../contract/person.ts';

type Who = Pick<Person, 'issuer' | 'subject'>;

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const keyOf = (who: Who): string => JSON.stringify([who.issuer, who.subject]);

export class DailyUsage {
  /** Only the latest day seen is kept: yesterday's counts decide nothing. */
  private day = '';
  private readonly sessions = new Map<string, number>();
  private readonly bytes = new Map<string, number>();
  private readonly streaming = new Map<string, number>();
  /** Quotas already logged as reached today, by identity: the log says it once a day, not per retry. */
  private readonly reached = new Map<string, number>();

  apply(entry: AuditEntry): void {
    if (entry.type === 'decision' && entry.sessionId) this.add(this.sessions, entry.ts, entry.requester, 1);
    else if (entry.type === 'session.cast') this.add(this.bytes, entry.ts, entry.by, entry.size);
    else if (entry.type === 'quota.exceeded') this.add(this.reached, entry.ts, { issuer: entry.quota, subject: keyOf(entry.by) }, 1);
  }

  /** Whether `quota` was already logged as reached by `who` today. */
  loggedReached(day: string, quota: string, who: Who): boolean {
    return day === this.day && this.reached.has(keyOf({ issuer: quota, subject: keyOf(who) }));
  }

  sessionsOn(day: string, who: Who): number {
    return day === this.day ? this.sessions.get(keyOf(who)) ?? 0 : 0;
  }

  /** Bytes kept today plus bytes of uploads still arriving. */
  bytesOn(day: string, who: Who): number {
    return (day === this.day ? this.bytes.get(keyOf(who)) ?? 0 : 0) + (this.streaming.get(keyOf(who)) ?? 0);
  }

  /** Counts the bytes of an upload in flight; `release` once it is kept (logged) or refused. */
  streamingUpload(who: Who): { add(bytes: number): void; release(): void } {
    const key = keyOf(who);
    let mine = 0;
    return {
      add: (n) => {
        mine += n;
        this.streaming.set(key, (this.streaming.get(key) ?? 0) + n);
      },
      release: () => {
        const left = (this.streaming.get(key) ?? 0) - mine;
        if (left > 0) this.streaming.set(key, left);
        else this.streaming.delete(key);
        mine = 0;
      },
    };
  }

  private add(map: Map<string, number>, ts: string, who: Who, n: number): void {
    const day = ts.slice(0, 10);
    if (day < this.day) return;
    if (day > this.day) {
      this.day = day;
      this.sessions.clear();
      this.bytes.clear();
      this.reached.clear();
    }
    map.set(keyOf(who), (map.get(keyOf(who)) ?? 0) + n);
  }
}
