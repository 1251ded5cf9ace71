// What the relay knows, derived only from audit-log entries folded in order: pending and past
// approval requests, and sessions. The same `apply` runs when the relay starts (replaying the
// log) and for each new entry, so a restart cannot remember anything differently.
import type { AuditEntry, EntryOf } from '../../contract/audit-chain.ts';
import { consumed, expired, reviewed } from './approvals.ts';
import type { ApprovalRequest } from '../../contract/relay-api.ts';
import { DailyUsage } from './quotas.ts';

/** An allowed command: what the relay decided (to fill its manifest), and how far it got. */
export type Session = {
  sessionId: string;
  /** The allow decision, as logged. */
  decision: EntryOf<'decision'>;
  openedAt: string;
  requestId: string | null;
  /** The relay's own copy of the .cast, once uploaded. */
  upload: { sha256: string; size: number; at: string; events?: number; counts?: Record<string, number>; unmasked?: Record<string, number> } | null;
  closed: { at: string; seq: number; manifestSha256: string; exitCode: number; relayCopy: boolean } | null;
  /** Set when the session runs through the relay's gateway: its grant (by hash) and cluster. */
  gateway?: { cluster: string; tokenSha256: string };
  /** Requests of the session the gateway refused, each logged or counted in a summary (refusal-log.ts). */
  gatewayRefusals?: number;
};

/** A session grant as the relay keeps it: the bearer's hash and what it is bound to. */
export type Grant = {
  sessionId: string;
  tokenSha256: string;
  cluster: string;
  by: EntryOf<'grant.issued'>['by'];
  scope: EntryOf<'grant.issued'>['scope'];
  issuedAt: string;
  expiresAt: string;
};

export class RelayState {
  readonly requests = new Map<string, ApprovalRequest>();
  /** fingerprint → id of the latest request for that exact command. */
  readonly latestByFingerprint = new Map<string, string>();
  /** Fingerprint without content → id of the latest request for that command line, whatever it read. */
  readonly latestByCommand = new Map<string, string>();
  readonly sessions = new Map<string, Session>();
  /** Session grants by the sha256 of their bearer; a grant is live while its session is open and it has not expired. */
  readonly grants = new Map<string, Grant>();
  /** Sessions and recording bytes per identity today, for the daily quotas. */
  readonly usage = new DailyUsage();
  /** Bumped by every change to a request; lets inboxes long-poll for "anything new". */
  version = 0;

  apply(entry: AuditEntry): void {
    this.usage.apply(entry);
    switch (entry.type) {
      case 'decision': return this.decision(entry);
      case 'review': return this.review(entry);
      case 'expire': return this.expire(entry);
      case 'session.cast': return this.upload(entry);
      case 'session.closed': return this.close(entry);
      case 'grant.issued': return this.grant(entry);
      case 'gateway.refused': return this.refused(entry.sessionId, 1);
      case 'gateway.refusals': return this.refused(entry.sessionId, entry.count);
      default: // relay-start, key and repair entries change no request
    }
  }

  /** Takes over what `rebuilt` holds (after a failed write); `version` only moves forwards, so long-polls see a change. */
  adopt(rebuilt: RelayState): void {
    for (const map of ['requests', 'latestByFingerprint', 'sessions', 'grants'] as const) {
      (this[map] as Map<string, unknown>).clear();
      for (const [key, value] of rebuilt[map]) (this[map] as Map<string, unknown>).set(key, value);
    }
    this.version = Math.max(this.version, rebuilt.version) + 1;
  }

  latestFor(fingerprint: string): ApprovalRequest | undefined {
    const id = this.latestByFingerprint.get(fingerprint);
    return id === undefined ? undefined : this.requests.get(id);
  }

  /** The latest request for this command line with any content (see CommandFields.commandFingerprint). */
  latestForCommand(commandFingerprint: string): ApprovalRequest | undefined {
    const id = this.latestByCommand.get(commandFingerprint) ?? this.latestByFingerprint.get(commandFingerprint);
    return id === undefined ? undefined : this.requests.get(id);
  }

  private decision(event: EntryOf<'decision'>): void {
    if (event.sessionId) {
      this.sessions.set(event.sessionId, {
        sessionId: event.sessionId, decision: event, openedAt: event.ts, requestId: event.consumes ?? null, upload: null, closed: null,
      });
    }
    if (event.consumes) this.update(event.consumes, (request) => consumed(request, event.sessionId ?? '', event.ts));
    if (event.outcome !== 'approve' || !event.newRequest || !event.requestId) return;
    this.requests.set(event.requestId, {
      id: event.requestId, status: 'pending', fingerprint: event.fingerprint, requester: event.requester,
      argv: event.argv, verb: event.verb, namespace: event.namespace, context: event.context, cluster: event.cluster,
      reason: event.reason, agent: event.agent, runId: event.runId, content: event.content ?? null, rule: event.rule, message: event.message, risk: event.risk,
      approverGroups: event.approverGroups ?? [], createdAt: event.ts, expiresAt: event.expiresAt ?? event.ts,
      review: null, consumedAt: null, sessionId: null,
    });
    this.latestByFingerprint.set(event.fingerprint, event.requestId);
    if (event.commandFingerprint) this.latestByCommand.set(event.commandFingerprint, event.requestId);
    this.version += 1;
  }

  private review(event: EntryOf<'review'>): void {
    this.update(event.requestId, (request) => reviewed(request, { verdict: event.verdict, by: event.by, justification: event.justification, at: event.ts }));
  }

  private expire(event: EntryOf<'expire'>): void {
    this.update(event.requestId, expired);
  }

  private upload(event: EntryOf<'session.cast'>): void {
    const session = this.sessions.get(event.sessionId);
    if (!session) return;
    const { sha256, size, events, counts, unmasked } = event;
    session.upload = { sha256, size, at: event.ts, ...(events === undefined ? {} : { events, counts: counts ?? {}, unmasked: unmasked ?? {} }) };
  }

  private close(event: EntryOf<'session.closed'>): void {
    const session = this.sessions.get(event.sessionId);
    if (!session) return;
    session.closed = { at: event.ts, seq: event.seq, manifestSha256: event.manifestSha256, exitCode: event.exitCode, relayCopy: event.relayCopy };
  }

  private refused(sessionId: string, count: number): void {
    const session = this.sessions.get(sessionId);
    if (session) session.gatewayRefusals = (session.gatewayRefusals ?? 0) + count;
  }

  private grant(event: EntryOf<'grant.issued'>): void {
    const session = this.sessions.get(event.sessionId);
    if (!session) return;
    session.gateway = { cluster: event.cluster, tokenSha256: event.tokenSha256 };
    this.grants.set(event.tokenSha256, {
      sessionId: event.sessionId, tokenSha256: event.tokenSha256, cluster: event.cluster, by: event.by, scope: event.scope, issuedAt: event.ts, expiresAt: event.expiresAt,
    });
  }

  private update(id: string, change: (request: ApprovalRequest) => ApprovalRequest): void {
    const request = this.requests.get(id);
    if (!request) return;
    this.requests.set(id, change(request));
    this.version += 1;
  }
}
