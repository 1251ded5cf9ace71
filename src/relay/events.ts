// The events the relay writes to its audit log. The log is the relay's only state: everything
// in memory (state.ts) is these events folded in order, at start and as they happen.
import type { RiskScore } from '../policy/types.ts';
import type { MaskProfile } from '../policy/types.ts';
import type { Person, Verdict } from './types.ts';

export type CommandFields = {
  requester: Person;
  /** argv with credential flag values masked. */
  argv: string[];
  /** The same, as one readable line. */
  command: string;
  fingerprint: string;
  verb: string;
  namespace: string | null;
  context: string | null;
  cluster: string | null;
  reason: string | null;
  agent: string | null;
  runId: string | null;
};

export type DecisionEvent = CommandFields & {
  type: 'decision';
  outcome: 'allow' | 'deny' | 'approve';
  rule: string;
  message: string;
  risk: RiskScore;
  /** A deny rule blocked it (rather than risk escalation or an approver's no). */
  guardrail: boolean;
  escalated: { from: string; threshold: number } | null;
  mask: MaskProfile;
  record: boolean;
  /** The wrapper's own parse of argv differed from the relay's (worth a look: old or altered client). */
  intentDisagrees?: boolean;
  sessionId?: string;
  /** The approval request this decision created, repeated, was refused by, or used up. */
  requestId?: string;
  newRequest?: boolean;
  approverGroups?: string[];
  expiresAt?: string;
  /** Set when this allow used up the approval `requestId`. */
  consumes?: string;
};

export type ReviewEvent = { type: 'review'; requestId: string; verdict: Verdict; by: Person; justification: string; command: string };

export type ExpireEvent = { type: 'expire'; requestId: string; command: string };

export type RelayEvent = DecisionEvent | ReviewEvent | ExpireEvent;
