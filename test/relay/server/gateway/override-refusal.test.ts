// A command for a cluster the relay brokers runs in gateway mode, where the session kubeconfig is
// the only server and credential kubectl may use. A command line that brings its own server,
// identity, impersonation or trust is denied by the relay at decision time (no approval asked, no
// grant minted); the wrapper's refusal before kubectl starts stays as the second line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../../src/policy/load.ts';
import type { Relay } from '../../../../src/relay/server/server.ts';
import { startWorld, type World } from '../../fixtures.ts';

let world: World;
let relay: Relay;
beforeAll(async () => {
  world = await startWorld();
  relay = await world.relay({
    policy,
    // Nothing connects to it here: the decisions are what is tested.
    clusters: [{ name: 'brokered', server: 'https://127.0.0.1:1', credential: { token: 'relay-own-token' } }],
  });
});
afterAll(async () => {
  await world?.close();
});

const policy = loadPolicy(`version: 1
approvers: { groups: [approvers] }
risk: { approveAt: 101, denyAt: 101 }
defaults: { action: allow }
rules:
  - id: deletes-need-a-human
    action: approve
    match: { verbs: [delete] }
`, 'gateway-overrides.yaml');

const OWN_KUBECONFIG = { kubeconfig: { kubeconfigIsOwn: true, currentContext: 'dev' }, plugin: null };
const OTHER_KUBECONFIG = { kubeconfig: { kubeconfigIsOwn: false, currentContext: 'dev' }, plugin: null };

async function entriesOf(type: string): Promise<Array<Record<string, unknown>>> {
  const found = [];
  for await (const entry of relay.store.read()) if (entry.type === type) found.push(entry as unknown as Record<string, unknown>);
  return found;
}

describe('the relay in gateway mode', () => {
  it('denies every spelling of a server, credential, impersonation or trust override, before approval and without a grant', async () => {
    const agent = world.client(relay, 'agent-7');
    const overrides: Array<[string[], string]> = [
      [['--token', 'stolen'], '--token'],
      [['--token=stolen'], '--token'],
      [['--server', 'https://127.0.0.1:6443'], '--server=https://127.0.0.1:6443'],
      [['-s', 'https://127.0.0.1:6443'], '--server=https://127.0.0.1:6443'],
      [['-shttps://127.0.0.1:6443'], '--server=https://127.0.0.1:6443'],
      [['--as', 'system:admin'], '--as=system:admin'],
      [['--as-group=system:masters'], '--as-group=system:masters'],
      [['--as-uid', '0'], '--as-uid=0'],
      [['--client-certificate', '/tmp/c.pem'], '--client-certificate=/tmp/c.pem'],
      [['--client-key=/tmp/k.pem'], '--client-key=/tmp/k.pem'],
      [['--username', 'admin'], '--username=admin'],
      [['--password', 'pw'], '--password'],
      [['--certificate-authority', '/tmp/ca.pem'], '--certificate-authority=/tmp/ca.pem'],
      [['--insecure-skip-tls-verify'], '--insecure-skip-tls-verify'],
      [['--insecure-skip-tls-verify=true'], '--insecure-skip-tls-verify'],
      [['--tls-server-name', 'kubernetes'], '--tls-server-name=kubernetes'],
      [['--kubeconfig', '/tmp/elsewhere'], '--kubeconfig=/tmp/elsewhere'],
    ];
    for (const [flags, shown] of overrides) {
      for (const verb of [['get', 'pods'], ['delete', 'pod', 'web-1']]) {
        const argv = [...verb, '-n', 'prod', ...flags];
        const answer = await agent.submit({ argv, kubeCluster: 'brokered', cluster: null, namespace: 'prod', reason: 'a test', local: OTHER_KUBECONFIG });
        expect(answer, argv.join(' ')).toMatchObject({ decision: 'deny', rule: 'gateway-overrides', guardrail: true });
        expect(answer.decision === 'deny' && answer.message, argv.join(' ')).toContain(`${shown} refused in gateway mode`);
        // A credential's value never reaches the answer (nor the log, which holds the same message).
        expect(JSON.stringify(answer)).not.toContain('stolen');
      }
    }
    expect(await entriesOf('grant.issued')).toEqual([]);
    const decisions = await entriesOf('decision');
    expect(decisions.length).toBe(overrides.length * 2);
    expect(decisions.every((entry) => entry.outcome === 'deny' && entry.rule === 'gateway-overrides' && entry.requestId === undefined)).toBe(true);
    expect(JSON.stringify(decisions)).not.toContain('stolen');
  });

  it('lets the selections through (--context, --cluster, --user, and --kubeconfig naming the agent\'s own file), and a false --insecure-skip-tls-verify', async () => {
    const agent = world.client(relay, 'agent-7');
    for (const flags of [['--context', 'other'], ['--cluster=brokered'], ['--user', 'me'], ['--kubeconfig', '/home/agent/.kube/config'], ['--insecure-skip-tls-verify=false'], []]) {
      const argv = ['get', 'pods', '-n', 'prod', ...flags];
      const answer = await agent.submit({ argv, kubeCluster: 'brokered', cluster: null, namespace: 'prod', reason: 'a test', local: OWN_KUBECONFIG });
      expect(answer, argv.join(' ')).toMatchObject({ decision: 'allow', gateway: { cluster: 'brokered' } });
    }
    // Without the facts that say it is the agent's own, a --kubeconfig is another file.
    const unknown = await agent.submit({ argv: ['get', 'pods', '--kubeconfig', '/home/agent/.kube/config'], kubeCluster: 'brokered', cluster: null, namespace: 'prod', reason: 'a test' });
    expect(unknown).toMatchObject({ decision: 'deny', rule: 'gateway-overrides' });
  });

  it('leaves the overrides of a command for a cluster the relay does not broker to the policy', async () => {
    const agent = world.client(relay, 'agent-7');
    const local = await agent.submit({ argv: ['get', 'pods', '--token', 'own', '--server', 'https://127.0.0.1:6443'], kubeCluster: 'elsewhere', cluster: 'https://127.0.0.1:6443', namespace: 'prod', reason: 'a test' });
    expect(local).toMatchObject({ decision: 'allow' });
    expect(local.decision === 'allow' && local.gateway).toBeUndefined();
  });
});
