// How far a command reaches: connection overrides, plugins, CRD deletes, the system namespaces
// and pods that escape their container, decided by the default bank policy (agents and people)
// and by policies that name them, with the risk factors that count them.
import { describe, expect, it } from 'vitest';
import { withLocalTarget } from '../../src/kubectl/local-facts.ts';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { defaultPolicy } from '../../src/policy/default-policy.ts';
import { evaluate } from '../../src/policy/evaluate.ts';
import { loadPolicy } from '../../src/policy/load.ts';
import { PolicyError } from '../../src/policy/load.ts';
import type { Identity } from '../../src/policy/types.ts';

const agent: Identity = { subject: 'agent-7', groups: ['agents'] };
const person: Identity = { subject: 'alice@bank.example', groups: ['approvers'] };
const decide = (argv: string[], who: Identity = agent) => evaluate(defaultPolicy(), parseIntent(argv), who);
const outcome = (argv: string[], who: Identity = agent) => {
  const d = decide(argv, who);
  return `${d.decision} ${d.rule}`;
};

describe('connection overrides, default policy', () => {
  it.each([
    [['get', 'secrets', '-n', 'prod', '--server=https://127.0.0.1:9']],
    [['-s', 'https://127.0.0.1:9', 'get', 'pods']],
    [['get', 'pods', '-shttps://127.0.0.1:9']],
    [['get', 'pods', '--token', 'abc']],
    [['get', 'pods', '--username=admin', '--password=pw']],
    [['get', 'pods', '--client-certificate', 'c.crt', '--client-key', 'c.key']],
    [['get', 'pods', '--certificate-authority=/tmp/ca.crt']],
    [['get', 'pods', '--insecure-skip-tls-verify']],
    [['get', 'pods', '--insecure-skip-tls-verify=t']],
    [['get', 'pods', '--tls-server-name', 'api.other']],
    [['--kubeconfig', '/tmp/stolen', 'get', 'pods']],
    [['exec', 'web', '-n', 'dev', '--server', 'https://x', '--', 'ls']],
    [['version', '--server=https://x']],
  ])('denies an agent %j, naming the flag and why', (argv) => {
    const decision = decide(argv);
    expect(`${decision.decision} ${decision.rule}`).toBe('deny no-connection-overrides');
    expect(decision.message).toMatch(/^--[a-z-]+/);
    expect(decision.message).toContain('the relay decides on the cluster it knows');
    expect(decision.message).not.toMatch(/\babc\b|\bpw\b/);
    expect(outcome(argv, person)).toBe('approve connection-overrides-by-people');
    expect(decide(argv, person).requireReason).toBe(true);
  });

  it('names the flag and its value in the message, credentials without theirs', () => {
    expect(decide(['get', 'secrets', '-n', 'prod', '--server=https://127.0.0.1:9']).message).toMatch(/^--server=https:\/\/127\.0\.0\.1:9 would send/);
    expect(decide(['get', 'pods', '--token=sekrit']).message).toMatch(/^--token would send/);
  });

  it('lets --context, --cluster and --user name entries of the agent\'s own kubeconfig, deciding on what they select', () => {
    expect(outcome(['get', 'pods', '--context', 'staging'])).toBe('allow reads');
    expect(outcome(['get', 'pods', '--cluster=k2', '--user', 'me'])).toBe('allow reads');
    // The wrapper resolves the selected context's namespace; the relay decides on it.
    const argv = ['scale', 'deploy/web', '--replicas=0', '--context', 'payments'];
    const intent = withLocalTarget(argv, parseIntent(argv), { namespace: 'payments-prod', context: 'payments', local: { kubeconfig: { kubeconfigIsOwn: false, currentContext: 'dev' }, plugin: null } });
    expect(evaluate(defaultPolicy(), intent, agent)).toMatchObject({ decision: 'approve', rule: 'writes-in-production' });
  });

  it('treats a --kubeconfig naming the agent\'s own file as no flag, once the machine says so', () => {
    const argv = ['get', 'pods', '--kubeconfig', '/home/agent/.kube/config'];
    const own = withLocalTarget(argv, parseIntent(argv), { local: { kubeconfig: { kubeconfigIsOwn: true, currentContext: 'dev' }, plugin: null } });
    const foreign = withLocalTarget(argv, parseIntent(argv), { local: { kubeconfig: { kubeconfigIsOwn: false, currentContext: 'dev' }, plugin: null } });
    const silent = withLocalTarget(argv, parseIntent(argv), {});
    expect(evaluate(defaultPolicy(), own, agent).rule).toBe('reads');
    expect(evaluate(defaultPolicy(), foreign, agent).rule).toBe('no-connection-overrides');
    expect(evaluate(defaultPolicy(), silent, agent).rule).toBe('no-connection-overrides');
  });

  it('keeps denying impersonation for everyone', () => {
    expect(outcome(['get', 'pods', '--as=admin'])).toBe('deny no-impersonation');
    expect(outcome(['get', 'pods', '--as-uid', '0'], person)).toBe('deny no-impersonation');
  });

  it('counts overrides as a risk factor of their own', () => {
    const factor = decide(['get', 'pods', '--server=https://x', '--token=t']).risk.factors.find((f) => f.factor === 'overrides');
    expect(factor).toEqual({ factor: 'overrides', points: 40, reason: 'connection overridden: --server=https://x, --token' });
    expect(decide(['get', 'pods', '--context', 'x']).risk.factors.find((f) => f.factor === 'overrides')?.points).toBe(5);
  });
});

