import { describe, expect, it } from 'vitest';
import { GENESIS, sealEntry, type AuditEntry, type SealableEvent } from '../../src/contract/audit-chain.ts';
import { refusalLine, refusalsIn } from '../../src/replay/refusals.ts';
import { refusalEvents } from './fixtures.ts';

function sealed(events: SealableEvent[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const [i, event] of events.entries()) entries.push(sealEntry(event, i + 1, new Date(Date.UTC(2026, 2, 1, 10, i)).toISOString(), entries.at(-1)?.hash ?? GENESIS).entry);
  return entries;
}

describe('refusals in the audit log', () => {
  it('finds the guardrail block, the denied and the expired request, each with its rule, message and people, and not the approved one', async () => {
    const rows = await refusalsIn(sealed(refusalEvents()));
    expect(rows.map((r) => [r.id, r.outcome, r.command, r.rule, r.decisionSummary])).toEqual([
      ['#1', 'blocked', 'kubectl delete namespace prod', 'no-namespace-deletes', 'blocked by rule no-namespace-deletes'],
      ['#3', 'denied', 'kubectl scale deployment/web --replicas=0 -n prod', 'writes-in-production', 'denied by alice@bank.example'],
      ['#5', 'expired', 'kubectl exec web-1 -n prod -- sh', 'access-in-production', 'approval expired unanswered'],
    ]);
    expect(rows[0]).toMatchObject({ message: 'deleting a namespace is never allowed', identity: 'agent-7@bank.example', risk: 95, reason: 'reason for kubectl delete namespace prod' });
    expect(rows[1]).toMatchObject({ requestId: 'req-denied', approver: 'alice@bank.example', justification: 'not during the freeze', requestedAt: '2026-03-01T10:01:00.000Z', at: '2026-03-01T10:02:00.000Z' });
    expect(refusalLine(rows[1]!)).toBe('2026-03-01T10:02:00.000Z  #3  agent-7@bank.example: kubectl scale deployment/web --replicas=0 -n prod  DENIED denied by alice@bank.example [rule writes-in-production, risk 60, request req-denied] — alice@bank.example: not during the freeze');
  });

  it('still shows a denial whose request was made before the entries read, with the command its own entry repeats', async () => {
    const rows = await refusalsIn(sealed(refusalEvents().slice(2, 3)));
    expect(rows).toMatchObject([{ outcome: 'denied', command: 'kubectl scale deployment/web --replicas=0 -n prod', rule: null, approver: 'alice@bank.example' }]);
  });
});
