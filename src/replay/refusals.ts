// The requests that never became a session, read from the relay's audit log: commands a guardrail
// blocked, commands decided "deny", approval requests an approver denied, and those that expired
// unanswered. Auditors are asked for these as much as for approvals, and no recording holds them.
// Pure: entries in, oldest first; a row out for each entry that ended a request.
import type { AuditEntry, EntryOf } from '../contract/audit-chain.ts';
import type { Person } from '../contract/person.ts';

export type RefusalOutcome = 'blocked' | 'denied' | 'expired';

export interface RefusalRow {
  kind: 'refusal';
  /** The audit-log entry that ended the request: `#<seq>`. */
  id: string;
  seq: number;
  /** When it was refused (blocked, denied, expired). */
  at: string;
  /** When the request was made, when the log holds that entry. */
  requestedAt: string | null;
  outcome: RefusalOutcome;
  /** The requester: email, else subject. */
  identity: string | null;
  subject: string | null;
  command: string;
  namespace: string | null;
  context: string | null;
  rule: string | null;
  /** The policy's or relay's message (a guardrail's explanation, "approval expired"…). */
  message: string | null;
  risk: number | null;
  requestId: string | null;
  approver: string | null;
  justification: string | null;
  /** The agent's stated reason. */
  reason: string | null;
  /** As a person says it: "blocked by rule no-namespace-deletes", "denied by alice", "expired unanswered". */
  decisionSummary: string;
}

type Request = Pick<RefusalRow, 'requestedAt' | 'identity' | 'subject' | 'command' | 'namespace' | 'context' | 'rule' | 'message' | 'risk' | 'reason'>;

const who = (person: Partial<Person> | undefined): string | null => person?.email ?? person?.subject ?? null;

function requestOf(entry: EntryOf<'decision'>): Request {
  return {
    requestedAt: entry.ts, identity: who(entry.requester), subject: entry.requester?.subject ?? null, command: String(entry.command ?? ''), namespace: entry.namespace ?? null, context: entry.context ?? null,
    rule: entry.rule ?? null, message: entry.message ?? null, risk: typeof entry.risk?.score === 'number' ? entry.risk.score : null, reason: entry.reason ?? null,
  };
}

const UNKNOWN_REQUEST = (command: string): Request => ({
  requestedAt: null, identity: null, subject: null, command, namespace: null, context: null, rule: null, message: null, risk: null, reason: null,
});

/**
 * Folds the log entry by entry. Approval requests still open are remembered (by id) until they
 * are used, denied or expire, so a denial or expiry is shown with the command, rule and reason of
 * the request; one made before the entries read starts shows what its own entry repeats.
 */
export function refusalFolder() {
  const open = new Map<string, Request>();
  return {
    add(entry: AuditEntry): RefusalRow | null {
      const base = { kind: 'refusal' as const, id: `#${entry.seq}`, seq: entry.seq, at: entry.ts, approver: null, justification: null };
      switch (entry.type) {
        case 'decision': {
          if (entry.outcome === 'approve' && entry.requestId && entry.newRequest) open.set(entry.requestId, requestOf(entry));
          if (entry.outcome === 'allow' && entry.consumes) open.delete(entry.consumes);
          if (entry.outcome !== 'deny') return null;
          const outcome: RefusalOutcome = entry.guardrail ? 'blocked' : 'denied';
          const row = { ...base, ...requestOf(entry), outcome, requestId: entry.requestId ?? null };
          return { ...row, decisionSummary: refusalText(row) };
        }
        case 'review': {
          if (entry.verdict !== 'deny') return null;
          const request = open.get(entry.requestId) ?? UNKNOWN_REQUEST(entry.command);
          open.delete(entry.requestId);
          const row = { ...base, ...request, outcome: 'denied' as const, requestId: entry.requestId, approver: who(entry.by), justification: entry.justification ?? null };
          return { ...row, decisionSummary: refusalText(row) };
        }
        case 'expire': {
          const request = open.get(entry.requestId) ?? UNKNOWN_REQUEST(entry.command);
          open.delete(entry.requestId);
          const row = { ...base, ...request, outcome: 'expired' as const, requestId: entry.requestId, message: request.message };
          return { ...row, decisionSummary: refusalText(row) };
        }
        default:
          return null;
      }
    },
  };
}

/** Every refusal in `entries`, oldest first. */
export async function refusalsIn(entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>): Promise<RefusalRow[]> {
  const folder = refusalFolder();
  const rows: RefusalRow[] = [];
  for await (const entry of entries) {
    const row = folder.add(entry);
    if (row) rows.push(row);
  }
  return rows;
}

export function refusalText(row: Pick<RefusalRow, 'outcome' | 'rule' | 'approver'>): string {
  switch (row.outcome) {
    case 'blocked':
      return `blocked${row.rule ? ` by rule ${row.rule}` : ''}`;
    case 'denied':
      return row.approver ? `denied by ${row.approver}` : `denied${row.rule ? ` by rule ${row.rule}` : ''}`;
    case 'expired':
      return 'approval expired unanswered';
  }
}

/** One line for a terminal listing (the caller spells out control characters). */
export function refusalLine(row: RefusalRow): string {
  const why = [row.rule ? `rule ${row.rule}` : null, row.risk !== null ? `risk ${row.risk}` : null, row.requestId ? `request ${row.requestId}` : null].filter(Boolean).join(', ');
  const said = row.approver ? `${row.approver}: ${row.justification ?? ''}` : (row.message ?? '');
  return `${row.at}  ${row.id}  ${row.identity ?? '?'}: ${row.command}  ${row.outcome.toUpperCase()} ${row.decisionSummary}${why ? ` [${why}]` : ''}${said ? ` — ${said}` : ''}`;
}