describe('plugins, default policy', () => {
  it('needs approval for a plugin, naming it, its path and its hash once the machine reports them', () => {
    const argv = ['foo', 'bar', '-n', 'prod'];
    const reported = { name: 'foo-bar', path: '/home/agent/bin/kubectl-foo-bar', sha256: 'a'.repeat(64) };
    const intent = withLocalTarget(argv, parseIntent(argv), { local: { kubeconfig: null, plugin: reported } });
    const decision = evaluate(defaultPolicy(), intent, agent);
    expect(decision).toMatchObject({ decision: 'approve', rule: 'plugins' });
    expect(decision.message).toContain(`kubectl-foo-bar (/home/agent/bin/kubectl-foo-bar, sha256 ${'a'.repeat(64)})`);
    expect(decision.risk.factors.find((f) => f.factor === 'plugin')?.points).toBe(25);
  });

  it('ignores a reported plugin name kubectl could not have picked from argv', () => {
    const argv = ['foo', 'bar'];
    const intent = withLocalTarget(argv, parseIntent(argv), { local: { kubeconfig: null, plugin: { name: 'convert', path: '/x', sha256: 'b'.repeat(64) } } });
    expect(intent.plugin).toEqual({ name: 'foo', path: null, sha256: null });
  });

  it('needs approval for a plugin even when the machine says nothing, and for one named like an hkubectl command', () => {
    expect(outcome(['approve', 'R1'])).toBe('approve plugins');
    expect(outcome(['kubectl-anything'])).toBe('approve plugins');
    expect(outcome(['create', 'widget', 'w1'])).toBe('approve plugins');
  });

  it('lets a policy name kubectl convert as a known read-only plugin', () => {
    const policy = loadPolicy(`version: 1
approvers: { groups: [approvers] }
rules:
  - id: convert-plugin
    match: { plugins: [convert] }
    action: allow
  - id: plugins
    match: { plugins: ["*"] }
    action: approve
`, 'p.yaml');
    expect(evaluate(policy, parseIntent(['convert', '-f', 'old.yaml', '--output-version', 'apps/v1']), agent).rule).toBe('convert-plugin');
    expect(evaluate(policy, parseIntent(['conv', '-f', 'old.yaml']), agent).rule).toBe('plugins');
    expect(evaluate(policy, parseIntent(['get', 'pods']), agent).rule).toBe('default');
  });
});

