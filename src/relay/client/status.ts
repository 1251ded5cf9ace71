// `hkubectl approvals status`: an approval request's state as an exit code an agent can branch
// on — 0 approved (re-run the command now) or already used, 75 still pending or expired (ask
// again later), 77 denied.
import { DeniedError, TemporaryError } from '../../errors.ts';
import { showCommand } from '../../contract/command-line.ts';
import type { ApprovalRequest } from '../../contract/relay-api.ts';

export function statusFailure(request: ApprovalRequest): Error | null {
  const command = showCommand(request.argv);
  switch (request.status) {
    case 'approved':
    case 'consumed':
      return null;
    case 'pending':
      return new TemporaryError('ERR_APPROVAL_PENDING', `request ${request.id} is still waiting for a member of ${request.approverGroups.join(' or ')}`, {
        hint: `poll again with \`hkubectl approvals status ${request.id} --wait 5m\``,
      });
    case 'denied':
      return new DeniedError('ERR_APPROVAL_DENIED', `request ${request.id} was denied by ${request.review?.by.subject}: ${request.review?.justification}`);
    case 'expired':
      return new TemporaryError('ERR_APPROVAL_EXPIRED', `request ${request.id} expired at ${request.expiresAt}`, { hint: `run the command again to ask anew: ${command}` });
  }
}

export function statusText(request: ApprovalRequest): string {
  const lines = [`request ${request.id}: ${request.status}`, `command: ${showCommand(request.argv)}`];
  if (request.review) lines.push(`${request.review.verdict === 'approve' ? 'approved' : 'denied'} by ${request.review.by.subject} at ${request.review.at}: ${request.review.justification}`);
  if (request.status === 'approved') lines.push('re-run exactly the same command to run it (once)');
  if (request.status === 'pending') lines.push(`waiting for: ${request.approverGroups.join(', ')} (expires ${request.expiresAt})`);
  return `${lines.join('\n')}\n`;
}
