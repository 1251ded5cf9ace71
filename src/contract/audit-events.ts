// The events the relay writes to its audit log, as one union discriminated by `type`. The log is
// the relay's only state: everything in memory (relay/server/state.ts) is these events folded in
// order, at start and as they happen; `audit log`, `audit verify`, `verify` and `audit export`
// read the same union.
import type { RiskScore } from '../policy/types.ts';
import type { MaskProfile } from '../policy/types.ts';
import type { SignedManifest } from './manifest.ts';
import type { Person } from './person.ts';
import type { CommandFields, Verdict } from './relay-api.ts';

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

/**
 * The relay now holds its own copy of a session's .cast (`<dataDir>/sessions/<id>.cast`), which
 * it checked: asciicast v2 with this session's header. Entries written since the relay checks
 * uploads also carry what its own masker found: `counts`, the masking markers in the recording
 * by detector, and `unmasked`, values it would still mask (a secret the wrapper let through;
 * any at all flags the session).
 */
export type SessionCastEvent = {
  type: 'session.cast'; sessionId: string; by: Person; sha256: string; size: number;
  events?: number; counts?: Record<string, number>; unmasked?: Record<string, number>;
};

/** An upload the relay refused to keep: not asciicast for this session, too large, or a second one. */
export type UploadRefusedEvent = { type: 'upload.refused'; sessionId: string; by: Person; code: string; reason: string; bytes: number };

export const QUOTAS = ['sessions-per-day', 'upload-bytes-per-day'] as const;
export type Quota = (typeof QUOTAS)[number];

/** An identity reached one of its daily quotas; the request was refused (429 or 413). */
export type QuotaExceededEvent = { type: 'quota.exceeded'; by: Person; quota: Quota; limit: number; used: number; day: string; sessionId?: string; command?: string };

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
  /** Set when the relay's masker found values in the recording that were not masked (the session is flagged). */
  unmasked?: Record<string, number>;
};

/**
 * What a session grant lets its holder do at the gateway: the verb class the decision allowed
 * (`read`, `write`, or `access` for exec/attach/port-forward/cp/debug), the namespaces and the
 * resource kinds (canonical plurals, `deployments.apps`); `*` where the command's own parse
 * cannot say (manifests from files, -A), the gateway's per-object policy check then decides.
 * `connect`: the connect subresources an access command opens (exec, attach, portforward).
 */
export type GrantScope = {
  verbClass: 'read' | 'write' | 'access';
  namespaces: string[] | '*';
  resources: string[] | '*';
  connect: string[];
  /** The session used an approval: a per-request decision of "approve" is covered by it. */
  approved: boolean;
};

/**
 * The relay issued a session grant (a bearer for its gateway) with an allow decision. Only the
 * bearer's sha256 is kept; the grant dies when the session closes or at `expiresAt`, whichever
 * comes first. Folded into the state, so every relay sharing the store honours it.
 */
export type GrantIssuedEvent = {
  type: 'grant.issued';
  sessionId: string;
  by: Person;
  /** The relay's name for the cluster. */
  cluster: string;
  tokenSha256: string;
  scope: GrantScope;
  expiresAt: string;
};

/**
 * The gateway refused an API request of a session (outside the grant's scope, refused by policy,
 * an unreadable body, an impersonation header): nothing was forwarded.
 */
export type GatewayRefusedEvent = {
  type: 'gateway.refused';
  sessionId: string;
  by: Person;
  cluster: string;
  status: number;
  method: string;
  path: string;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
  /** The policy rule, or the gateway's own check (`scope`, `impersonation`, `body`). */
  rule: string;
  message: string;
};

/**
 * Gateway refusals of a session past the first 100, summarised rather than logged one by one (an
 * agent could otherwise flood the log): how many, by rule and by HTTP status, the first and last
 * time. Each is still a `refused` line of the session's relay record. `final`: written when the
 * session closed or the relay stopped (the rest of the count), rather than on reaching 100.
 */
export type GatewayRefusalsEvent = {
  type: 'gateway.refusals';
  sessionId: string;
  by: Person;
  cluster: string;
  count: number;
  rules: Record<string, number>;
  statuses: Record<string, number>;
  first: string;
  last: string;
  final: boolean;
};

/** The relay started with this policy and signing key. */
export type RelayStartEvent = { type: 'relay-start'; policy: string; policyRules: number; kid: string };

/** The relay made its first signing key. */
export type KeyCreatedEvent = { type: 'key-created'; kid: string };

/** A new signing key became current; the old public key stays in the JWKS. */
export type KeyRotatedEvent = { type: 'key-rotated'; kid: string; previousKid: string };

/** A damaged last line (a crash mid-write) was cut off at start, with `--repair-log`. */
export type RepairEvent = { type: 'repair'; truncatedAtByte: number; truncatedBytes: number; truncatedSha256: string; reason: string };

export type AuditEvent =
  | DecisionEvent | ReviewEvent | ExpireEvent | SessionCastEvent | SessionClosedEvent | UploadRefusedEvent | QuotaExceededEvent
  | GrantIssuedEvent | GatewayRefusedEvent | GatewayRefusalsEvent
  | RelayStartEvent | KeyCreatedEvent | KeyRotatedEvent | RepairEvent;

export type AuditEventType = AuditEvent['type'];
