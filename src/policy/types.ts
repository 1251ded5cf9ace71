// The validated, compiled policy and what evaluating it yields. Built once by loadPolicy
// (load.ts); everything downstream trusts these types.
import type { CustomDetectorSpec } from '../masking/custom-detectors.ts';
import type { Matcher } from './glob.ts';
import type { VerbClass } from './verbs.ts';

export const ACTIONS = ['allow', 'deny', 'approve'] as const;
export type Action = (typeof ACTIONS)[number];

export const MASK_PROFILES = ['standard', 'strict', 'secrets-only'] as const;
export type MaskProfile = (typeof MASK_PROFILES)[number];

/**
 * What a policy's `masking:` section adds to the decided profile: the organisation's own email
 * domains (and service accounts under them) that stay readable, values that may pass (literals
 * or `/regex/`), and custom detectors (as `hkubectl mask --rules` takes them).
 */
export type MaskingSettings = {
  allowDomains: string[];
  allow: string[];
  detectors: CustomDetectorSpec[];
};

export const ACTORS = ['agent', 'human'] as const;
/** Humans are members of the policy's approver groups; every other identity is an agent. */
export type Actor = (typeof ACTORS)[number];

export interface Identity {
  subject: string;
  groups: readonly string[];
}

/** A list-valued matcher: `any` for rules that restrict, `all` for rules that allow (see match.ts). */
export interface ListMatcher {
  readonly patterns: readonly string[];
  readonly test: Matcher;
  readonly matchesEverything: boolean;
}

/** `true`: set; `false`: not set; a string: set to exactly this value. */
/** true: the flag is given; false: it is not; a string: its exact value; a glob: a value it matches. */
export type FlagCondition = boolean | string | { glob: string; test: (value: string) => boolean };

export interface RuleMatch {
  groups: ListMatcher | null;
  subjects: ListMatcher | null;
  actor: Actor | null;
  verbs: ListMatcher | null;
  verbClasses: ReadonlySet<VerbClass> | null;
  resources: ListMatcher | null;
  namespaces: ListMatcher | null;
  names: ListMatcher | null;
  subresources: ListMatcher | null;
  /** Names of the policy's clusters (see clusters.ts for a cluster the policy does not know). */
  clusters: ListMatcher | null;
  /** Any one of these sets of flag conditions must hold (all conditions within a set). */
  flags: ReadonlyArray<ReadonlyMap<string, FlagCondition>> | null;
  /** Connection overrides (`server`, `token`…) by flag name; see match-extensions.ts. */
  overrides: ListMatcher | null;
  /** Plugin names (`convert`, `*`); matches only commands that run a plugin. */
  plugins: ListMatcher | null;
  /** Pod escapes (`hostNetwork`, `privileged`, `*`); matches only commands that show one. */
  podEscapes: ListMatcher | null;
}

export interface ApprovalSettings {
  groups: readonly string[];
  waitSec: number;
  ttlSec: number;
}

export interface RiskThresholds {
  /** allow becomes approve at or above this score. */
  approveAt: number;
  /** allow or approve becomes deny at or above this score. */
  denyAt: number;
}

export interface Rule {
  id: string;
  /** 1-based line of the rule in the policy document, for messages and `policy lint`. */
  line: number;
  description: string | null;
  match: RuleMatch;
  action: Action;
  message: string | null;
  requireReason: boolean;
  mask: MaskProfile;
  record: boolean;
  approval: ApprovalSettings;
  thresholds: RiskThresholds;
}

export interface RiskSettings extends RiskThresholds {
  /** Points per canonical resource, over the built-in table. */
  resources: ReadonlyMap<string, number>;
  /** Points per namespace class (a namespace in several classes takes the highest). */
  namespaceClasses: ReadonlyMap<string, number>;
  agentPoints: number;
}

/** A cluster the policy knows: its name for rules, and the API server URL kubeconfig points at. */
export interface KnownCluster {
  name: string;
  /** Normalised (clusters.ts); null when the policy knows the cluster by name only. */
  server: string | null;
}

export interface Policy {
  version: 1;
  source: string;
  /** The clusters the policy knows (`clusters:`); a reported cluster outside it is unknown. */
  clusters: readonly KnownCluster[];
  approverGroups: readonly string[];
  namespaceClasses: ReadonlyMap<string, Matcher>;
  rules: readonly Rule[];
  /** What happens when no rule matches. */
  fallback: Rule;
  risk: RiskSettings;
  /** The `masking:` section: allow-lists and custom detectors for every session's maskers. */
  masking?: MaskingSettings;
}

export interface RiskFactor {
  factor: 'verb' | 'resource' | 'namespace' | 'breadth' | 'force' | 'identity' | 'overrides' | 'plugin' | 'pod-escape';
  points: number;
  reason: string;
}

export interface RiskScore {
  score: number;
  factors: RiskFactor[];
}

export interface Decision {
  decision: Action;
  /** Id of the rule that decided (the fallback rule is "default"). */
  rule: string;
  message: string;
  risk: RiskScore;
  /** Set when the risk score turned the rule's action into a stricter one. */
  escalated: { from: Action; threshold: number } | null;
  actor: Actor;
  requireReason: boolean;
  mask: MaskProfile;
  record: boolean;
  approverGroups: readonly string[];
  approvalTtlSec: number;
  waitSec: number;
  /** Set when rules name clusters and the reported one is not the policy's: decided as any cluster. */
  unknownCluster?: { reported: string | null };
}
