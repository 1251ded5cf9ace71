import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/evaluate.ts';
import { loadPolicy } from '../../src/policy/load.ts';
import { intent } from './intent-fixture.ts';

const agent = { subject: 'agent-7', groups: ['agents'] };
const approver = { subject: 'alice@bank.example', groups: ['staff', 'approvers'] };

// Thresholds out of reach unless a test sets them: these tests are about matching.
function policy(rules: string, extra = ''): ReturnType<typeof loadPolicy> {
  return loadPolicy(`version: 1
approvers: { groups: [approvers] }
risk: { approveAt: 101, denyAt: 101 }
${extra}
rules:
${rules}`);
}

describe('evaluate: precedence', () => {
  const bank = policy(`
  - id: everything
    action: allow
    match: { verbs: ["*"] }
  - id: no-namespace-delete
    action: deny
    message: delete the objects by name instead
    match: { verbs: [delete], resources: [namespaces] }
`);

  it('lets a deny guardrail win over a broad allow written above it, and says which rule did', () => {
    const decision = evaluate(bank, intent({ verb: 'delete', resources: ['namespaces'], names: ['payments'] }), agent);
    expect(decision).toMatchObject({ decision: 'deny', rule: 'no-namespace-delete', message: 'delete the objects by name instead' });
  });

  it('falls through to the broad allow for everything the guardrail does not cover', () => {
    const decision = evaluate(bank, intent({ verb: 'delete', resources: ['pods'], names: ['web-1'] }), agent);
    expect(decision).toMatchObject({ decision: 'allow', rule: 'everything', escalated: null });
  });

  it('takes the first matching allow or approve rule, so an exception goes above the rule it narrows', () => {
    const ordered = policy(`
  - id: staging-scale-ok
    action: allow
    match: { verbs: [scale], namespaces: [staging] }
  - id: scale-needs-approval
    action: approve
    match: { verbs: [scale] }
`);
    expect(evaluate(ordered, intent({ verb: 'scale', resources: ['deployments.apps'], names: ['web'], namespace: 'staging' }), agent).rule)
      .toBe('staging-scale-ok');
    expect(evaluate(ordered, intent({ verb: 'scale', resources: ['deployments.apps'], names: ['web'], namespace: 'dev' }), agent).rule)
      .toBe('scale-needs-approval');
  });

  it('uses the defaults when no rule matches', () => {
    const strict = policy('  - id: reads\n    action: allow\n    match: { verbs: ["@read"] }\n', 'defaults: { action: deny, message: not covered by policy }');
    expect(evaluate(strict, intent({ verb: 'edit', resources: ['pods'], names: ['x'] }), agent))
      .toMatchObject({ decision: 'deny', rule: 'default', message: 'not covered by policy' });
  });
});

