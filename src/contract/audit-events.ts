// The events the relay writes to its audit log. The log is the relay's only state: everything
// in memory (state.ts) is these events folded in order, at start and as they happen.
import type { RiskScore } from '../policy/types.ts';
import type { MaskProfile } from '../policy/types.ts';
import type { ContentDigest } from './content-digest.ts';
import type { Person, SignedManifest, Verdict } from './relay-api.ts';

export type CommandFields = {
  requester: Person;
  /** argv with credential flag values masked. */
  argv: string[];
  /** The same, as one readable line. */
  command: string;
  fingerprint: string;
  /** The fingerprint without the content: the same command line whatever the files held. Absent when equal to `fingerprint`. */
  commandFingerprint?: string;
  /** The files, directories, kustomizations or stdin the command reads, as the wrapper hashed them. */
  content?: ContentDigest;
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
  /** Rules name clusters and the reported one is not the policy's: it was decided as any of them. */
  unknownCluster?: boolean;
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

/** The relay now holds its own copy of a session's .cast (`<dataDir>/sessions/<id>.cast`). */
export type SessionCastEvent = { type: 'session.cast'; sessionId: string; by: Person; sha256: string; size: number };

/**
 * The wrapper closed a session and the relay signed its manifest. The manifest's payload names
 * this entry's seq and the hash of the entry before it; `manifestSha256` (sha256 of the payload
 * bytes) ties the two together both ways. The signed manifest itself is kept too, so the log
 * alone can always give it back.
 */
export type SessionClosedEvent = {
  type: 'session.closed';
  sessionId: string;
  by: Person;
  command: string;
  kid: string;
  manifestSha256: string;
  castSha256: string | null;
  castSize: number | null;
  relayCopy: boolean;
  exitCode: number;
  signal: string | null;
  manifest: SignedManifest;
};

export type RelayEvent = DecisionEvent | ReviewEvent | ExpireEvent | SessionCastEvent | SessionClosedEvent;
