// The approval state machine. Pure: requests in, requests (or a refusal) out.
//
//   pending ──review approve──▶ approved ──same command re-submitted──▶ consumed
//      │  └───review deny────▶ denied
//      └──(expiresAt passes)──▶ expired   (approved and denied requests expire too)
//
// Only members of the request's approver groups may review, never the requester; a request is
// reviewed once. Expiry is a matter of time, so it is computed, and merely noted in the log.
import type { ApprovalRequest, ApprovalStatus, Person, Review, Verdict } from '../../contract/relay-api.ts';

export type Refusal = { status: 400 | 403 | 404 | 409 | 410; code: string; message: string };

export function isExpired(request: ApprovalRequest, nowMs: number): boolean {
  return Date.parse(request.expiresAt) <= nowMs;
}

/** The status as of `nowMs`: a pending, approved or denied request past its expiry is expired. */
export function statusAt(request: ApprovalRequest, nowMs: number): ApprovalStatus {
  if (request.status === 'consumed' || request.status === 'expired') return request.status;
  return isExpired(request, nowMs) ? 'expired' : request.status;
}

export function samePerson(a: Pick<Person, 'issuer' | 'subject'>, b: Pick<Person, 'issuer' | 'subject'>): boolean {
  return a.issuer === b.issuer && a.subject === b.subject;
}

export function isApproverFor(request: ApprovalRequest, person: Person): boolean {
  return person.groups.some((group) => request.approverGroups.includes(group));
}

/** Why `reviewer` may not review `request` now, or null when they may. */
export function reviewRefusal(request: ApprovalRequest, reviewer: Person, verdict: Verdict, justification: string, nowMs: number): Refusal | null {
  if (samePerson(request.requester, reviewer)) {
    return { status: 403, code: 'ERR_SELF_REVIEW', message: `${reviewer.subject} asked for request ${request.id} and cannot review it; another approver must` };
  }
  if (!isApproverFor(request, reviewer)) {
    return {
      status: 403, code: 'ERR_NOT_APPROVER',
      message: `${reviewer.subject} is not in the approver groups of request ${request.id} (${request.approverGroups.join(', ') || 'none'})`,
    };
  }
  if (justification.trim() === '') {
    return { status: 400, code: 'ERR_JUSTIFICATION_REQUIRED', message: `a justification is required to ${verdict} a request` };
  }
  const status = statusAt(request, nowMs);
  if (status === 'expired') return { status: 410, code: 'ERR_REQUEST_EXPIRED', message: `request ${request.id} expired at ${request.expiresAt}` };
  if (status !== 'pending') {
    const by = request.review ? ` by ${request.review.by.subject} at ${request.review.at}` : '';
    return { status: 409, code: 'ERR_ALREADY_REVIEWED', message: `request ${request.id} was already ${request.review?.verdict === 'deny' ? 'denied' : 'approved'}${by}` };
  }
  return null;
}

export function reviewed(request: ApprovalRequest, review: Review): ApprovalRequest {
  return { ...request, status: review.verdict === 'approve' ? 'approved' : 'denied', review };
}

export function consumed(request: ApprovalRequest, sessionId: string, at: string): ApprovalRequest {
  return { ...request, status: 'consumed', consumedAt: at, sessionId };
}

export function expired(request: ApprovalRequest): ApprovalRequest {
  return { ...request, status: 'expired' };
}

/** Who may look at a request: its requester and the people who could review it. */
export function mayView(request: ApprovalRequest, person: Person): boolean {
  return samePerson(request.requester, person) || isApproverFor(request, person);
}