describe('evaluate: matching lists cautiously', () => {
  const p = policy(`
  - id: no-secret-writes
    action: deny
    match: { verbs: ["@write"], resources: [secrets] }
  - id: pods-only
    action: allow
    match: { resources: [pods] }
  - id: payments-only
    action: allow
    match: { namespaces: [payments] }
  - id: prod-approve
    action: approve
    match: { namespaces: ["*-prod"] }
  - id: named-web
    action: allow
    match: { names: ["web-*"] }
`, 'defaults: { action: deny }');

  it('allows only when every resource of the command is allowed', () => {
    expect(evaluate(p, intent({ verb: 'get', resources: ['pods'], namespace: 'x' }), agent).rule).toBe('pods-only');
    expect(evaluate(p, intent({ verb: 'get', resources: ['pods', 'configmaps'], namespace: 'x' }), agent).rule).toBe('default');
  });

  it('restricts when any resource of the command is restricted', () => {
    const decision = evaluate(p, intent({ verb: 'delete', resources: ['pods', 'secrets'], names: ['a'], namespace: 'x' }), agent);
    expect(decision.rule).toBe('no-secret-writes');
  });

  it('treats --all-namespaces as touching every namespace: restricted by any namespace rule, allowed by none but *', () => {
    const all = intent({ verb: 'get', resources: ['configmaps'], allNamespaces: true });
    expect(evaluate(p, all, agent)).toMatchObject({ decision: 'approve', rule: 'prod-approve' });
  });

  it('treats a change to a Namespace object as a change in that namespace', () => {
    const label = intent({ verb: 'label', resources: ['namespaces'], names: ['ledger-prod'], args: ['tier=gold'] });
    expect(evaluate(p, label, agent).rule).toBe('prod-approve');
  });

  it('evaluates a command without -n in the default namespace', () => {
    expect(evaluate(p, intent({ verb: 'get', resources: ['configmaps'] }), agent).rule).toBe('default');
    const inDefault = policy('  - id: d\n    action: allow\n    match: { namespaces: [default] }\n');
    expect(evaluate(inDefault, intent({ verb: 'get', resources: ['configmaps'] }), agent).rule).toBe('d');
  });

  it('allows by name only when names are given and all match', () => {
    const named = (names: string[]) => intent({ verb: 'describe', resources: ['services'], names, namespace: 'x' });
    expect(evaluate(p, named(['web-1', 'web-2']), agent).rule).toBe('named-web');
    expect(evaluate(p, named(['web-1', 'db-1']), agent).rule).toBe('default');
    expect(evaluate(p, named([]), agent).rule).toBe('default');
  });

  it('matches commands whose resources are unknown (manifest files) only with resources: "*"', () => {
    const applyFile = intent({ verb: 'apply', filenames: ['secret.yaml'], namespace: 'x' });
    expect(evaluate(p, applyFile, agent).rule).toBe('default');
    const star = policy('  - id: any-write\n    action: approve\n    match: { verbs: [apply], resources: ["*"] }\n');
    expect(evaluate(star, applyFile, agent).rule).toBe('any-write');
  });
});

describe('evaluate: identity, verbs, subresources and flags', () => {
  const p = policy(`
  - id: force-zero
    action: deny
    match: { flags: { force: true, grace-period: 0 } }
  - id: mass
    action: deny
    match: { verbs: [delete], flags: [{ all: true }, { selector: true }] }
  - id: dry
    action: allow
    match: { flags: { dry-run: true } }
  - id: decoding-template
    action: deny
    match: { flags: { output: "*base64decode*" } }
  - id: humans-exec
    action: allow
    match: { actor: human, subresources: [exec] }
  - id: exec
    action: approve
    match: { subresources: [exec, attach] }
  - id: sre-restart
    action: allow
    match: { groups: ["sre-*"], verbs: ["rollout restart"] }
  - id: bot-subject
    action: allow
    match: { subjects: ["*@bots.bank.example"], verbs: ["@read"] }
`, 'defaults: { action: deny }');

  it('treats members of the approver groups as humans and everyone else as agents', () => {
    const exec = intent({ verb: 'exec', resources: ['pods'], names: ['web'], subresource: 'exec', namespace: 'x' });
    expect(evaluate(p, exec, approver)).toMatchObject({ rule: 'humans-exec', actor: 'human' });
    expect(evaluate(p, exec, agent)).toMatchObject({ rule: 'exec', actor: 'agent', decision: 'approve' });
  });

  it('matches identity groups and subjects with globs', () => {
    const restart = intent({ verb: 'rollout restart', resources: ['deployments.apps'], names: ['web'], namespace: 'x' });
    expect(evaluate(p, restart, { subject: 'bob', groups: ['sre-payments'] }).rule).toBe('sre-restart');
    expect(evaluate(p, restart, { subject: 'bob', groups: ['dev'] }).rule).toBe('default');
    expect(evaluate(p, intent({ verb: 'get', resources: ['pods'] }), { subject: 'ci@bots.bank.example', groups: [] }).rule).toBe('bot-subject');
  });

  it('matches flag conditions: all of one set, any of the sets', () => {
    const del = (fields: Parameters<typeof intent>[0]) => evaluate(p, intent({ resources: ['pods'], namespace: 'x', ...fields }), agent).rule;
    expect(del({ verb: 'delete', names: ['a'], force: true, flags: { 'grace-period': '0' } })).toBe('force-zero');
    expect(del({ verb: 'delete', names: ['a'], force: true, flags: { 'grace-period': '30' } })).toBe('default');
    expect(del({ verb: 'delete', flags: { all: true } })).toBe('mass');
    expect(del({ verb: 'delete', selector: 'app=web' })).toBe('mass');
    expect(del({ verb: 'delete', flags: { all: false } })).toBe('default');
    expect(del({ verb: 'scale', names: ['a'], dryRun: 'server' })).toBe('dry');
  });

  it('matches a flag value against a glob, taking everything but * and ? literally', () => {
    const get = (output: string | null) => evaluate(p, intent({ verb: 'get', resources: ['secrets'], namespace: 'x', output }), agent).rule;
    expect(get('go-template={{.data.x | base64decode}}')).toBe('decoding-template');
    expect(get('go-template={{.data.x}}\n{{"base64decode"}}')).toBe('decoding-template');
    expect(get('go-template={{.data.x}}')).toBe('default');
    expect(get(null)).toBe('default');
  });
});

