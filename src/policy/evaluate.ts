// The decision for one command. Precedence, in this order:
//   1. deny rules (guardrails), first match in document order: a broad allow written above a
//      guardrail can never switch it off;
//   2. allow and approve rules, first match in document order: put exceptions above the rule
//      they narrow;
//   3. the policy's `defaults` (rule id "default") when nothing matched.
// Then the risk score may escalate the outcome, never relax it: at or above the rule's `approveAt`
// an allow becomes approve, at or above `denyAt` allow and approve become deny.
// A command naming a resource or raw path that does not resolve is never allowed outright
// (unrecognised.ts): an allow becomes an approval, and the message says what was not recognised.
import type { CommandIntent } from '../kubectl/intent.ts';
import { knownCluster, namesClusters } from './clusters.ts';
import { matchInput, ruleMatches, type MatchInput } from './match.ts';
import { fillMessage } from './message-fields.ts';
import { score } from './risk.ts';
import { actorOf } from './subject.ts';
import type { Action, Decision, Identity, Policy, RiskScore, Rule } from './types.ts';
import { failClosed, unrecognisedNote } from './unrecognised.ts';
import { verbClass } from './verbs.ts';

function decidingRule(policy: Policy, input: MatchInput): Rule {
  for (const rule of policy.rules) if (rule.action === 'deny' && ruleMatches(rule, input)) return rule;
  for (const rule of policy.rules) if (rule.action !== 'deny' && ruleMatches(rule, input)) return rule;
  return policy.fallback;
}

function escalate(rule: Rule, risk: RiskScore): { action: Action; threshold: number } | null {
  if (rule.action !== 'deny' && risk.score >= rule.thresholds.denyAt) return { action: 'deny', threshold: rule.thresholds.denyAt };
  if (rule.action === 'allow' && risk.score >= rule.thresholds.approveAt) return { action: 'approve', threshold: rule.thresholds.approveAt };
  return null;
}

function topReasons(risk: RiskScore): string {
  return [...risk.factors].filter((factor) => factor.points > 0).sort((a, b) => b.points - a.points)
    .slice(0, 3).map((factor) => `${factor.reason} +${factor.points}`).join('; ');
}

function approverOf(rule: Rule): string {
  return rule.approval.groups.length > 0 ? `a member of ${rule.approval.groups.join(' or ')}` : 'an approver';
}

function messageFor(rule: Rule, action: Action, risk: RiskScore, threshold: number | null): string {
  const who = approverOf(rule);
  if (threshold !== null) {
    const why = `risk ${risk.score} is at or above the ${action} threshold ${threshold} (${topReasons(risk)})`;
    return action === 'deny'
      ? `${why}; rule ${rule.id} would have ${rule.action === 'allow' ? 'allowed' : 'sent'} it${rule.action === 'allow' ? '' : ' for approval'}. Narrow the command (fewer objects, no force flags, a dry run) or ask a human to run it.`
      : `${why}: ${who} must approve it`;
  }
  const stated = rule.message ?? rule.description;
  if (action === 'approve') return `${stated ?? `rule ${rule.id} requires approval`}: ${who} must approve it`;
  if (action === 'deny') return stated ?? `denied by policy rule ${rule.id}`;
  return stated ?? `allowed by policy rule ${rule.id}`;
}

/** Where the command runs, as the wrapper reported it (a server URL or a kubeconfig cluster name). */
export type Target = { cluster?: string | null };

export function evaluate(policy: Policy, intent: CommandIntent, identity: Identity, target: Target = {}): Decision {
  const actor = actorOf(identity, policy);
  const cluster = knownCluster(policy, target.cluster);
  const unknownCluster = cluster === null && namesClusters(policy);
  const input = matchInput(intent, identity, actor, verbClass(intent), cluster ?? 'any');
  const rule = decidingRule(policy, input);
  const risk = score(intent, identity, policy);
  const escalation = escalate(rule, risk);
  const ruled = escalation?.action ?? rule.action;
  const note = unrecognisedNote(intent);
  const closed = note === null ? { action: ruled, mask: rule.mask } : failClosed(ruled, rule.mask);
  const decision = closed.action;
  let message = fillMessage(messageFor(rule, ruled, risk, escalation?.threshold ?? null), intent);
  if (note !== null) message = decision === ruled ? `${note}: ${message}` : `${note}: ${approverOf(rule)} must approve it`;
  if (unknownCluster) {
    message += ` (cluster ${target.cluster ? JSON.stringify(target.cluster) : 'unreported'} is not one of the policy's clusters, so it was decided as any of them)`;
  }
  return {
    ...(unknownCluster ? { unknownCluster: { reported: target.cluster ?? null } } : {}),
    decision,
    rule: rule.id,
    message,
    risk,
    escalated: escalation === null ? null : { from: rule.action, threshold: escalation.threshold },
    actor,
    requireReason: rule.requireReason,
    mask: closed.mask,
    record: rule.record,
    approverGroups: rule.approval.groups,
    approvalTtlSec: rule.approval.ttlSec,
    waitSec: rule.approval.waitSec,
  };
}
