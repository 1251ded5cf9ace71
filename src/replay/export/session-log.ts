// The chronological session log in the two forms examiners ask for, JSON lines and CSV, and the
// approval trail (JSON lines): one line per session, written as each session is reached.
import type { SessionRow } from '../session-model.ts';

const COLUMNS = [
  ['started_at', 'startedAt'], ['ended_at', 'endedAt'], ['session', 'session'], ['identity', 'identity'], ['command', 'command'],
  ['namespace', 'namespace'], ['context', 'context'], ['decision', 'decision'], ['rule', 'rule'], ['risk', 'risk'],
  ['approval_request', 'requestId'], ['approver', 'approver'], ['justification', 'justification'], ['reason', 'reason'],
  ['exit_code', 'exitCode'], ['verification', 'status'], ['evidence_mode', 'evidenceMode'], ['evidence', 'evidence'],
] as const satisfies ReadonlyArray<readonly [string, keyof SessionRow]>;

export const CSV_HEADER = `${COLUMNS.map(([name]) => name).join(',')}\r\n`;

export function csvLine(row: SessionRow): string {
  return `${COLUMNS.map(([, key]) => csvCell(row[key])).join(',')}\r\n`;
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
