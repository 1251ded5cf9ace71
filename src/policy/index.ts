// What the rest of hkubectl (relay, wrapper, CLI) uses from the policy concern.
export { loadPolicy, PolicyError, formatProblem, POLICY_VERSION } from './load.ts';
export { loadPolicyFile, readPolicyText } from './load-file.ts';
export { evaluate } from './evaluate.ts';
export { score } from './risk.ts';
export { contactsCluster, verbClass, type VerbClass } from './verbs.ts';
export { actorOf } from './subject.ts';
export { defaultPolicy, DEFAULT_POLICY_YAML, DEFAULT_POLICY_SOURCE } from './default-policy.ts';
export type { Action, Actor, Decision, Identity, MaskProfile, Policy, RiskFactor, RiskScore, Rule } from './types.ts';
