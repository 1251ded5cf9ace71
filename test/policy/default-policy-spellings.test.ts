// The shipped policy decides what kubectl will do, however the command is spelt (issue 17 classes
// 1, 2, 3 and 5): every spelling of a resource kubectl accepts, --raw paths as the API requests
// they are, output printers by what they print, and flag values as kubectl reads them. Each row
// is an agent's command line and the decision the policy must give.
import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { defaultPolicy } from '../../src/policy/default-policy.ts';
import { evaluate } from '../../src/policy/evaluate.ts';
import { loadPolicy } from '../../src/policy/load.ts';
import type { Action, Identity } from '../../src/policy/types.ts';

const agent: Identity = { subject: 'agent-7', groups: ['agents'] };
const decide = (argv: string[]) => evaluate(defaultPolicy(), parseIntent(argv), agent);

type Row = [command: string, decision: Action, rule: string];

function check(rows: Row[]): void {
  it.each(rows)('kubectl %s → %s by %s', (command, decision, rule) => {
    const result = decide(command.split(' '));
    expect({ decision: result.decision, rule: result.rule }).toEqual({ decision, rule });
  });
}

const NAMESPACE_SPELLINGS = ['ns', 'namespace', 'namespaces', 'Namespace', 'NAMESPACES', 'namespaces.', 'namespace.', 'ns.', 'namespaces.v1.',
  'Namespace.v1.', 'ns.v1.'];
const CRB_SPELLINGS = ['clusterrolebinding', 'clusterrolebindings', 'ClusterRoleBinding', 'clusterrolebindings.rbac.authorization.k8s.io',
  'clusterrolebinding.rbac.authorization.k8s.io', 'clusterrolebindings.v1.rbac.authorization.k8s.io', 'clusterrolebindings.v1.',
  'clusterrolebindings.rbac', 'ClusterRoleBinding.rbac.authorization.k8s.io'];
const SECRET_SPELLINGS = ['secret', 'secrets', 'Secret', 'SECRETS', 'secrets.', 'secrets.v1.', 'Secret.v1.'];

describe('class 1: a resource is the same resource however it is spelt', () => {
  check([
    ...NAMESPACE_SPELLINGS.map((ns): Row => [`delete ${ns} prod`, 'deny', 'no-namespace-delete']),
    ...NAMESPACE_SPELLINGS.map((ns): Row => [`delete ${ns}/prod`, 'deny', 'no-namespace-delete']),
    ...NAMESPACE_SPELLINGS.map((ns): Row => [`delete ${ns} dev -n dev`, 'deny', 'no-namespace-delete']),
    ...CRB_SPELLINGS.map((crb): Row => [`delete ${crb} admin`, 'deny', 'no-rbac-changes']),
    ...CRB_SPELLINGS.map((crb): Row => [`label ${crb}/admin owner=me`, 'deny', 'no-rbac-changes']),
    ['delete rolebindings.rbac x -n dev', 'deny', 'no-rbac-changes'],
    ['delete RoleBinding.v1.rbac.authorization.k8s.io x -n dev', 'deny', 'no-rbac-changes'],
    ['patch role.rbac.authorization.k8s.io/r -n dev -p {}', 'deny', 'no-rbac-changes'],
    ['delete pods,namespaces.v1. prod -n dev', 'deny', 'no-namespace-delete'],
    ['delete pod/web-1 ns.v1./prod -n dev', 'deny', 'no-namespace-delete'],
    ['delete deploy,clusterrolebindings.v1. x -n dev', 'deny', 'no-rbac-changes'],
    ['delete deployments.v1.apps/web -n dev', 'allow', 'writes'],
    ['delete deploy.ap web -n dev', 'allow', 'writes'],
    ['scale Deployment.apps web --replicas=2 -n payments-prod', 'approve', 'writes-in-production'],
    ['delete all --all -n dev', 'deny', 'no-mass-delete'],
    ['get all -n dev', 'allow', 'reads'],
    ['delete storageclass.storage fast', 'approve', 'cluster-scoped-writes'],
    // Deleting a CRD deletes every object of its kind: a guardrail however it is spelt.
    ['delete crd.apiextensions widgets.example.com', 'deny', 'no-crd-delete'],
  ]);
});

