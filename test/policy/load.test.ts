import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { formatProblem, loadPolicy, PolicyError } from '../../src/policy/load.ts';

const HEAD = 'version: 1\napprovers: { groups: [approvers] }\n';

function problemsOf(text: string): string[] {
  try {
    loadPolicy(text, 'policy.yaml');
  } catch (error) {
    if (error instanceof PolicyError) return error.problems.map((problem) => formatProblem('policy.yaml', problem));
    throw error;
  }
  throw new Error('policy loaded although it should not have');
}

describe('loadPolicy', () => {
  it('loads a valid policy into typed rules with short names normalised to plural.group', () => {
    const policy = loadPolicy(`${HEAD}rules:
  - id: scale-deploys
    match: { verbs: [scale], resources: [deploy, Deployment, statefulset], namespaces: ["@production", dev] }
    action: approve
    approval: { wait: 90, ttl: 15m, groups: [sre] }
    mask: secrets-only
`);
    const [rule] = policy.rules;
    expect(rule?.id).toBe('scale-deploys');
    expect(rule?.line).toBe(4);
    expect(rule?.match.resources?.patterns).toEqual(['deployments.apps', 'deployments.apps', 'statefulsets.apps']);
    expect(rule?.match.namespaces?.patterns).toEqual(['prod', 'production', '*-prod', 'dev']);
    expect(rule?.approval).toEqual({ groups: ['sre'], waitSec: 90, ttlSec: 900 });
    expect(rule?.mask).toBe('secrets-only');
    expect(policy.fallback.id).toBe('default');
  });

  it('names the line and field of a wrong action, and the value it resembles', () => {
    const text = `${HEAD}rules:\n  - id: a\n    action: allow\n  - id: b\n    action: alow\n  - id: c\n    action: maybe\n`;
    expect(problemsOf(text)).toEqual([
      'policy.yaml:7: rules[1].action: must be one of allow, deny, approve; did you mean "allow"?',
      'policy.yaml:9: rules[2].action: must be one of allow, deny, approve',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf(`${HEAD}rules:\n  - id: a\n    match: { verbs: [get }\n    action: allow\n`);
    expect(problems[0]).toMatch(/^policy\.yaml:5: YAML: /);
  });

  it('reports duplicate keys as a YAML error on the line of the duplicate', () => {
    const problems = problemsOf(`${HEAD}rules:\n  - id: a\n    action: allow\n    action: deny\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^policy\.yaml:6: YAML: .*unique/i);
  });

  it('reports wrong types with the expected type', () => {
    const problems = problemsOf(`${HEAD}risk:\n  approveAt: high\nrules:\n  - id: a\n    action: allow\n    requireReason: "yes"\n    approval: { wait: soon }\n`);
    expect(problems).toEqual([
      'policy.yaml:4: risk.approveAt: must be a whole number from 0 to 101',
      'policy.yaml:8: rules[0].requireReason: must be true or false',
      'policy.yaml:9: rules[0].approval.wait: must be a duration such as 90, 30s, 15m, 2h or 1d',
    ]);
  });

  it('refuses unknown keys and lists the known ones', () => {
    const problems = problemsOf(`${HEAD}rules:\n  - id: a\n    acton: allow\n    action: allow\n    match: { verb: [get] }\n`);
    expect(problems).toEqual([
      expect.stringMatching(/^policy\.yaml:5: rules\[0\]\.acton: unknown field; did you mean "action"\? \(expected one of id, description, match, action,/),
      expect.stringMatching(/^policy\.yaml:7: rules\[0\]\.match\.verb: unknown field; did you mean "verbs"\? \(expected one of groups, subjects, actor, verbs,/),
    ]);
  });

  it('refuses globs it does not support, naming the offending character', () => {
    expect(problemsOf(`${HEAD}rules:\n  - id: a\n    action: deny\n    match:\n      namespaces: [dev, "prod-[ab]"]\n`)).toEqual([
      'policy.yaml:7: rules[0].match.namespaces[1]: "prod-[ab]" is not a valid glob: "[" is not supported (use * and ? only)',
    ]);
  });

  it('refuses namespace patterns that no namespace could have', () => {
    expect(problemsOf(`${HEAD}rules:\n  - id: a\n    action: deny\n    match: { namespaces: Payments_Prod }\n`)).toEqual([
      'policy.yaml:6: rules[0].match.namespaces: "Payments_Prod" is not a namespace name or glob (a-z, 0-9 and -, with * and ?)',
    ]);
  });

  it('checks the patterns of namespace classes too', () => {
    expect(problemsOf(`${HEAD}namespaceClasses:\n  production: [prod, "*-PROD"]\nrules: []\n`)).toEqual([
      'policy.yaml:4: namespaceClasses.production[1]: "*-PROD" is not a namespace name or glob (a-z, 0-9 and -, with * and ?)',
    ]);
  });

  it('refuses an unknown version clearly and reads nothing else', () => {
    expect(problemsOf('version: 2\nrules: nonsense\n')).toEqual([
      'policy.yaml:1: version: unsupported policy version 2 (this hkubectl understands version 1)',
    ]);
  });

  it('requires a version', () => {
    expect(problemsOf('approvers: { groups: [a] }\nrules: []\n')).toEqual([
      'policy.yaml:1: version: required (write "version: 1" at the top)',
    ]);
  });

  it('refuses typos in verbs, verb classes and namespace classes', () => {
    expect(problemsOf(`${HEAD}rules:\n  - id: a\n    action: deny\n    match:\n      verbs: [delet, "@writes", "rollout restart"]\n      namespaces: ["@prod"]\n`)).toEqual([
      'policy.yaml:7: rules[0].match.verbs[0]: unknown kubectl command "delet"; did you mean "delete"?',
      'policy.yaml:7: rules[0].match.verbs[1]: unknown verb class @writes (expected one of @read, @write, @access, @local, @other)',
      'policy.yaml:8: rules[0].match.namespaces[0]: unknown namespace class @prod (namespaceClasses defines: @production)',
    ]);
  });

  it('refuses duplicate and reserved rule ids', () => {
    expect(problemsOf(`${HEAD}rules:\n  - id: a\n    action: allow\n  - id: a\n    action: deny\n  - id: default\n    action: deny\n`)).toEqual([
      'policy.yaml:6: rules[1].id: "a" is used by an earlier rule',
      'policy.yaml:8: rules[2].id: "default" is reserved',
    ]);
  });

  it('requires approver groups, rule ids and actions', () => {
    expect(problemsOf('version: 1\nrules:\n  - match: { verbs: [get] }\n')).toEqual([
      'policy.yaml:1: approvers: required (approvers: { groups: [...] }: who may approve, and who counts as a human)',
      'policy.yaml:3: rules[0].id: required (a short name that decisions and the audit log refer to)',
      'policy.yaml:3: rules[0].action: required (one of allow, deny, approve)',
    ]);
  });

  it('is a ConfigError (exit 78) whose message is the first problem and a count of the rest', () => {
    let caught: unknown;
    try {
      loadPolicy(`${HEAD}rules:\n  - id: a\n    action: nope\n    mask: none\n`, 'bank.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    expect((caught as PolicyError).exitCode).toBe(ExitCode.config);
    expect((caught as PolicyError).message).toBe('bank.yaml:5: rules[0].action: must be one of allow, deny, approve (and 1 more problem)');
  });

  it('accepts flag conditions as one set or a list of alternatives, with numbers as strings', () => {
    const policy = loadPolicy(`${HEAD}rules:
  - id: a
    action: deny
    match: { flags: [{ force: true, grace-period: 0 }, { A: true }] }
`);
    expect(policy.rules[0]?.match.flags?.map((set) => Object.fromEntries(set))).toEqual([
      { force: true, 'grace-period': '0' },
      { 'all-namespaces': true },
    ]);
  });

  it('resolves YAML anchors so rules can share lists', () => {
    const policy = loadPolicy(`${HEAD}rules:
  - id: a
    action: deny
    match: { namespaces: &critical [payments-prod, ledger] }
  - id: b
    action: approve
    match: { namespaces: *critical }
`);
    expect(policy.rules[1]?.match.namespaces?.patterns).toEqual(['payments-prod', 'ledger']);
  });
});
