// What replay, the player and the export need to know about one recorded session, flattened from
// its manifest (signed payload, or the draft of an unsigned marker) and its verification.
import type { SessionCheck } from './verification.ts';
import { LOCAL_MODE_LABEL } from '../recording/verify-evidence.ts';

export type { VerificationStatus } from '../recording/verify.ts';
import type { VerificationStatus } from '../recording/verify.ts';

export interface SessionRow {
  session: string;
  status: VerificationStatus;
  problems: string[];
  startedAt: string | null;
  endedAt: string | null;
  identity: string | null;
  command: string;
  namespace: string | null;
  context: string | null;
  decision: string | null;
  /** The decision as a person says it (decisionText): "approved by alice", "allowed by rule reads"… */
  decisionSummary: string;
  rule: string | null;
  risk: number | null;
  approver: string | null;
  /** When the approver answered. */
  reviewedAt: string | null;
  justification: string | null;
  requestId: string | null;
  reason: string | null;
  exitCode: number | null;
  maskingProfile: string | null;
  /** File names relative to the recordings dir (null when absent). */
  castFile: string | null;
  manifestFile: string | null;
  /** `gateway`: the relay observed the session (its record is evidence); `local`: everything is wrapper-reported. */
  evidenceMode: 'gateway' | 'local';
  /** Which evidence is relay-observed and which wrapper-reported, for people (verify-evidence.ts). */
  evidence: string;
}

type Loose = Record<string, unknown>;
const obj = (value: unknown): Loose => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {});
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function rowOf(check: SessionCheck): SessionRow {
  const payload = obj(check.payload ?? check.displayPayload ?? check.draft);
  const identity = obj(payload.identity);
  const command = obj(payload.command);
  const decision = obj(payload.decision);
  const approval = obj(payload.approval);
  const approver = obj(approval.approver);
  const argv = Array.isArray(command.argv) ? command.argv.filter((a): a is string => typeof a === 'string') : [];
  const row: Omit<SessionRow, 'decisionSummary'> = {
    session: check.session,
    status: check.status,
    problems: check.problems,
    startedAt: str(payload.startedAt),
    endedAt: str(payload.endedAt),
    identity: str(identity.email) ?? str(identity.subject),
    command: argv.length > 0 ? ['kubectl', ...argv].join(' ') : '',
    namespace: str(command.namespace),
    context: str(command.context),
    decision: str(decision.decision),
    rule: str(decision.rule),
    risk: num(obj(decision.risk).score),
    approver: str(approver.email) ?? str(approver.subject),
    reviewedAt: str(approval.reviewedAt),
    justification: str(approval.justification),
    requestId: str(approval.requestId),
    reason: str(payload.reason),
    exitCode: num(payload.exitCode),
    maskingProfile: str(obj(payload.masking).profile),
    castFile: check.castPath === null ? null : baseName(check.castPath),
    manifestFile: check.manifestPath === null ? null : baseName(check.manifestPath),
    evidenceMode: check.evidence?.mode ?? 'local',
    evidence: check.evidence?.summary ?? `${LOCAL_MODE_LABEL} (nothing relay-observed)`,
  };
  return { ...row, decisionSummary: decisionText(row) };
}

/**
 * The decision as a person says it: "approved by alice" for a session a human approved, "denied
 * by alice" for one refused, "blocked by rule …" for a guardrail, "allowed by rule …" otherwise.
 */
export function decisionText(row: Pick<SessionRow, 'decision' | 'rule' | 'approver'>): string {
  const rule = row.rule ? ` by rule ${row.rule}` : '';
  switch (row.decision) {
    case 'allow':
      return row.approver ? `approved by ${row.approver}` : `allowed${rule}`;
    case 'deny':
      return row.approver ? `denied by ${row.approver}` : `blocked${rule}`;
    case null:
      return '—';
    default:
      return `${row.decision}${rule}`;
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

