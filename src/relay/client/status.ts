// `hkubectl approvals status`: an approval request's state as an exit code an agent can branch
// on — 0 approved (re-run the command now) or already used, 75 still pending or expired (ask
// again later), 77 denied.
import { DeniedError, TemporaryError } from '../../errors.ts';
import { showCommand } from '../../contract/command-line.ts';
import type { ApprovalRequest } from '../../contract/relay-api.ts';
import { showUntrusted as show } from '../../contract/show-untrusted.ts';
import { describeContent } from '../../contract/content-digest.ts';

// Every field is spelt out safely (showUntrusted): the command, ids and names come from the agent
// or from the relay's answer, and are printed to whoever runs `approvals status`.
export function statusFailure(request: ApprovalRequest): Error | null {
  const command = showCommand(request.argv);
  const id = show(request.id);
  switch (request.status) {
    case 'approved':
    case 'consumed':
      return null;
    case 'pending':
      return new TemporaryError('ERR_APPROVAL_PENDING', `request ${id} is still waiting for a member of ${show(request.approverGroups.join(' or '))}`, {
        hint: `poll again with \`hkubectl approvals status ${id} --wait 5m\``,
      });
    case 'denied':
      return new DeniedError('ERR_APPROVAL_DENIED', `request ${id} was denied by ${show(request.review?.by.subject)}: ${show(request.review?.justification)}`);
    case 'expired':
      return new TemporaryError('ERR_APPROVAL_EXPIRED', `request ${id} expired at ${show(request.expiresAt)}`, { hint: `run the command again to ask anew: ${command}` });
  }
}

export function statusText(request: ApprovalRequest): string {
  const lines = [`request ${show(request.id)}: ${show(request.status)}`, `command: ${showCommand(request.argv)}`];
  if (request.content) lines.push(`content: ${describeContent(request.content)}`);
  if (request.reason) lines.push(`reason: "${show(request.reason)}"`);
  if (request.review) lines.push(`${request.review.verdict === 'approve' ? 'approved' : 'denied'} by ${show(request.review.by.subject)} at ${show(request.review.at)}: ${show(request.review.justification)}`);
  if (request.status === 'approved') lines.push(`re-run exactly the same command, with the same reason${request.content ? ' and the same file contents' : ''}, to run it (once)`);
  if (request.status === 'pending') lines.push(`waiting for: ${show(request.approverGroups.join(', '))} (expires ${show(request.expiresAt)})`);
  return `${lines.join('\n')}\n`;
}
