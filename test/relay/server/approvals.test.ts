import { describe, expect, it } from 'vitest';
import { consumed, reviewed, reviewRefusal, statusAt } from '../../../src/relay/server/approvals.ts';
import type { ApprovalRequest, Person } from '../../../src/contract/relay-api.ts';

const agent: Person = { subject: 'agent-7', issuer: 'https://idp', groups: ['agents'] };
const alice: Person = { subject: 'alice', issuer: 'https://idp', groups: ['approvers'] };
const T0 = Date.parse('2026-03-01T10:00:00Z');

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'r1', status: 'pending', fingerprint: 'f', requester: agent, argv: ['delete', 'pod', 'x', '-n', 'prod'], verb: 'delete',
    namespace: 'prod', context: null, cluster: null, reason: 'why', agent: null, runId: null, content: null, rule: 'writes-in-production', message: 'm',
    risk: { score: 50, factors: [] }, approverGroups: ['approvers'], createdAt: new Date(T0).toISOString(),
    expiresAt: new Date(T0 + 60_000).toISOString(), review: null, consumedAt: null, sessionId: null, ...overrides,
  };
}

describe('approval state machine', () => {
  it('goes pending → approved → consumed', () => {
    const approved = reviewed(request(), { verdict: 'approve', by: alice, justification: 'ok', at: 'now' });
    expect(statusAt(approved, T0)).toBe('approved');
    expect(statusAt(consumed(approved, 's1', 'later'), T0)).toBe('consumed');
  });

  it('expires pending, approved and denied requests, but not consumed ones', () => {
    const late = T0 + 60_000;
    expect(statusAt(request(), late)).toBe('expired');
    expect(statusAt(request({ status: 'approved' }), late)).toBe('expired');
    expect(statusAt(request({ status: 'denied' }), late)).toBe('expired');
    expect(statusAt(request({ status: 'consumed' }), late)).toBe('consumed');
  });

  it('never lets the requester review their own request, even as an approver', () => {
    const own = request({ requester: alice });
    expect(reviewRefusal(own, alice, 'approve', 'fine', T0)).toMatchObject({ status: 403, code: 'ERR_SELF_REVIEW' });
    // Same subject name from another issuer is another person.
    expect(reviewRefusal(own, { ...alice, issuer: 'https://other-idp' }, 'approve', 'fine', T0)).toBeNull();
  });

  it('only lets members of the request\'s approver groups review', () => {
    expect(reviewRefusal(request(), { ...agent, subject: 'agent-8' }, 'approve', 'ok', T0)).toMatchObject({ status: 403, code: 'ERR_NOT_APPROVER' });
    expect(reviewRefusal(request({ approverGroups: ['sre-leads'] }), alice, 'approve', 'ok', T0)).toMatchObject({ status: 403 });
    expect(reviewRefusal(request(), alice, 'approve', 'ok', T0)).toBeNull();
  });

  it('requires a justification', () => {
    expect(reviewRefusal(request(), alice, 'deny', '   ', T0)).toMatchObject({ status: 400, code: 'ERR_JUSTIFICATION_REQUIRED' });
  });

  it('answers 409 for a second review and 410 once expired', () => {
    const denied = reviewed(request(), { verdict: 'deny', by: { ...alice, subject: 'bob' }, justification: 'no', at: 't' });
    expect(reviewRefusal(denied, alice, 'approve', 'yes', T0)).toMatchObject({ status: 409, message: expect.stringContaining('denied by bob') });
    expect(reviewRefusal(request(), alice, 'approve', 'yes', T0 + 60_000)).toMatchObject({ status: 410, code: 'ERR_REQUEST_EXPIRED' });
  });
});
