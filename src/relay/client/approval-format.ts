// How an approval request reads in a terminal: one line for the inbox list, a block of details
// for the highlighted one. Pure (clock and colours passed in) so tests can pin the output. Every
// field the agent controls goes through showUntrusted before colour is added, so the approver
// sees its control characters spelt out rather than acted on by the terminal.
import type { ChalkInstance } from 'chalk';
import { showCommand } from '../../contract/command-line.ts';
import type { ApprovalRequest } from '../../contract/relay-api.ts';
import { showUntrusted as show } from '../../contract/show-untrusted.ts';
import { describeContent } from '../../contract/content-digest.ts';

export function age(fromIso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(fromIso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}

export function requesterOf(request: ApprovalRequest): string {
  return request.agent ? `${show(request.requester.subject)} (${show(request.agent)})` : show(request.requester.subject);
}

export function inboxLine(request: ApprovalRequest, nowMs: number, color: ChalkInstance): string {
  const risk = request.risk.score;
  const riskText = risk >= 60 ? color.red(`risk ${risk}`) : risk >= 30 ? color.yellow(`risk ${risk}`) : color.green(`risk ${risk}`);
  return `${color.dim(show(request.id.slice(0, 8)))}  ${age(request.createdAt, nowMs).padStart(4)}  ${requesterOf(request)}  ${color.bold(showCommand(request.argv))}  ${color.cyan(`ns:${show(request.namespace ?? '-')}`)}  ${riskText}`;
}

export function details(request: ApprovalRequest, nowMs: number, color: ChalkInstance): string {
  const factors = request.risk.factors.filter((factor) => factor.points > 0).map((factor) => `${show(factor.factor)} +${factor.points} (${show(factor.reason)})`);
  const rows: Array<[string, string]> = [
    ['request', show(request.id)],
    ['requester', `${requesterOf(request)}${request.requester.email ? ` <${show(request.requester.email)}>` : ''}${request.runId ? `, run ${show(request.runId)}` : ''}`],
    ['command', showCommand(request.argv)],
    ...(request.content ? [['content', describeContent(request.content)] as [string, string]] : []),
    ['where', `namespace ${show(request.namespace ?? '-')}, context ${show(request.context ?? '-')}${request.cluster ? `, cluster ${show(request.cluster)}` : ''}`],
    ['rule', `${show(request.rule)}: ${show(request.message)}`],
    ['reason', request.reason ? `"${show(request.reason)}"` : color.yellow('(the agent gave no reason)')],
    ['risk', `${request.risk.score}/100${factors.length ? `: ${factors.join(', ')}` : ''}`],
    ['age', `${age(request.createdAt, nowMs)}, expires in ${age(new Date(nowMs).toISOString(), Date.parse(request.expiresAt))}`],
  ];
  return rows.map(([label, value]) => `${color.dim(label.padEnd(10))}${value}`).join('\n');
}

export function outcome(request: ApprovalRequest): string {
  if (request.review) return `${request.review.verdict === 'approve' ? 'approved' : 'denied'} by ${show(request.review.by.subject)}: ${show(request.review.justification)}`;
  return show(request.status);
}
