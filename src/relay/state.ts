// What the relay knows, derived only from audit-log entries folded in order: pending and past
// approval requests, and sessions. The same `apply` runs when the relay starts (replaying the
// log) and for each new entry, so a restart cannot remember anything differently.
import type { AuditEntry } from './audit-chain.ts';
import { consumed, expired, reviewed } from './approvals.ts';
import type { DecisionEvent, ExpireEvent, ReviewEvent } from './events.ts';
import type { ApprovalRequest } from './types.ts';

export type Session = { sessionId: string; subject: string; issuer: string; fingerprint: string; openedAt: string; requestId: string | null };

export class RelayState {
  readonly requests = new Map<string, ApprovalRequest>();
  /** fingerprint → id of the latest request for that exact command. */
  readonly latestByFingerprint = new Map<string, string>();
  readonly sessions = new Map<string, Session>();
  /** Bumped by every change to a request; lets inboxes long-poll for "anything new". */
  version = 0;

  apply(entry: AuditEntry): void {
    switch (entry.type) {
      case 'decision': return this.decision(entry as unknown as DecisionEvent & AuditEntry);
      case 'review': return this.review(entry as unknown as ReviewEvent & AuditEntry);
      case 'expire': return this.expire(entry as unknown as ExpireEvent & AuditEntry);
      default: // start, key and repair events change no request
    }
  }

  latestFor(fingerprint: string): ApprovalRequest | undefined {
    const id = this.latestByFingerprint.get(fingerprint);
    return id === undefined ? undefined : this.requests.get(id);
  }

  private decision(event: DecisionEvent & AuditEntry): void {
    if (event.sessionId) {
      this.sessions.set(event.sessionId, {
        sessionId: event.sessionId, subject: event.requester.subject, issuer: event.requester.issuer,
        fingerprint: event.fingerprint, openedAt: event.ts, requestId: event.consumes ?? null,
      });
    }
    if (event.consumes) this.update(event.consumes, (request) => consumed(request, event.sessionId ?? '', event.ts));
    if (event.outcome !== 'approve' || !event.newRequest || !event.requestId) return;
    this.requests.set(event.requestId, {
      id: event.requestId, status: 'pending', fingerprint: event.fingerprint, requester: event.requester,
      argv: event.argv, verb: event.verb, namespace: event.namespace, context: event.context, cluster: event.cluster,
      reason: event.reason, agent: event.agent, runId: event.runId, rule: event.rule, message: event.message, risk: event.risk,
      approverGroups: event.approverGroups ?? [], createdAt: event.ts, expiresAt: event.expiresAt ?? event.ts,
      review: null, consumedAt: null, sessionId: null,
    });
    this.latestByFingerprint.set(event.fingerprint, event.requestId);
    this.version += 1;
  }

  private review(event: ReviewEvent & AuditEntry): void {
    this.update(event.requestId, (request) => reviewed(request, { verdict: event.verdict, by: event.by, justification: event.justification, at: event.ts }));
  }

  private expire(event: ExpireEvent & AuditEntry): void {
    this.update(event.requestId, expired);
  }

  private update(id: string, change: (request: ApprovalRequest) => ApprovalRequest): void {
    const request = this.requests.get(id);
    if (!request) return;
    this.requests.set(id, change(request));
    this.version += 1;
  }
}
