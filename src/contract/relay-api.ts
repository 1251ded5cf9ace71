// The relay's JSON API (version 1): request bodies and answers, shared by server and client.
import type { CommandIntent } from '../kubectl/intent.ts';
import type { LocalFacts } from '../kubectl/local-facts.ts';
import type { MaskingSettings, MaskProfile, RiskScore } from '../policy/types.ts';
import type { ContentDigest } from './content-digest.ts';
import type { SignedManifest, SessionDraft } from './manifest.ts';

export const API_VERSION = 'v1';

import type { Person } from './person.ts';

export type { Person } from './person.ts';
export type { SignedManifest } from './manifest.ts';

export type SubmitBody = {
  /** The kubectl arguments exactly as the agent gave them (hkubectl's own --hk- flags removed). */
  argv: string[];
  /** The client's own parse; the relay parses argv itself and only notes a disagreement. */
  intent?: CommandIntent;
  context?: string | null;
  cluster?: string | null;
  /** The namespace kubectl will use when argv names none (the kubeconfig context's). */
  namespace?: string | null;
  /** What only the agent's machine knows: its kubeconfig's view of the overrides, the plugin file. */
  local?: LocalFacts | null;
  reason?: string | null;
  agent?: string | null;
  runId?: string | null;
  /** What the command reads (files, directories, kustomizations, stdin), hashed: an approval is bound to it. */
  content?: ContentDigest | null;
  /** The name of the kubeconfig's cluster entry the context uses (the relay matches it against its `clusters:`). */
  kubeCluster?: string | null;
};

/**
 * What the wrapper needs to run kubectl through the relay's gateway for one session: the gateway
 * endpoint of that cluster, the CA that signs it (PEM; absent when the relay's listener is plain
 * HTTP on loopback), and the session grant, a random bearer that dies at session close or at
 * `expiresAt`. The relay keeps only its hash.
 */
export type GatewayGrant = {
  /** The relay's name for the cluster (relay.yaml `clusters[].name`). */
  cluster: string;
  /** https://relay…/gateway/<cluster> (or http:// on loopback): the server of the session kubeconfig. */
  server: string;
  caPem?: string;
  token: string;
  expiresAt: string;
};

export type AllowAnswer = {
  decision: 'allow';
  sessionId: string;
  rule: string;
  message: string;
  risk: RiskScore;
  mask: MaskProfile;
  record: boolean;
  /** Set when this allow used up an approval. */
  requestId?: string;
  /** Present when the relay knows the target cluster: the session then runs through its gateway (gateway mode). */
  gateway?: GatewayGrant;
  /** The policy's `masking:` settings, applied with `mask` by the session's maskers; absent: none. */
  masking?: MaskingSettings;
};

export type DenyAnswer = { decision: 'deny'; rule: string; message: string; risk: RiskScore; guardrail: boolean; requestId?: string };

export type ApproveAnswer = {
  decision: 'approve';
  requestId: string;
  rule: string;
  message: string;
  risk: RiskScore;
  approverGroups: string[];
  expiresAt: string;
  /** How long the policy suggests the wrapper waits for an answer. */
  waitSec: number;
};

export type DecisionAnswer = AllowAnswer | DenyAnswer | ApproveAnswer;

export const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'expired', 'consumed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export type Verdict = 'approve' | 'deny';

export type Review = { verdict: Verdict; by: Person; justification: string; at: string };

/** A command as the relay records and shows it: in decisions, approval requests and the audit log. */
export type CommandFields = {
  requester: Person;
  /** argv with credential flag values masked. */
  argv: string[];
  /** The same, as one readable line. */
  command: string;
  /** sha256 of issuer, subject, kube context, cluster, namespace, the exact argv and the content digest: what an approval is bound to. */
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

export type ApprovalRequest = Omit<CommandFields, 'command' | 'commandFingerprint' | 'content'> & {
  id: string;
  status: ApprovalStatus;
  /** The content the approval is bound to, when the command reads files or stdin. */
  content: ContentDigest | null;
  rule: string;
  message: string;
  risk: RiskScore;
  approverGroups: string[];
  createdAt: string;
  expiresAt: string;
  review: Review | null;
  consumedAt: string | null;
  sessionId: string | null;
};

export type ReviewBody = { verdict: Verdict; justification: string };

export type RequestList = {
  /** Changes whenever any request is created, reviewed, used or expires; pass it back as `since`. */
  version: number;
  requests: ApprovalRequest[];
};

export type ApiErrorBody = { error: { code: string; message: string; reason?: string } };

export const SESSION_STATES = ['unclosed', 'closed', 'all'] as const;
export type SessionStateFilter = (typeof SESSION_STATES)[number];

/** One allowed session as the relay sees it (GET /v1/sessions). */
export type SessionSummary = {
  sessionId: string;
  requester: Person;
  command: string;
  rule: string;
  risk: number;
  /** The approval this session used up, if any. */
  requestId: string | null;
  openedAt: string;
  closed: boolean;
  closedAt: string | null;
  /** The audit-log seq of its session.closed entry. */
  closedSeq: number | null;
  exitCode: number | null;
  manifestSha256: string | null;
  /** Whether the relay holds a copy of the .cast (uploaded, or uploaded and then closed with it). */
  relayCopy: boolean;
  /** Requests of the session the relay's gateway refused (403/401…), when there were any. */
  gatewayRefusals?: number;
};

/**
 * `cast`: the whole .cast, base64, for one of at most INLINE_CAST_MAX_BYTES: the relay keeps it
 * as if uploaded, and the session closes in one round trip instead of two.
 */
export type CloseBody = { draft: SessionDraft; cast?: string };
/** Largest .cast sent inside the close request; larger ones are uploaded first (PUT …/cast). */
export const INLINE_CAST_MAX_BYTES = 128 * 1024;
export type CloseAnswer = { manifest: SignedManifest };
export type UploadAnswer = { sessionId: string; sha256: string; size: number };

export type Health = {
  /** false (HTTP 503) when the relay cannot write its audit log, and so decides nothing; `problem` says why. */
  ok: boolean; api: typeof API_VERSION; seq: number; kid: string;
  problem?: string;
  /** The largest .cast the relay accepts: a wrapper with a larger one closes without uploading (relayCopy: false). */
  maxCastBytes: number;
};
