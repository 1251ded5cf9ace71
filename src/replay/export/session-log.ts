// The chronological session log in the two forms examiners ask for, JSON lines and CSV, and the
// approval trail (JSON lines): one line per session, written as each session is reached, and one
// per request that never became a session (blocked, denied, expired), in time order among them.
import type { SessionRow } from '../session-model.ts';
import type { RefusalRow } from '../refusals.ts';

const COLUMNS = [
  ['started_at', 'startedAt'], ['ended_at', 'endedAt'], ['session', 'session'], ['identity', 'identity'], ['command', 'command'],
  ['namespace', 'namespace'], ['context', 'context'], ['decision', 'decision'], ['rule', 'rule'], ['risk', 'risk'],
  ['approval_request', 'requestId'], ['approver', 'approver'], ['justification', 'justification'], ['reason', 'reason'],
  ['exit_code', 'exitCode'], ['verification', 'status'], ['evidence_mode', 'evidenceMode'], ['evidence', 'evidence'],
] as const satisfies ReadonlyArray<readonly [string, keyof SessionRow]>;

/** A refusal in the same columns; `decision` is its outcome, `message` the rule's or relay's words, and there is no session. */
const REFUSAL_COLUMNS: Record<(typeof COLUMNS)[number][0] | 'message', keyof RefusalRow | null> = {
  started_at: 'at', ended_at: null, session: null, identity: 'identity', command: 'command', namespace: 'namespace', context: 'context',
  decision: 'outcome', rule: 'rule', risk: 'risk', approval_request: 'requestId', approver: 'approver', justification: 'justification',
  reason: 'reason', exit_code: null, verification: null, evidence_mode: null, evidence: null, message: 'message',
};

export const CSV_HEADER = `${[...COLUMNS.map(([name]) => name), 'message'].join(',')}\r\n`;

export function csvLine(row: SessionRow): string {
  return `${[...COLUMNS.map(([, key]) => csvCell(row[key])), ''].join(',')}\r\n`;
}

export function refusalCsvLine(row: RefusalRow): string {
  return `${Object.values(REFUSAL_COLUMNS).map((key) => csvCell(key === null ? null : row[key])).join(',')}\r\n`;
}

export function refusalLogLine(row: RefusalRow): string {
  return `${JSON.stringify(row)}\n`;
}

/** A denied or expired approval request's trail (a guardrail block had no request). */
export function refusalApprovalLine(row: RefusalRow): string {
  return `${JSON.stringify({ requestId: row.requestId, outcome: row.outcome, at: row.at, requestedAt: row.requestedAt, identity: row.identity, command: row.command, approver: row.approver, justification: row.justification, rule: row.rule, message: row.message, risk: row.risk })}\n`;
}

// RFC 4180 quoting, and a leading quote mark on anything a spreadsheet would run as a formula
// (recorded commands and justifications are written by agents and people, not by us).
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function logLine(row: SessionRow, excerpt: string): string {
  return `${JSON.stringify({ ...row, excerpt })}\n`;
}

/** A session's approval trail (for sessions that needed one). */
export function approvalLine(row: SessionRow): string {
  return `${JSON.stringify({ session: row.session, startedAt: row.startedAt, identity: row.identity, command: row.command, requestId: row.requestId, approver: row.approver, justification: row.justification, rule: row.rule, risk: row.risk, verification: row.status })}\n`;
}
