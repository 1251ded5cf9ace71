// One submitted command → the event to log and the answer to give. Pure: the policy decides
// first (so a guardrail added after an approval still wins), then the approval bound to this
// exact command is looked up, repeated, refused or used up.
import type { Identity as VerifiedIdentity } from '../../auth/identity.ts';
import { withLocalTarget } from '../../kubectl/local-facts.ts';
import { parseIntent } from '../../kubectl/parse-intent.ts';
import { evaluate } from '../../policy/evaluate.ts';
import type { Policy } from '../../policy/types.ts';
import { statusAt } from './approvals.ts';
import { fingerprint, redactArgv, showCommand } from '../../contract/command-line.ts';
import { showUntrusted } from '../../contract/show-untrusted.ts';
import { shortContent, unbindable } from '../../contract/content-digest.ts';
import { readsContent } from '../../contract/content-sources.ts';
import type { DecisionEvent } from '../../contract/audit-events.ts';
import type { CommandIntent } from '../../kubectl/intent.ts';
import { describeOverrides } from '../../kubectl/connection-overrides.ts';
import { refusedInGatewayMode } from '../../kubectl/gateway-args.ts';
import { contactsCluster } from '../../policy/verbs.ts';
import type { RelayState } from './state.ts';
import type { CommandFields, DecisionAnswer, Person, SubmitBody } from '../../contract/relay-api.ts';

/** `brokered`: the target is a cluster the relay brokers, so the command will run in gateway mode. */
export type DecideContext = { policy: Policy; state: RelayState; nowMs: number; randomId: () => string; brokered?: boolean };

/** The rule a gateway-mode command with its own server, credentials, impersonation or trust is denied by. */
export const GATEWAY_OVERRIDES_RULE = 'gateway-overrides';

export function personOf(identity: VerifiedIdentity): Person {
  return { subject: identity.subject, issuer: identity.issuer, groups: [...identity.groups], ...(identity.email ? { email: identity.email } : {}) };
}

export type Decided = { event: DecisionEvent; answer: DecisionAnswer; intent: CommandIntent };

