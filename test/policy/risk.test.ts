import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/load.ts';
import { score } from '../../src/policy/risk.ts';
import { intent } from './intent-fixture.ts';

const policy = loadPolicy(`version: 1
approvers: { groups: [approvers] }
namespaceClasses: { production: [prod, "*-prod"], system: [kube-system] }
risk: { namespaceClasses: { production: 25, system: 20 }, resources: { widgets.example.com: 40 } }
rules: []
`);
const agent = { subject: 'agent-7', groups: [] };
const human = { subject: 'alice', groups: ['approvers'] };

function points(result: ReturnType<typeof score>): Record<string, number> {
  return Object.fromEntries(result.factors.map((factor) => [factor.factor, factor.points]));
}

describe('score', () => {
  it('lists all nine factors with points and reasons, and sums them', () => {
    const result = score(intent({ verb: 'delete', resources: ['secrets'], names: ['db'], namespace: 'payments-prod' }), agent, policy);
    expect(result.factors.map((factor) => factor.factor)).toEqual(['verb', 'resource', 'namespace', 'breadth', 'force', 'identity', 'overrides', 'plugin', 'pod-escape']);
    expect(points(result)).toEqual({ verb: 30, resource: 25, namespace: 25, breadth: 0, force: 0, identity: 10, overrides: 0, plugin: 0, 'pod-escape': 0 });
    expect(result.score).toBe(90);
    expect(result.factors.find((factor) => factor.factor === 'namespace')?.reason).toBe('namespace payments-prod is production');
    expect(result.factors.find((factor) => factor.factor === 'identity')?.reason).toBe('agent-7 is an agent (not in approver groups: approvers)');
  });

  it('caps the score at 100', () => {
    const wild = intent({
      verb: 'delete', resources: ['secrets'], namespace: 'prod', force: true, selector: 'a=b',
      flags: { 'grace-period': '0', all: true, cascade: 'orphan' },
    });
    expect(score(wild, agent, policy).score).toBe(100);
  });

  it('scores an approver lower than an agent for the same command', () => {
    const command = intent({ verb: 'scale', resources: ['deployments.apps'], names: ['web'], namespace: 'dev' });
    expect(score(command, agent, policy).score - score(command, human, policy).score).toBe(10);
    expect(points(score(command, human, policy)).identity).toBe(0);
  });

  it('counts a dry run as changing nothing', () => {
    const dry = score(intent({ verb: 'delete', resources: ['pods'], names: ['a'], dryRun: 'server' }), agent, policy);
    expect(points(dry).verb).toBe(2);
    expect(dry.factors[0]?.reason).toBe('delete with --dry-run=server: nothing is changed');
  });

  it('counts --all-namespaces as reaching the most sensitive namespace class', () => {
    const all = score(intent({ verb: 'get', resources: ['pods'], allNamespaces: true }), agent, policy);
    expect(points(all).namespace).toBe(25);
    expect(all.factors[2]?.reason).toBe('all namespaces, production ones included');
  });

  it('halves breadth for reads and sums it for writes', () => {
    const wide = { resources: ['configmaps'], allNamespaces: true, selector: 'app=web' };
    expect(points(score(intent({ verb: 'get', ...wide }), agent, policy)).breadth).toBe(12);
    expect(points(score(intent({ verb: 'label', ...wide }), agent, policy)).breadth).toBe(25);
    expect(points(score(intent({ verb: 'delete', resources: ['pods'], names: ['a', 'b', 'c', 'd'] }), agent, policy)).breadth).toBe(10);
  });

  it('adds force flags, capped at 30', () => {
    const forced = score(intent({ verb: 'delete', resources: ['pods'], names: ['a'], force: true, flags: { 'grace-period': '0', now: true } }), agent, policy);
    expect(points(forced).force).toBe(30);
    expect(forced.factors[4]?.reason).toBe('--force, immediate deletion (--force with a grace period of 0 or none), --now');
  });

  it('takes the most sensitive resource, with policy overrides, and flags manifests it cannot see', () => {
    expect(points(score(intent({ verb: 'get', resources: ['pods', 'widgets.example.com'] }), agent, policy)).resource).toBe(40);
    expect(points(score(intent({ verb: 'get', resources: ['gizmos.example.com'] }), agent, policy)).resource).toBe(5);
    const file = score(intent({ verb: 'apply', filenames: ['x.yaml'] }), agent, policy);
    expect(file.factors[1]).toEqual({ factor: 'resource', points: 10, reason: 'resources come from files the policy cannot see' });
  });

  it('gives system namespaces their class points', () => {
    expect(points(score(intent({ verb: 'exec', resources: ['pods'], names: ['x'], namespace: 'kube-system' }), agent, policy)).namespace).toBe(20);
  });
});