describe('class 1: a name that does not resolve is decided as the most sensitive thing it could be', () => {
  check([
    ['delete crb admin', 'deny', 'no-namespace-delete'],
    ['delete NS prod', 'deny', 'no-namespace-delete'],
    ['delete widgets w1 -n dev', 'deny', 'no-namespace-delete'],
    ['delete namespaces.v2. prod', 'deny', 'no-namespace-delete'],
    ['label crb x owner=me', 'deny', 'no-rbac-changes'],
    ['annotate widgets w1 a=b -n dev', 'deny', 'no-rbac-changes'],
    ['scale widgets/w1 --replicas=1 -n dev', 'deny', 'no-rbac-changes'],
    ['get widgets -n dev', 'approve', 'reads'],
    ['get pods,widgets -n dev', 'approve', 'reads'],
    ['describe podz web -n dev', 'approve', 'reads'],
    ['get Secrets.APPS -n dev', 'approve', 'reads'],
    ['get widgets -n dev -o go-template={{.metadata.name}}', 'deny', 'no-templates-over-secrets'],
    ['delete widgets.v1. w1 -n dev', 'deny', 'no-namespace-delete'],
    ['delete podz. w1 -n dev', 'deny', 'no-namespace-delete'],
    // a name that spells an API group can only be a resource of a group starting with it
    ['delete widgets.example.com w1 -n dev', 'approve', 'writes'],
    ['delete widgets.v1.example.com w1 -n dev', 'approve', 'writes'],
    ['label certificates.cert-manager.io/web a=b -n dev', 'approve', 'writes'],
    ['delete widgets.example.com w1 -n payments-prod', 'deny', 'writes-in-production'],
    ['get certificates.cert-manager.io -n dev -o go-template={{.items}}', 'approve', 'reads'],
    ['delete widgets.rbac.authorization.k8s.io x', 'deny', 'no-rbac-changes'],
    ['delete widgets.rbac x', 'deny', 'no-rbac-changes'],
    ['patch roles.rbac.authorization.k8s.io.evil/x -p {} -n dev', 'approve', 'writes'],
  ]);

  it('says which name was not recognised, and masks strictly in case it is a Secret', () => {
    const denied = decide(['delete', 'namespaces.v2.', 'prod']);
    expect(denied.message).toMatch(/^"namespaces\.v2\." was not recognised as a resource of this cluster's API.*deleting a namespace is blocked/);
    const read = decide(['get', 'widgets', '-n', 'dev']);
    expect(read.message).toBe('"widgets" was not recognised as a resource of this cluster\'s API, so the command was decided as if it named the most sensitive resource it could (a namespace, an RBAC object, a Secret, unless the name confines it to an API group): a member of approvers must approve it');
    expect(read.mask).toBe('strict');
  });
});

describe('class 2: --raw paths are decided as the API requests they are', () => {
  check([
    ['delete --raw /api/v1/namespaces/prod', 'deny', 'no-namespace-delete'],
    ['delete --raw /api/v1/namespaces/payments-prod', 'deny', 'no-namespace-delete'],
    ['delete --raw=/api/v1/namespaces/%70rod', 'deny', 'no-namespace-delete'],
    ['delete --raw /api/v1/namespaces/dev/ -n dev', 'deny', 'no-namespace-delete'],
    ['delete --raw /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/admin', 'deny', 'no-rbac-changes'],
    ['delete --raw /apis/rbac.authorization.k8s.io/v1/namespaces/dev/rolebindings/x', 'deny', 'no-rbac-changes'],
    ['create --raw /apis/rbac.authorization.k8s.io/v1/clusterrolebindings -f crb.json', 'deny', 'no-rbac-changes'],
    ['replace --raw /apis/rbac.authorization.k8s.io/v1/clusterroles/view -f cr.json', 'deny', 'no-rbac-changes'],
    ['delete --raw /api/v1/namespaces/dev/pods', 'deny', 'no-mass-delete'],
    ['delete --raw /api/v1/namespaces/dev/pods/web-1', 'allow', 'writes'],
    ['delete --raw /api/v1/namespaces/payments-prod/pods/web-1 -n dev', 'approve', 'writes-in-production'],
    ['delete --raw /api/v1/namespaces/payments-prod/pods/web-1 --dry-run=server', 'approve', 'writes-in-production'],
    ['create --raw /api/v1/namespaces/dev/configmaps -f cm.json', 'approve', 'writes-from-files'],
    ['get --raw /api/v1/namespaces/dev/secrets/db', 'allow', 'secrets-read-masked'],
    ['get --raw /api/v1/namespaces/dev/secrets', 'allow', 'secrets-read-masked'],
    // Every namespace's Secrets, the system namespaces' among them: not for agents.
    ['get --raw /api/v1/secrets', 'deny', 'no-system-secret-reads'],
    ['get --raw /api/v1/watch/namespaces/dev/secrets', 'allow', 'secrets-read-masked'],
    ['get --raw /api/v1/namespaces/dev/pods', 'allow', 'reads'],
    ['get --raw /apis/apps/v1/namespaces/dev/deployments/web', 'allow', 'reads'],
    ['get --raw /api/v1/namespaces/dev/pods/web:8080/proxy/admin', 'approve', 'raw-api-access'],
    ['get --raw /api/v1/nodes/n1/proxy/configz', 'approve', 'raw-api-access'],
    ['create --raw /api/v1/namespaces/dev/serviceaccounts/bot/token -f req.json', 'approve', 'raw-api-access'],
    ['create --raw /api/v1/namespaces/dev/pods/web/exec?command=sh -f x', 'approve', 'raw-api-access'],
    ['get --raw /api/v1/proxy/namespaces/dev/services/web/', 'approve', 'raw-api-access'],
    ['get --raw /healthz', 'allow', 'reads'],
    ['get --raw /version', 'allow', 'reads'],
    ['get --raw /apis/apps/v1', 'allow', 'reads'],
    ['get --raw /openapi/v2', 'allow', 'reads'],
  ]);
});

describe('class 2: a --raw path that cannot be read is denied for writes; a read needs approval, or is denied where it could be what agents may never read', () => {
  check([
    ['delete --raw /api/v1/namespaces/dev/../prod', 'deny', 'no-namespace-delete'],
    ['delete --raw /api/v1//namespaces/prod', 'deny', 'no-namespace-delete'],
    ['delete --raw /api/v1/namespaces%2fprod', 'deny', 'no-namespace-delete'],
    ['delete --raw api/v1/namespaces/prod', 'deny', 'no-namespace-delete'],
    ['create --raw /api/v1/namespaces/dev/./configmaps -f cm.json', 'deny', 'no-rbac-changes'],
    ['create --raw /logs/x -f x', 'deny', 'no-rbac-changes'],
    ['replace --raw /api/v1/namespaces/dev/podz/w -f w.json', 'deny', 'no-rbac-changes'],
    ['replace --raw /apis/example.com/v1/namespaces/dev/widgets/w -f w.json', 'approve', 'writes-from-files'],
    ['delete --raw /apis/example.com/v1/namespaces/dev/widgets/w', 'approve', 'writes'],
    // An unreadable path could be the system namespaces' Secrets, which agents may never read.
    ['get --raw /api/v1/namespaces/dev/../prod/secrets', 'deny', 'no-system-secret-reads'],
    ['get --raw /logs/kube-apiserver.log', 'deny', 'no-system-secret-reads'],
    ['get --raw /debug/pprof/heap', 'deny', 'no-system-secret-reads'],
    ['get --raw /apis/example.com/v1/widgets', 'approve', 'reads'],
  ]);

  it('names the raw path and why it could not be read', () => {
    expect(decide(['delete', '--raw', '/api/v1/namespaces/dev/../prod']).message)
      .toMatch(/^"--raw \/api\/v1\/namespaces\/dev\/\.\.\/prod \(the path has empty, "\." or "\.\." segments/);
  });
});

describe('class 3: no template, and no jsonpath or column that picks out Secret data, runs over what may be a Secret', () => {
  const templates = [
    '-o go-template={{.data.password}}', '-o=go-template={{.data.password}}', '-ogo-template={{.data.password}}',
    '--output=go-template={{.data.password}}', '--output go-template={{.data.password}}', '-o template={{.data.password}}',
    '-o go-template --template={{.data.password}}', '-o template --template {{.data}}', '--template={{.data.password}}',
    '--template {{index .data "password"}}', '-o go-template-file=t.tmpl', '-o templatefile=t.tmpl',
    '-o go-template-file --template=t.tmpl', '-o templatefile --template t.tmpl', '-o yaml -o go-template={{.data}}',
    '-o Go-Template={{.data}}', '-o go-template={{printf "%x" .data.password}}', '-o go-template={{.data.password|base64decode|printf "%q"}}',
  ];
  check([
    ...templates.map((t): Row => [`get secret db -n dev ${t}`, 'deny', 'no-templates-over-secrets']),
    ...SECRET_SPELLINGS.map((s): Row => [`get ${s} -n dev -o go-template={{.data}}`, 'deny', 'no-templates-over-secrets']),
    ...SECRET_SPELLINGS.map((s): Row => [`get ${s}/db -n dev --template={{.data}}`, 'deny', 'no-templates-over-secrets']),
    ['get pods,secrets -n dev -o go-template={{.items}}', 'deny', 'no-templates-over-secrets'],
    ['get pod/web secret/db -n dev -o go-template={{.items}}', 'deny', 'no-templates-over-secrets'],
    ['get secrets -A -o go-template={{.items}}', 'deny', 'no-templates-over-secrets'],
    ['get -f secret.yaml -o go-template={{.data}}', 'deny', 'no-templates-over-manifests'],
    ['get -k overlays/dev -o templatefile=t.tmpl', 'deny', 'no-templates-over-manifests'],
    ['apply -f secret.yaml -o go-template={{.data}}', 'deny', 'no-templates-over-manifests'],
    ['patch secret db -n dev -p {} -o go-template={{.data}}', 'deny', 'no-templates-over-secrets'],
    ['label secret db -n dev a=b -o go-template={{.data}}', 'deny', 'no-templates-over-secrets'],
    ['wait --for=delete secret/db -n dev -o go-template={{.data}}', 'deny', 'no-templates-over-secrets'],
    ['create secret generic x --from-literal=a=b -n dev -o go-template={{.data}}', 'deny', 'no-templates-over-secrets'],
    // templates over what cannot be a Secret stay allowed; other printers over Secrets stay masked
    ['get pods -n dev -o go-template={{.metadata.name}}', 'allow', 'reads'],
    ['get all -n dev -o go-template={{.items}}', 'allow', 'reads'],
    ['get deploy web -n dev --template={{.spec.replicas}}', 'allow', 'reads'],
    ['get secret db -n dev -o jsonpath={.data.password}', 'allow', 'secrets-read-masked'],
    ['get secret db -n dev -o jsonpath={.data}', 'allow', 'secrets-read-masked'],
    ['get secret db -n dev -o jsonpath --template={.data.password}', 'allow', 'secrets-read-masked'],
    ['get secrets -n dev -o jsonpath={.items[*].metadata.name}', 'allow', 'secrets-read-masked'],
    ['get secrets -n dev -o custom-columns=NAME:.metadata.name,TYPE:.type', 'allow', 'secrets-read-masked'],
    // jsonpath and columns in the shapes the masker misses (tested in secret-output-masking.test.ts)
    ['get secret db -n dev -o jsonpath-as-json={.data}', 'deny', 'no-templates-over-secrets'],
    ['get secret db -n dev -o jsonpath={.data.*}', 'deny', 'no-templates-over-secrets'],
    ['get secret db -n dev -o jsonpath={.data.a}{.data.b}', 'deny', 'no-templates-over-secrets'],
    ['get secret db -n dev -o jsonpath={..password}', 'deny', 'no-templates-over-secrets'],
    ["get secret db -n dev -o jsonpath={['data']['password']}", 'deny', 'no-templates-over-secrets'],
    ['get secret db -n dev -o jsonpath={.metadata.annotations}', 'deny', 'no-templates-over-secrets'],
    ['get secrets -n dev -o jsonpath={.items[*].data.password}', 'deny', 'no-templates-over-secrets'],
    ['get secrets -n dev -o jsonpath={.items[?(@.type=="Opaque")].metadata.name}', 'deny', 'no-templates-over-secrets'],
    ['get secret db -n dev -o jsonpath-file=p.txt', 'deny', 'no-templates-over-secrets'],
    ['get secret db -n dev -o custom-columns=P:.data.password', 'deny', 'no-templates-over-secrets'],
    ['get secret db -n dev -o custom-columns-file=cols.txt', 'deny', 'no-templates-over-secrets'],
    ['get -f secret.yaml -o jsonpath={.data.*}', 'deny', 'no-templates-over-manifests'],
    ['get pods -n dev -o jsonpath={.items[*].spec.containers[*].env}', 'allow', 'reads'],
    ['get secret db -n dev -o yaml', 'allow', 'secrets-read-masked'],
    ['get secret db -n dev -o json', 'allow', 'secrets-read-masked'],
    ['get secret db -n dev -o name', 'allow', 'secrets-read-masked'],
    ['get secret db -n dev -o wide', 'allow', 'secrets-read-masked'],
    ['get secret db -n dev', 'allow', 'secrets-read-masked'],
    // set env --resolve prints the decoded values of the Secrets a workload's variables refer to
    ['set env deploy/web -n dev --list --resolve', 'deny', 'no-resolved-secret-env'],
    ['set env deploy/web -n dev --list --resolve=T', 'deny', 'no-resolved-secret-env'],
    ['set env deploy/web -n dev --list --resolve=false', 'allow', 'writes'],
    ['set env deploy/web -n dev --list', 'allow', 'writes'],
  ]);

  it('says which outputs are allowed instead', () => {
    expect(decide('get secret db -n dev -o template={{.data}}'.split(' ')).message)
      .toBe("go-template output (-o go-template, template, go-template-file, templatefile, --template), and jsonpath or custom-columns that pick out Secret data, are blocked for commands that can return Secrets: they print values in forms the masking cannot recognise. Use -o yaml, -o json, -o name or the default table (Secret values masked), -o jsonpath='{.data}' or '{.data.KEY}', or jsonpath and custom-columns over metadata such as '{.items[*].metadata.name}'");
  });
});

describe('class 5: flag values are compared as kubectl reads them', () => {
  check([
    ['delete pod web-1 -n dev --force', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force=1', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force=t', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force=T', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force=TRUE', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force --grace-period=00', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force --grace-period=-0', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force --grace-period=+0', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force --grace-period=0x0', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force --grace-period 0', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force --grace-period -1', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --grace-period=30 --force --grace-period=0', 'deny', 'no-force-zero-grace'],
    ['replace -f pod.yaml --force --grace-period=00', 'deny', 'no-force-zero-grace'],
    ['delete pod web-1 -n dev --force=false', 'allow', 'writes'],
    ['delete pod web-1 -n dev --force=0', 'allow', 'writes'],
    ['delete pod web-1 -n dev --force --grace-period=30', 'allow', 'writes'],
    ['delete pod web-1 -n dev --force --now', 'approve', 'writes'],
    ['delete pod web-1 -n dev --grace-period=0', 'allow', 'writes'],
    ['delete pod web-1 -n dev --now', 'allow', 'writes'],
    // --dry-run=0 and friends are not dry runs in kubectl 1.32: the write happens
    ['scale deploy web --replicas=0 -n payments-prod --dry-run=0', 'approve', 'writes-in-production'],
    ['scale deploy web --replicas=0 -n payments-prod --dry-run=false', 'approve', 'writes-in-production'],
    ['scale deploy web --replicas=0 -n payments-prod --dry-run=F', 'approve', 'writes-in-production'],
    ['scale deploy web --replicas=0 -n payments-prod --dry-run=Server', 'approve', 'writes-in-production'],
    ['scale deploy web --replicas=0 -n payments-prod --dry-run=1', 'allow', 'dry-runs'],
    ['scale deploy web --replicas=0 -n payments-prod --dry-run=server', 'allow', 'dry-runs'],
    ['delete pods --all=false web-1 -n dev', 'allow', 'writes'],
    ['delete pods --all=0 web-1 -n dev', 'allow', 'writes'],
    ['delete pods --all=t -n dev', 'deny', 'no-mass-delete'],
    ['delete pods --all=1 -n dev', 'deny', 'no-mass-delete'],
  ]);

  it('reads the deprecated bool spellings of --cascade and --validate into the risk score', () => {
    const force = (line: string) => decide(line.split(' ')).risk.factors.find((f) => f.factor === 'force')?.reason;
    expect(force('delete deploy web -n dev --cascade=false')).toBe('--cascade=orphan');
    expect(force('delete deploy web -n dev --cascade=0')).toBe('--cascade=orphan');
    expect(force('apply -f x.yaml -n dev --validate=F')).toBe('--validate=false');
  });

  it('counts --force alone on delete as an immediate deletion in the risk score', () => {
    const forced = decide('delete pod web-1 -n dev --force'.split(' '));
    const plain = decide('delete pod web-1 -n dev --force --grace-period=30'.split(' '));
    const points = (d: typeof forced) => d.risk.factors.find((f) => f.factor === 'force')?.points;
    expect([points(forced), points(plain)]).toEqual([30, 15]);
  });
});

describe('class 5: a policy\'s own flag values compare as kubectl reads them', () => {
  const policy = loadPolicy(`
version: 1
approvers: { groups: [approvers] }
defaults: { action: allow }
risk: { approveAt: 101, denyAt: 101 }
rules:
  - id: zero-grace
    match: { flags: { grace-period: 0 } }
    action: deny
  - id: short-timeout
    match: { flags: { timeout: 60s } }
    action: deny
`, 'test-policy.yaml');
  const ruleFor = (line: string) => evaluate(policy, parseIntent(line.split(' ')), agent).rule;

  it.each([
    ['delete pod x --grace-period=0', 'zero-grace'], ['delete pod x --grace-period=000', 'zero-grace'], ['delete pod x --grace-period=-0', 'zero-grace'],
    ['delete pod x --grace-period=0b0', 'zero-grace'], ['delete pod x --grace-period=1', 'default'],
    ['wait pod/x --for=delete --timeout=1m', 'short-timeout'], ['wait pod/x --for=delete --timeout=60000ms', 'short-timeout'],
    ['wait pod/x --for=delete --timeout=0.5m', 'default'], ['wait pod/x --for=delete --timeout=0.01666666666666666667h', 'short-timeout'], ['wait pod/x --for=delete --timeout=61s', 'default'],
  ])('kubectl %s → %s', (line, rule) => {
    expect(ruleFor(line)).toBe(rule);
  });
});

describe('class 2: for people, a read of a --raw path that cannot be read needs approval', () => {
  const person: Identity = { subject: 'alice', groups: ['approvers'] };
  it.each(['/api/v1/namespaces/dev/../prod/secrets', '/logs/kube-apiserver.log', '/debug/pprof/heap'])('kubectl get --raw %s → approve', (path) => {
    const result = evaluate(defaultPolicy(), parseIntent(['get', '--raw', path]), person);
    expect(result.decision).toBe('approve');
  });
});
