// How an approval request reads in a terminal: one line for the inbox list, a block of details
// for the highlighted one. Pure (clock and colours passed in) so tests can pin the output.
import type { ChalkInstance } from 'chalk';
import { showCommand } from '../../contract/command-line.ts';
import type { ApprovalRequest } from '../../contract/relay-api.ts';

export function age(fromIso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(fromIso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}

export function requesterOf(request: ApprovalRequest): string {
  return request.agent ? `${request.requester.subject} (${request.agent})` : request.requester.subject;
}

export function inboxLine(request: ApprovalRequest, nowMs: number, color: ChalkInstance): string {
  const risk = request.risk.score;
  const riskText = risk >= 60 ? color.red(`risk ${risk}`) : risk >= 30 ? color.yellow(`risk ${risk}`) : color.green(`risk ${risk}`);
  return `${color.dim(request.id.slice(0, 8))}  ${age(request.createdAt, nowMs).padStart(4)}  ${requesterOf(request)}  ${color.bold(showCommand(request.argv))}  ${color.cyan(`ns:${request.namespace ?? '-'}`)}  ${riskText}`;
}

export function details(request: ApprovalRequest, nowMs: number, color: ChalkInstance): string {
  const factors = request.risk.factors.filter((factor) => factor.points > 0).map((factor) => `${factor.factor} +${factor.points} (${factor.reason})`);
  const rows: Array<[string, string]> = [
    ['request', request.id],
    ['requester', `${requesterOf(request)}${request.requester.email ? ` <${request.requester.email}>` : ''}${request.runId ? `, run ${request.runId}` : ''}`],
    ['command', showCommand(request.argv)],
    ['where', `namespace ${request.namespace ?? '-'}, context ${request.context ?? '-'}${request.cluster ? `, cluster ${request.cluster}` : ''}`],
    ['rule', `${request.rule}: ${request.message}`],
    ['reason', request.reason ? `"${request.reason}"` : color.yellow('(the agent gave no reason)')],
    ['risk', `${request.risk.score}/100${factors.length ? `: ${factors.join(', ')}` : ''}`],
    ['age', `${age(request.createdAt, nowMs)}, expires in ${age(new Date(nowMs).toISOString(), Date.parse(request.expiresAt))}`],
  ];
  return rows.map(([label, value]) => `${color.dim(label.padEnd(10))}${value}`).join('\n');
}

export function outcome(request: ApprovalRequest): string {
  if (request.review) return `${request.review.verdict === 'approve' ? 'approved' : 'denied'} by ${request.review.by.subject}: ${request.review.justification}`;
  return request.status;
}