/** `intent`: the relay's own parse the decision was made on (a session grant's scope comes from it). */
export function decide(ctx: DecideContext, identity: VerifiedIdentity, body: SubmitBody): Decided {
  const parsed = parseIntent(body.argv);
  // Policy judges where kubectl will act: the context's namespace when argv names none, and the
  // overrides and plugin as the agent's kubeconfig and PATH settle them.
  const intent = withLocalTarget(body.argv, parsed, body);
  // The reported cluster is the agent's kubeconfig speaking: evaluate trusts it only when the policy knows it.
  const decision = evaluate(ctx.policy, intent, identity, { cluster: body.cluster ?? null });
  const requester = personOf(identity);
  const argv = redactArgv(body.argv);
  const content = body.content ?? null;
  const binding = {
    requester, context: body.context ?? null, cluster: body.cluster ?? null, namespace: body.namespace ?? null, argv: body.argv,
    pluginSha256: intent.plugin?.sha256 ?? null,
  };
  const command: CommandFields = {
    requester, argv, command: showCommand(argv),
    fingerprint: fingerprint({ ...binding, content: content?.sha256 ?? null }),
    ...(content ? { commandFingerprint: fingerprint(binding), content } : {}),
    verb: intent.verb, namespace: intent.namespace, context: body.context ?? null, cluster: body.cluster ?? null,
    reason: body.reason ?? null, agent: body.agent ?? null, runId: body.runId ?? null,
  };
  const base: DecisionEvent = {
    type: 'decision', ...command, outcome: decision.decision, rule: decision.rule, message: decision.message, risk: decision.risk,
    guardrail: decision.decision === 'deny' && decision.escalated === null, escalated: decision.escalated,
    mask: decision.mask, record: decision.record,
    ...(decision.unknownCluster ? { unknownCluster: true } : {}),
    ...(body.intent !== undefined && ![JSON.stringify(parsed), JSON.stringify(intent)].includes(JSON.stringify(body.intent)) ? { intentDisagrees: true } : {}),
  };
  const deny = (message: string, extra: Partial<DecisionEvent> = {}) => {
    const event: DecisionEvent = { ...base, outcome: 'deny', message, guardrail: false, ...extra };
    const answer: DecisionAnswer = { decision: 'deny', rule: event.rule, message, risk: event.risk, guardrail: event.guardrail };
    if (event.requestId) answer.requestId = event.requestId;
    return { event, answer, intent };
  };
  const allow = (extra: Partial<DecisionEvent> = {}) => {
    const event: DecisionEvent = { ...base, outcome: 'allow', sessionId: ctx.randomId(), ...extra };
    const answer: DecisionAnswer = {
      decision: 'allow', sessionId: event.sessionId!, rule: event.rule, message: event.message, risk: event.risk, mask: event.mask, record: event.record,
    };
    if (event.consumes) answer.requestId = event.consumes;
    if (ctx.policy.masking) answer.masking = ctx.policy.masking;
    return { event, answer, intent };
  };

  // In gateway mode the wrapper refuses these flags too (gateway-args.ts), but only after the
  // allow: the relay refuses them first, so no approval is asked for and no grant minted for a
  // command that would take the request, or the grant, somewhere the relay did not decide.
  const refused = ctx.brokered && contactsCluster(intent) ? refusedInGatewayMode(intent.overrides, body.local?.kubeconfig ?? null) : [];
  if (refused.length > 0) {
    return deny(`${describeOverrides(refused)} refused in gateway mode: the relay's gateway supplies this session's server and credentials; ` +
      'nothing was run (drop these flags: the relay decides the cluster from your kubeconfig context, and acts as you)', {
      rule: GATEWAY_OVERRIDES_RULE, guardrail: true, escalated: null,
    });
  }
  if (decision.decision === 'deny') return { event: base, answer: { decision: 'deny', rule: base.rule, message: base.message, risk: base.risk, guardrail: base.guardrail }, intent };
  if (decision.requireReason && !body.reason?.trim()) {
    return deny(`rule ${decision.rule} requires the agent's reason: re-run with --hk-reason "why" (or HKUBECTL_REASON)`);
  }
  if (decision.decision === 'allow') return allow();

  // An approval covers the content it was given for, so content that cannot be bound cannot be approved.
  if (content === null && readsContent(intent)) {
    return deny('this command reads files or stdin, but its wrapper sent no digest of them, so an approval could not be bound to what it applies; update hkubectl');
  }
  const loose = unbindable(content);
  if (loose.length > 0) {
    return deny(`an approval cannot cover ${loose.map((source) => `${showUntrusted(source.path)} (${showUntrusted(source.problem)})`).join(', ')}: ` +
      'approvals are bound to the content of what the command reads');
  }

  const previous = ctx.state.latestFor(command.fingerprint);
  const status = previous ? statusAt(previous, ctx.nowMs) : null;
  // The approver judged the command together with the reason they were shown: another reason on
  // the run that would use the approval is another request, not this one.
  const sameReason = previous !== undefined && sameStatedReason(previous.reason, command.reason);
  if (previous && status === 'approved' && !sameReason) {
    return deny(reasonMismatch(previous.id, previous.reason, command.reason), { requestId: previous.id });
  }
  if (previous && status === 'approved') {
    return allow({ consumes: previous.id, requestId: previous.id, message: `approved by ${previous.review?.by.subject}: ${previous.review?.justification}` });
  }
  if (previous && status === 'denied') {
    return deny(`${previous.review?.by.subject} denied this exact command (request ${previous.id}): ${previous.review?.justification}`, { requestId: previous.id });
  }
  if (content && command.commandFingerprint && (!previous || status === 'expired' || status === 'consumed')) {
    const other = ctx.state.latestForCommand(command.commandFingerprint);
    if (other && other.id !== previous?.id && statusAt(other, ctx.nowMs) === 'approved') {
      return deny(`the file changed since it was approved: request ${other.id} was approved for ${shortContent(other.content)}, ` +
        `and this run reads ${shortContent(content)}; nothing was run (re-run with the approved content, or ask anew once the approval has expired)`, { requestId: other.id });
    }
  }
  // A pending request keeps the reason its approvers are reading; a new reason asks anew.
  const reuse = previous && status === 'pending' && sameReason;
  const requestId = reuse ? previous.id : ctx.randomId();
  const expiresAt = reuse ? previous.expiresAt : new Date(ctx.nowMs + decision.approvalTtlSec * 1000).toISOString();
  const approverGroups = reuse ? previous.approverGroups : [...decision.approverGroups];
  const event: DecisionEvent = { ...base, requestId, newRequest: !reuse, approverGroups, expiresAt };
  return {
    event, intent,
    answer: {
      decision: 'approve', requestId, rule: event.rule, message: event.message, risk: event.risk, approverGroups, expiresAt, waitSec: decision.waitSec,
    },
  };
}

/** Reasons compare byte for byte, as the approver read them; none given and an empty one are alike. */
export function sameStatedReason(approved: string | null, given: string | null): boolean {
  return (approved ?? '') === (given ?? '');
}

function reasonMismatch(requestId: string, approved: string | null, given: string | null): string {
  const quote = (reason: string | null) => (reason ? `"${showUntrusted(reason.length > 200 ? `${reason.slice(0, 200)}…` : reason)}"` : 'no reason');
  return `request ${requestId} was approved for this command with ${quote(approved)}, but this run gives ${quote(given)}: ` +
    'an approval covers the reason its approver read; re-run with that reason, or ask anew once the approval has expired';
}
