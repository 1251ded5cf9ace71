// One submitted command → the event to log and the answer to give. Pure: the policy decides
// first (so a guardrail added after an approval still wins), then the approval bound to this
// exact command is looked up, repeated, refused or used up.
import type { Identity as VerifiedIdentity } from '../auth/identity.ts';
import { withLocalTarget } from '../kubectl/local-facts.ts';
import { parseIntent } from '../kubectl/parse-intent.ts';
import { evaluate } from '../policy/evaluate.ts';
import type { Policy } from '../policy/types.ts';
import { statusAt } from './approvals.ts';
import { fingerprint, redactArgv, showCommand } from './command-line.ts';
import type { CommandFields, DecisionEvent } from './events.ts';
import type { RelayState } from './state.ts';
import type { DecisionAnswer, Person, SubmitBody } from './types.ts';

export type DecideContext = { policy: Policy; state: RelayState; nowMs: number; randomId: () => string };

export function personOf(identity: VerifiedIdentity): Person {
  return { subject: identity.subject, issuer: identity.issuer, groups: [...identity.groups], ...(identity.email ? { email: identity.email } : {}) };
}

export function decide(ctx: DecideContext, identity: VerifiedIdentity, body: SubmitBody): { event: DecisionEvent; answer: DecisionAnswer } {
  const parsed = parseIntent(body.argv);
  // Policy judges where kubectl will act: the context's namespace when argv names none, and the
  // overrides and plugin as the agent's kubeconfig and PATH settle them.
  const intent = withLocalTarget(body.argv, parsed, body);
  const decision = evaluate(ctx.policy, intent, identity);
  const requester = personOf(identity);
  const argv = redactArgv(body.argv);
  const command: CommandFields = {
    requester, argv, command: showCommand(argv),
    fingerprint: fingerprint({
      requester, context: body.context ?? null, cluster: body.cluster ?? null, namespace: body.namespace ?? null, argv: body.argv, pluginSha256: intent.plugin?.sha256 ?? null,
    }),
    verb: intent.verb, namespace: intent.namespace, context: body.context ?? null, cluster: body.cluster ?? null,
    reason: body.reason ?? null, agent: body.agent ?? null, runId: body.runId ?? null,
  };
  const base: DecisionEvent = {
    type: 'decision', ...command, outcome: decision.decision, rule: decision.rule, message: decision.message, risk: decision.risk,
    guardrail: decision.decision === 'deny' && decision.escalated === null, escalated: decision.escalated,
    mask: decision.mask, record: decision.record,
    ...(body.intent !== undefined && ![JSON.stringify(parsed), JSON.stringify(intent)].includes(JSON.stringify(body.intent)) ? { intentDisagrees: true } : {}),
  };
  const deny = (message: string, extra: Partial<DecisionEvent> = {}) => {
    const event: DecisionEvent = { ...base, outcome: 'deny', message, guardrail: false, ...extra };
    const answer: DecisionAnswer = { decision: 'deny', rule: event.rule, message, risk: event.risk, guardrail: event.guardrail };
    if (event.requestId) answer.requestId = event.requestId;
    return { event, answer };
  };
  const allow = (extra: Partial<DecisionEvent> = {}) => {
    const event: DecisionEvent = { ...base, outcome: 'allow', sessionId: ctx.randomId(), ...extra };
    const answer: DecisionAnswer = {
      decision: 'allow', sessionId: event.sessionId!, rule: event.rule, message: event.message, risk: event.risk, mask: event.mask, record: event.record,
    };
    if (event.consumes) answer.requestId = event.consumes;
    return { event, answer };
  };

  if (decision.decision === 'deny') return { event: base, answer: { decision: 'deny', rule: base.rule, message: base.message, risk: base.risk, guardrail: base.guardrail } };
  if (decision.requireReason && !body.reason?.trim()) {
    return deny(`rule ${decision.rule} requires the agent's reason: re-run with --hk-reason "why" (or HKUBECTL_REASON)`);
  }
  if (decision.decision === 'allow') return allow();

  const previous = ctx.state.latestFor(command.fingerprint);
  const status = previous ? statusAt(previous, ctx.nowMs) : null;
  if (previous && status === 'approved') {
    return allow({ consumes: previous.id, requestId: previous.id, message: `approved by ${previous.review?.by.subject}: ${previous.review?.justification}` });
  }
  if (previous && status === 'denied') {
    return deny(`${previous.review?.by.subject} denied this exact command (request ${previous.id}): ${previous.review?.justification}`, { requestId: previous.id });
  }
  const reuse = previous && status === 'pending';
  const requestId = reuse ? previous.id : ctx.randomId();
  const expiresAt = reuse ? previous.expiresAt : new Date(ctx.nowMs + decision.approvalTtlSec * 1000).toISOString();
  const approverGroups = reuse ? previous.approverGroups : [...decision.approverGroups];
  const event: DecisionEvent = { ...base, requestId, newRequest: !reuse, approverGroups, expiresAt };
  return {
    event,
    answer: {
      decision: 'approve', requestId, rule: event.rule, message: event.message, risk: event.risk, approverGroups, expiresAt, waitSec: decision.waitSec,
    },
  };
}
