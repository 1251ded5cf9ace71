import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRelayConfig } from '../../../src/relay/server/config.ts';
import { loadClusterTarget, targetCluster } from '../../../src/relay/server/gateway/clusters.ts';

const HEAD = 'version: 1\nissuers: [{ issuer: https://idp.example, audience: hkubectl }]\n';

function problemsOf(text: string): string[] {
  try {
    parseRelayConfig(text, 'relay.yaml');
  } catch (error) {
    return (error as { details: { problems: string[] } }).details.problems;
  }
  return [];
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('relay.yaml clusters', () => {
  it('reads each cluster with one credential of the relay, paths relative to the file, and grant lifetimes', () => {
    const config = parseRelayConfig(`${HEAD}clusters:
  - name: payments-prod
    server: https://payments.k8s.bank.example:6443
    ca: ca/payments.crt
    token: /etc/hk/payments.token
  - name: cards
    server: https://cards.k8s.bank.example
    clientCertificate: cards.crt
    clientKey: cards.key
  - name: lab
    kubeconfig: lab.kubeconfig
    context: relay@lab
maxSessionDuration: { read: 2m, access: 2h }
`, '/etc/hk/relay.yaml');
    expect(config.clusters).toEqual([
      { name: 'payments-prod', server: 'https://payments.k8s.bank.example:6443', caFile: '/etc/hk/ca/payments.crt', credential: { tokenFile: '/etc/hk/payments.token' } },
      { name: 'cards', server: 'https://cards.k8s.bank.example', caFile: null, credential: { certFile: '/etc/hk/cards.crt', keyFile: '/etc/hk/cards.key' } },
      { name: 'lab', server: null, caFile: null, credential: { kubeconfigFile: '/etc/hk/lab.kubeconfig', context: 'relay@lab' } },
    ]);
    expect(config.maxSessionDuration).toEqual({ read: 120_000, access: 7_200_000 });
    expect(parseRelayConfig(`${HEAD}maxSessionDuration: 10m\n`, 'r.yaml').maxSessionDuration).toEqual({ read: 600_000, write: 600_000, access: 600_000, follow: 600_000 });
  });

  it('names the line of every bad cluster entry', () => {
    expect(problemsOf(`${HEAD}clusters:
  - name: a/b
    server: https://x.example
    token: t
  - name: plain
    server: http://insecure.example
    token: t
  - name: none
    server: https://x.example
  - name: both
    server: https://x.example
    token: t
    kubeconfig: k
  - server: https://x.example
    clientCertificate: c
  - name: plain
    server: https://y.example
    token: t
    context: ctx
maxSessionDuration: { read: 0, forever: 1h }
`)).toEqual([
      'relay.yaml:4: clusters[0].name: must be letters, digits, ".", "_" or "-" (it is a URL path segment of the gateway)',
      'relay.yaml:8: clusters[1].server: must be the https:// URL of the API server',
      'relay.yaml:10: clusters[2]: needs the relay\'s credential for the cluster: token (a file), clientCertificate and clientKey (files), or kubeconfig (a file, with context)',
      'relay.yaml:12: clusters[3]: give one credential, not token and kubeconfig',
      'relay.yaml:16: clusters[4].name: required: the name agents\' kubeconfigs give this cluster',
      'relay.yaml:16: clusters[4]: clientCertificate and clientKey go together',
      'relay.yaml:18: clusters[5].name: cluster plain is listed twice',
      'relay.yaml:21: clusters[5].context: only goes with kubeconfig',
      'relay.yaml:22: maxSessionDuration.forever: unknown field (expected one of read, write, access, follow)',
      'relay.yaml:22: maxSessionDuration.read: must be more than 0',
    ]);
  });

  it('reads the credential from a kubeconfig context, and matches a submitted command to a cluster by entry name or server', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hk-clusters-'));
    dirs.push(dir);
    await writeFile(join(dir, 'relay.token'), 'tok-123\n');
    await writeFile(join(dir, 'lab.kubeconfig'), `apiVersion: v1
kind: Config
clusters:
  - name: lab
    cluster: { server: "https://lab.example:6443", certificate-authority-data: ${Buffer.from('CA PEM').toString('base64')} }
users:
  - name: relay
    user: { tokenFile: relay.token }
contexts:
  - name: relay@lab
    context: { cluster: lab, user: relay }
current-context: relay@lab
`);
    const target = await loadClusterTarget({ name: 'lab', server: null, caFile: null, credential: { kubeconfigFile: join(dir, 'lab.kubeconfig'), context: null } });
    expect(target).toEqual({ name: 'lab', server: 'https://lab.example:6443', caPem: 'CA PEM', credential: { token: 'tok-123' } });
    await expect(loadClusterTarget({ name: 'lab', server: null, caFile: null, credential: { kubeconfigFile: join(dir, 'lab.kubeconfig'), context: 'missing' } }))
      .rejects.toThrow('cluster lab: kubeconfig');
    expect(targetCluster([target], { kubeCluster: 'lab' })?.name).toBe('lab');
    expect(targetCluster([target], { kubeCluster: 'other', cluster: 'https://LAB.example:6443/' })?.name).toBe('lab');
    expect(targetCluster([target], { kubeCluster: 'other', cluster: 'https://elsewhere.example' })).toBeNull();
  });
});