describe('evaluate: risk thresholds and decision options', () => {
  const p = loadPolicy(`version: 1
approvers: { groups: [approvers] }
defaults: { approval: { wait: 2m, ttl: 20m } }
risk: { approveAt: 40, denyAt: 70 }
rules:
  - id: guard
    action: deny
    match: { verbs: [drain] }
  - id: relaxed
    action: allow
    risk: { approveAt: 101, denyAt: 101 }
    match: { namespaces: [sandbox] }
  - id: writes
    action: allow
    requireReason: true
    mask: secrets-only
    record: false
    approval: { groups: [sre-leads], wait: 0 }
    match: { verbs: ["@write", "@read"] }
`);

  it('escalates an allow to approve at the approve threshold, and says why', () => {
    const decision = evaluate(p, intent({ verb: 'delete', resources: ['pods'], names: ['a'], namespace: 'x' }), agent);
    expect(decision.risk.score).toBe(45);
    expect(decision).toMatchObject({ decision: 'approve', rule: 'writes', escalated: { from: 'allow', threshold: 40 } });
    expect(decision.message).toMatch(/^risk 45 is at or above the approve threshold 40 \(delete is a write command \+30; .*\): a member of sre-leads must approve it$/);
  });

  it('escalates to deny at the deny threshold', () => {
    const decision = evaluate(p, intent({ verb: 'delete', resources: ['secrets'], names: ['a'], namespace: 'x', force: true }), agent);
    // --force alone on delete is an immediate deletion in kubectl, so it counts as much as --force --grace-period=0
    expect(decision.risk.score).toBe(95);
    expect(decision).toMatchObject({ decision: 'deny', rule: 'writes', escalated: { from: 'allow', threshold: 70 } });
  });

  it('never relaxes a deny, however low the risk', () => {
    const decision = evaluate(p, intent({ verb: 'drain', resources: ['nodes'], names: ['n1'], dryRun: 'client' }), approver);
    expect(decision).toMatchObject({ decision: 'deny', rule: 'guard', escalated: null });
  });

  it('lets a rule set its own thresholds', () => {
    const decision = evaluate(p, intent({ verb: 'delete', resources: ['secrets'], names: ['a'], namespace: 'sandbox', force: true }), agent);
    expect(decision).toMatchObject({ decision: 'allow', rule: 'relaxed', escalated: null });
  });

  it("carries the deciding rule's options, inheriting the defaults it does not set", () => {
    const decision = evaluate(p, intent({ verb: 'get', resources: ['pods'], namespace: 'x' }), approver);
    expect(decision).toMatchObject({
      decision: 'allow', rule: 'writes', requireReason: true, mask: 'secrets-only', record: false,
      approverGroups: ['sre-leads'], waitSec: 0, approvalTtlSec: 1200,
    });
    const relaxed = evaluate(p, intent({ verb: 'get', resources: ['pods'], namespace: 'sandbox' }), approver);
    expect(relaxed).toMatchObject({ requireReason: false, mask: 'standard', record: true, approverGroups: ['approvers'], waitSec: 120 });
  });
});