describe('CRD deletion, default policy', () => {
  it.each([
    [['delete', 'crd', 'widgets.example.com']],
    [['delete', 'crds', 'widgets.example.com', 'gadgets.example.com']],
    [['delete', 'customresourcedefinition', 'widgets.example.com']],
    [['delete', 'CustomResourceDefinition/widgets.example.com']],
    [['delete', 'customresourcedefinitions.apiextensions.k8s.io', 'widgets.example.com']],
    [['delete', 'crd/widgets.example.com', '-n', 'dev']],
    [['delete', '--raw', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com']],
  ])('blocks %j for agents and people alike, saying it deletes every object of that kind', (argv) => {
    for (const who of [agent, person]) {
      const decision = decide(argv, who);
      expect(decision.decision).toBe('deny');
      expect(decision.rule).toMatch(/^no-crd-delete/);
      expect(decision.message).toContain('deletes every object of that kind in every namespace, cluster-wide');
    }
  });

  it('still lets agents read CRDs', () => {
    expect(outcome(['get', 'crds'])).toBe('allow reads');
  });
});

describe('system namespaces, default policy', () => {
  it.each([
    [['scale', 'deploy/coredns', '--replicas=0', '-n', 'kube-system']],
    [['set', 'image', 'ds/kube-proxy', 'kube-proxy=evil:1', '-n', 'kube-system']],
    [['-n', 'kube-public', 'create', 'configmap', 'x', '--from-literal=a=b']],
    [['delete', 'lease', 'x', '--namespace=kube-node-lease']],
    [['exec', '-it', 'coredns-1', '-nkube-system', '--', 'sh']],
    [['label', 'ns', 'kube-system', 'x=y']],
    [['annotate', 'pods', '--all', '-A', 'note=x']],
  ])('denies agents the change %j; people need approval with a reason', (argv) => {
    expect(outcome(argv)).toBe('deny no-system-namespace-changes');
    expect(decide(argv, person)).toMatchObject({ decision: 'approve', rule: 'system-namespaces-by-people', requireReason: true });
  });

  it.each([
    [['get', 'secrets', '-n', 'kube-system']],
    [['get', 'secret', 'bootstrap-token-abc', '-n', 'kube-system', '-o', 'yaml']],
    [['describe', 'secrets', '-n', 'kube-public']],
    [['get', 'secrets', '-A']],
    [['get', 'secrets,configmaps', '--all-namespaces']],
  ])('denies agents the Secret read %j; people need approval', (argv) => {
    expect(outcome(argv)).toBe('deny no-system-secret-reads');
    expect(outcome(argv, person)).toBe('approve system-secrets-by-people');
  });

  it('decides on the namespace the kubeconfig context selects when argv names none', () => {
    const argv = ['scale', 'deploy/coredns', '--replicas=0'];
    const intent = withLocalTarget(argv, parseIntent(argv), { namespace: 'kube-system' });
    expect(evaluate(defaultPolicy(), intent, agent).rule).toBe('no-system-namespace-changes');
    const emptyFlag = ['scale', 'deploy/coredns', '--replicas=0', '-n', ''];
    expect(evaluate(defaultPolicy(), withLocalTarget(emptyFlag, parseIntent(emptyFlag), { namespace: 'kube-system' }), agent).rule).toBe('no-system-namespace-changes');
  });

  it('keeps reads of other objects and dry runs there allowed', () => {
    expect(outcome(['get', 'pods', '-n', 'kube-system'])).toBe('allow reads');
    expect(outcome(['logs', 'coredns-1', '-n', 'kube-system'])).toBe('allow reads');
    expect(outcome(['scale', 'deploy/coredns', '--replicas=0', '-n', 'kube-system', '--dry-run=server'])).toBe('allow dry-runs');
  });

  it('counts the system class in the risk score', () => {
    expect(decide(['get', 'secrets', '-n', 'kube-system']).risk.factors.find((f) => f.factor === 'namespace')).toMatchObject({ points: 25, reason: 'namespace kube-system is system' });
  });
});

describe('pods that escape their container, default policy', () => {
  it.each([
    [['run', 'x', '--image=busybox', '-n', 'dev', '--privileged']],
    [['run', 'x', '--image=busybox', '-n', 'dev', '--overrides', '{"spec":{"hostNetwork":true}}']],
    [['run', 'x', '--image=busybox', '--overrides={"spec":{"volumes":[{"name":"r","hostPath":{"path":"/"}}]}}']],
    [['run', 'x', '--image=busybox', '--override-type=json', '--overrides=[{"op":"add","path":"/spec/hostPID","value":true}]']],
    [['run', 'x', '--image=busybox', '--overrides={"spec":']],
    [['patch', 'deploy', 'web', '-n', 'dev', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","securityContext":{"privileged":true}}]}}}}']],
    [['debug', 'node/n1', '-it', '--image=busybox']],
    [['debug', 'web-1', '-n', 'dev', '-it', '--image=busybox', '--profile=sysadmin']],
  ])('denies agents %j and sends it to approval for people', (argv) => {
    const decision = decide(argv);
    expect(`${decision.decision} ${decision.rule}`).toBe('deny no-pod-escapes');
    expect(decision.message).toMatch(/escapes its container \((hostNetwork|hostPID|hostPath|privileged|unreadable-spec)/);
    expect(decide(argv, person)).toMatchObject({ decision: 'approve', rule: 'pod-escapes-by-people', requireReason: true });
    expect(decision.risk.factors.find((f) => f.factor === 'pod-escape')?.points).toBe(40);
  });

  it('lets a dry run of such a pod through, and pods that stay inside their container', () => {
    expect(outcome(['run', 'x', '--image=busybox', '-n', 'dev', '--privileged', '--dry-run=client'])).toBe('allow dry-runs');
    expect(outcome(['run', 'x', '--image=busybox', '-n', 'dev', '--overrides={"spec":{"nodeSelector":{"a":"b"}}}'])).toBe('allow writes');
  });
});

describe('policy fields for overrides, plugins and pod escapes', () => {
  const policyWith = (match: string, action = 'allow') => `version: 1
approvers: { groups: [approvers] }
rules:
  - id: r
    match: ${match}
    action: ${action}
`;

  it('matches an allow rule only when every override given is listed, a restricting rule when any is', () => {
    const allow = loadPolicy(policyWith('{ overrides: [context, cluster] }'), 'p.yaml');
    const deny = loadPolicy(policyWith('{ overrides: [server, token] }', 'deny'), 'p.yaml');
    expect(evaluate(allow, parseIntent(['get', 'pods', '--context=a', '--cluster=b']), agent).rule).toBe('r');
    expect(evaluate(allow, parseIntent(['get', 'pods', '--context=a', '--server=x']), agent).rule).toBe('default');
    expect(evaluate(allow, parseIntent(['get', 'pods']), agent).rule).toBe('default');
    expect(evaluate(deny, parseIntent(['get', 'pods', '--context=a', '--server=x']), agent).rule).toBe('r');
    expect(evaluate(deny, parseIntent(['get', 'pods']), agent).rule).toBe('default');
  });

  it('refuses unknown override and escape names at load time, naming the line', () => {
    expect(() => loadPolicy(policyWith('{ overrides: [servr] }'), 'p.yaml')).toThrow(PolicyError);
    expect(() => loadPolicy(policyWith('{ overrides: [servr] }'), 'p.yaml')).toThrow(/unknown connection override "servr"/);
    expect(() => loadPolicy(policyWith('{ podEscapes: [hostnetwork] }'), 'p.yaml')).toThrow(/unknown pod escape "hostnetwork"/);
    expect(() => loadPolicy(policyWith('{ podEscapes: ["host*"], plugins: ["*"] }'), 'p.yaml')).not.toThrow();
  });
});
