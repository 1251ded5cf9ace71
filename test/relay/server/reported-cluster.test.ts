// The relay decides on the cluster the wrapper reports only when its policy knows that cluster;
// any other (a hostile kubeconfig's invention, or none) is decided as the most sensitive of the
// policy's clusters, and the audit log says so.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../src/policy/load.ts';
import { AUDIT_LOG_FILE } from '../../../src/relay/server/server.ts';
import { startWorld, type World } from '../fixtures.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const policy = loadPolicy(`version: 1
approvers: { groups: [approvers] }
risk: { approveAt: 101, denyAt: 101 }
clusters:
  - { name: sandbox, server: "https://127.0.0.1:6443" }
  - { name: payments-prod, server: "https://payments.k8s.bank.example" }
defaults: { action: deny }
rules:
  - id: sandbox-is-free
    action: allow
    match: { clusters: [sandbox] }
  - id: prod-needs-a-human
    action: approve
    match: { clusters: [payments-prod] }
`, 'clusters.yaml');

describe('a client-reported cluster', () => {
  it('is trusted to match a lenient rule only when the policy lists it; an unknown one is decided as production', async () => {
    const relay = await world.relay({ policy });
    const agent = world.client(relay, 'agent-7');
    const scale = { argv: ['scale', 'deploy/api', '--replicas=0', '-n', 'payments'], reason: 'INC-5' };
    expect(await agent.submit({ ...scale, cluster: 'https://127.0.0.1:6443' })).toMatchObject({ decision: 'allow', rule: 'sandbox-is-free' });
    for (const cluster of ['sandbox-but-not-really', 'https://127.0.0.1:6444', null]) {
      const answer = await agent.submit({ ...scale, cluster });
      expect(answer, String(cluster)).toMatchObject({ decision: 'approve', rule: 'prod-needs-a-human' });
      expect(answer.decision === 'approve' && answer.message).toMatch(/is not one of the policy's clusters, so it was decided as any of them/);
    }
    const entries = (await readFile(join(relay.dataDir, AUDIT_LOG_FILE), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(entries.filter((entry) => entry.type === 'decision').map((entry) => [entry.cluster, entry.unknownCluster ?? false])).toEqual([
      ['https://127.0.0.1:6443', false], ['sandbox-but-not-really', true], ['https://127.0.0.1:6444', true], [null, true],
    ]);
  });
});
