// The audit entries of a session's gateway refusals, bounded: an agent that fires request after
// refused request would otherwise write one audit entry each, as fast as it can send them. The
// first REFUSALS_IN_FULL of a session are logged one by one; past that, refusals still answer 403
// and are still each a line of the session's record (the relay-observed evidence), while the audit
// log gets one `gateway.refusals` entry per REFUSALS_IN_FULL further refusals, and one for the rest
// when the session closes (or the relay stops): counts by rule and status, first and last time.
// Nothing is dropped from the evidence, and the log shows how many were summarised.
import type { GatewayRefusalsEvent, GatewayRefusedEvent } from '../../../contract/audit-events.ts';

export const REFUSALS_IN_FULL = 100;

type Held = Omit<GatewayRefusalsEvent, 'type' | 'final'>;
type Tally = { logged: number; held: Held | null };

export class RefusalLog {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly commit: (event: GatewayRefusedEvent | GatewayRefusalsEvent) => Promise<unknown>,
    private readonly now: () => number,
    private readonly inFull = REFUSALS_IN_FULL,
  ) {}

  /** One refusal of a session: logged in full, or tallied (and the tally logged once it holds `inFull`). */
  async refused(event: GatewayRefusedEvent): Promise<void> {
    let tally = this.tallies.get(event.sessionId);
    if (!tally) this.tallies.set(event.sessionId, (tally = { logged: 0, held: null }));
    if (tally.logged < this.inFull) {
      tally.logged += 1;
      await this.commit(event);
      return;
    }
    const at = new Date(this.now()).toISOString();
    const held = (tally.held ??= { sessionId: event.sessionId, by: event.by, cluster: event.cluster, count: 0, rules: {}, statuses: {}, first: at, last: at });
    held.count += 1;
    held.rules[event.rule] = (held.rules[event.rule] ?? 0) + 1;
    held.statuses[String(event.status)] = (held.statuses[String(event.status)] ?? 0) + 1;
    held.last = at;
    if (held.count >= this.inFull) await this.flush(tally, false);
  }

  /** The session closed: its remaining tally is logged, and it is forgotten. */
  async finish(sessionId: string): Promise<void> {
    const tally = this.tallies.get(sessionId);
    if (!tally) return;
    this.tallies.delete(sessionId);
    await this.flush(tally, true);
  }

  /** The relay is stopping: every remaining tally is logged (a session's later refusals start a new count). */
  async finishAll(): Promise<void> {
    for (const sessionId of [...this.tallies.keys()]) await this.finish(sessionId);
  }

  private async flush(tally: Tally, final: boolean): Promise<void> {
    const held = tally.held;
    if (!held) return;
    tally.held = null;
    await this.commit({ type: 'gateway.refusals', ...held, final });
  }
}
