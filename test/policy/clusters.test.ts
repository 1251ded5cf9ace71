// A policy that names clusters decides by the cluster the command runs against — but the wrapper
// reports that from the agent's kubeconfig, so a cluster the policy does not list is decided as
// any of them: restricting rules that name clusters apply, lenient ones do not.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/evaluate.ts';
import { loadPolicy, PolicyError } from '../../src/policy/load.ts';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';

const agent = { subject: 'agent-7', groups: ['agents'] };

const CLUSTERS = `
clusters:
  - name: dev
    server: https://dev.k8s.bank.example:6443
  - name: prod-eu
    server: https://prod-eu.k8s.bank.example
`;
const policy = loadPolicy(`version: 1
approvers: { groups: [approvers] }
risk: { approveAt: 101, denyAt: 101 }
${CLUSTERS}
defaults: { action: deny }
rules:
  - id: dev-is-a-playground
    action: allow
    match: { clusters: [dev] }
  - id: prod-deletes-blocked
    action: deny
    match: { clusters: [prod-*], verbs: [delete], resources: [namespaces] }
  - id: prod-writes
    action: approve
    match: { clusters: [prod-eu], verbs: ["@write"] }
  - id: reads
    action: allow
    match: { verbs: ["@read"] }
`);

const decide = (argv: string[], cluster: string | null) => evaluate(policy, parseIntent(argv), agent, { cluster });

describe('clusters in policy', () => {
  it('recognises a listed cluster by its server URL however kubeconfig spells it, or by its name', () => {
    for (const cluster of ['https://dev.k8s.bank.example:6443', 'https://DEV.k8s.bank.example:6443/', 'dev']) {
      expect(decide(['delete', 'pod', 'web-1', '-n', 'shop'], cluster), cluster).toMatchObject({ decision: 'allow', rule: 'dev-is-a-playground' });
    }
    expect(decide(['delete', 'pod', 'web-1'], 'https://prod-eu.k8s.bank.example:443')).toMatchObject({ decision: 'approve', rule: 'prod-writes' });
    expect(decide(['delete', 'pod', 'web-1'], 'https://dev.k8s.bank.example:6443')).not.toHaveProperty('unknownCluster');
  });

  it('decides a cluster it does not know as any of its clusters: no lenient rule, every restricting one, and says so', () => {
    for (const cluster of ['https://dev.k8s.bank.example:6443.evil.example', 'http://dev.k8s.bank.example:6443', 'https://10.0.0.9:6443', 'Dev', 'staging', null]) {
      const write = decide(['delete', 'pod', 'web-1', '-n', 'shop'], cluster);
      expect(write, String(cluster)).toMatchObject({ decision: 'approve', rule: 'prod-writes', unknownCluster: { reported: cluster } });
      expect(write.message).toMatch(/is not one of the policy's clusters, so it was decided as any of them\)$/);
      expect(decide(['delete', 'namespace', 'payments'], cluster)).toMatchObject({ decision: 'deny', rule: 'prod-deletes-blocked' });
      expect(decide(['get', 'pods'], cluster)).toMatchObject({ decision: 'allow', rule: 'reads' });
    }
  });

  it('changes nothing for a policy whose rules name no clusters', () => {
    const plain = loadPolicy('version: 1\napprovers: { groups: [approvers] }\nrules:\n  - id: reads\n    action: allow\n    match: { verbs: ["@read"] }\n');
    const decision = evaluate(plain, parseIntent(['get', 'pods']), agent, { cluster: 'https://anywhere.example' });
    expect(decision).toMatchObject({ decision: 'allow', rule: 'reads' });
    expect(decision.message).not.toMatch(/clusters/);
  });

  it('refuses a rule naming a cluster the policy does not list, and a server that is not a URL', () => {
    const load = (text: string) => () => loadPolicy(text, 'p.yaml');
    expect(load(`version: 1\napprovers: { groups: [approvers] }\n${CLUSTERS}\nrules:\n  - id: r\n    action: allow\n    match: { clusters: [dev, prd-eu] }\n`))
      .toThrow(/p\.yaml:\d+: rules\[0\]\.match\.clusters: "prd-eu" is not listed under clusters:/);
    expect(load('version: 1\napprovers: { groups: [approvers] }\nrules:\n  - id: r\n    action: allow\n    match: { clusters: [dev] }\n')).toThrow(PolicyError);
    expect(load('version: 1\napprovers: { groups: [approvers] }\nclusters: [{ name: dev, server: dev.example }]\nrules: []\n')).toThrow(/clusters\[0\]\.server: must be the API server's https:\/\//);
  });
});
