// The wrapper's side of a decision: submit the command, and where policy wants a human, say so on
// stderr, wait (or not, with --hk-wait 0) and submit the byte-identical command again once
// approved, which uses the approval up. Whatever does not end in an allow becomes a typed error:
// deny → 77, still pending / timed out / relay down → 75.
import { DeniedError, TemporaryError } from '../../errors.ts';
import type { RelayClient } from './client.ts';
import type { AllowAnswer, ApprovalRequest, ApproveAnswer, DecisionAnswer, DenyAnswer, SubmitBody } from '../../contract/relay-api.ts';
import { waitForAnswer } from './wait.ts';

export interface DecisionFlowOptions {
  /** Milliseconds to wait for an approver; undefined = the policy's suggestion. */
  waitMs: number | undefined;
  /** A line for the agent's stderr (already formatted for text or JSON output). */
  notify: (event: WaitingNotice) => void;
  /**
   * The submission as it stands now, asked for again before the approved command is submitted to
   * use its approval: files read while the approver was deciding may have changed since.
   */
  refresh?: () => Promise<SubmitBody>;
}

export interface WaitingNotice {
  event: 'approval.waiting';
  requestId: string;
  approverGroups: string[];
  rule: string;
  message: string;
  risk: number;
  expiresAt: string;
  waitSec: number;
}

function denied(answer: DenyAnswer): DeniedError {
  const kind = answer.guardrail ? 'blocked by guardrail' : 'denied by policy';
  return new DeniedError('ERR_POLICY_DENIED', `${kind} (rule ${answer.rule}, risk ${answer.risk.score}): ${answer.message}`, {
    hint: 'the command did not run; change the command, or ask a platform engineer about the rule',
    details: { rule: answer.rule, risk: answer.risk.score, guardrail: answer.guardrail },
  });
}

function pendingHint(id: string): string {
  return `nothing was run; re-run the same command once it is approved (check with \`hkubectl approvals status ${id}\`)`;
}

function fromReviewed(request: ApprovalRequest): DeniedError | TemporaryError | null {
  switch (request.status) {
    case 'denied':
      return new DeniedError('ERR_APPROVAL_DENIED', `request ${request.id} was denied by ${request.review?.by.subject ?? 'an approver'}: ${request.review?.justification ?? ''}`, {
        hint: 'the command did not run',
        details: { requestId: request.id, approver: request.review?.by.subject ?? null },
      });
    case 'expired':
      return new TemporaryError('ERR_APPROVAL_EXPIRED', `request ${request.id} expired before anyone answered it`, {
        hint: 'nothing was run; run the command again to ask anew',
        details: { requestId: request.id },
      });
    case 'pending':
      return new TemporaryError('ERR_APPROVAL_PENDING', `approval needed: request ${request.id} is waiting for ${request.approverGroups.join(', ')}`, {
        hint: pendingHint(request.id),
        details: { requestId: request.id },
      });
    default:
      return null;
  }
}

export async function obtainDecision(client: RelayClient, body: SubmitBody, options: DecisionFlowOptions): Promise<AllowAnswer> {
  let answer: DecisionAnswer = await client.submit(body);
  if (answer.decision === 'deny') throw denied(answer);
  if (answer.decision === 'allow') return answer;

  const pending: ApproveAnswer = answer;
  const waitMs = options.waitMs ?? pending.waitSec * 1000;
  options.notify({
    event: 'approval.waiting',
    requestId: pending.requestId,
    approverGroups: pending.approverGroups,
    rule: pending.rule,
    message: pending.message,
    risk: pending.risk.score,
    expiresAt: pending.expiresAt,
    waitSec: Math.round(waitMs / 1000),
  });
  if (waitMs <= 0) {
    throw new TemporaryError('ERR_APPROVAL_PENDING', `approval needed: request ${pending.requestId} is waiting for ${pending.approverGroups.join(', ')}`, {
      hint: pendingHint(pending.requestId),
      details: { requestId: pending.requestId },
    });
  }
  const request = await waitForAnswer(client, pending.requestId, { timeoutMs: waitMs });
  const problem = fromReviewed(request);
  if (problem) throw problem;
  answer = await client.submit(options.refresh ? await options.refresh() : body);
  if (answer.decision === 'allow') return answer;
  if (answer.decision === 'deny') throw denied(answer);
  throw new TemporaryError('ERR_APPROVAL_PENDING', `approval needed again: request ${answer.requestId}`, { hint: pendingHint(answer.requestId) });
}
