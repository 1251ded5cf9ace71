// The shipped bank policy, driven through the real argv parser: each row is a kubectl command line
// as an agent would type it, and the decision and rule the policy must give.
import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { defaultPolicy } from '../../src/policy/default-policy.ts';
import { evaluate } from '../../src/policy/evaluate.ts';
import type { Action, Identity } from '../../src/policy/types.ts';

const agent: Identity = { subject: 'agent-7', groups: ['agents'] };
const approver: Identity = { subject: 'alice@bank.example', groups: ['staff', 'approvers'] };

type Row = [command: string | string[], decision: Action, rule: string];

function decide(command: string | string[], identity: Identity) {
  const argv = Array.isArray(command) ? command : command.split(' ');
  return evaluate(defaultPolicy(), parseIntent(argv), identity);
}

const asAgent: Row[] = [
  // reads
  ['get pods', 'allow', 'reads'],
  ['get pods -n payments-prod', 'allow', 'reads'],
  ['get pods -A', 'allow', 'reads'],
  ['get deploy,svc -n payments-prod -o wide', 'allow', 'reads'],
  ['get pods -l app=web -n dev', 'allow', 'reads'],
  ['describe pod web-1 -n payments-prod', 'allow', 'reads'],
  ['describe nodes', 'allow', 'reads'],
  ['logs web-1 -n payments-prod --tail=100', 'allow', 'reads'],
  ['logs -f deploy/web -n dev', 'allow', 'reads'],
  ['logs web-1 -c sidecar -n production --previous', 'allow', 'reads'],
  ['get events -n payments-prod --sort-by=.lastTimestamp', 'allow', 'reads'],
  ['events -n dev', 'allow', 'reads'],
  ['top pod -n payments-prod', 'allow', 'reads'],
  ['top node', 'allow', 'reads'],
  ['explain deployment.spec.strategy', 'allow', 'reads'],
  ['api-resources', 'allow', 'reads'],
  ['api-versions', 'allow', 'reads'],
  ['cluster-info', 'allow', 'reads'],
  ['auth can-i delete pods -n payments-prod', 'allow', 'reads'],
  ['auth whoami', 'allow', 'reads'],
  ['rollout status deploy/web -n payments-prod', 'allow', 'reads'],
  ['rollout history deploy/web -n payments-prod', 'allow', 'reads'],
  ['get clusterrolebindings', 'allow', 'reads'],
  ['get roles -n payments-prod -o yaml', 'allow', 'reads'],
  ['version', 'allow', 'reads'],
  ['get configmaps -n kube-system', 'allow', 'reads'],
  ['wait --for=condition=Ready pod/web-1 -n dev', 'allow', 'reads'],
  ['diff -f deploy.yaml', 'allow', 'reads'],
  // secrets: readable, masked
  ['get secrets -n dev', 'allow', 'secrets-read-masked'],
  ['get secret db -n dev -o jsonpath={.data.password}', 'allow', 'secrets-read-masked'],
  // ...but never through a Go template, which can print any function of a value (issue 17 class 3)
  ['get secret db -n dev -o go-template={{.metadata.name}}', 'deny', 'no-templates-over-secrets'],
  ['get secret db -n dev -o go-template={{.data.password|base64decode}}', 'deny', 'no-templates-over-secrets'],
  [['get', 'secret', 'db', '-n', 'dev', '-o', 'go-template={{range $k, $v := .data}}{{$v | base64decode}}{{end}}'], 'deny', 'no-templates-over-secrets'],
  ['get secret db -n dev -o go-template --template={{.data.password|base64decode}}', 'deny', 'no-templates-over-secrets'],
  ['get secret db -n dev -o go-template-file=decode.tmpl', 'deny', 'no-templates-over-secrets'],
  ['get pods -n dev -o go-template={{.metadata.name|base64decode}}', 'allow', 'reads'],
  ['get secret db-creds -n payments-prod -o yaml', 'allow', 'secrets-read-masked'],
  ['describe secret db-creds -n dev', 'allow', 'secrets-read-masked'],
  ['get secret/db-creds -o jsonpath={.data.password} -n dev', 'allow', 'secrets-read-masked'],
  ['get secrets -A', 'deny', 'no-system-secret-reads'],
  // local commands
  ['version --client', 'allow', 'local-commands'],
  ['config view', 'allow', 'local-commands'],
  ['config view --raw', 'allow', 'local-commands'],
  ['config get-contexts', 'allow', 'local-commands'],
  ['config use-context staging', 'allow', 'local-commands'],
  ['completion bash', 'allow', 'local-commands'],
  ['kustomize overlays/prod', 'allow', 'local-commands'],
  ['plugin list', 'allow', 'local-commands'],
  ['delete pod web-1 --help', 'allow', 'local-commands'],
  // guardrails
  ['delete namespace payments', 'deny', 'no-namespace-delete'],
  ['delete ns payments-prod', 'deny', 'no-namespace-delete'],
  ['delete ns dev --dry-run=server', 'deny', 'no-namespace-delete'],
  ['delete namespaces/sandbox', 'deny', 'no-namespace-delete'],
  ['create clusterrolebinding agent-admin --clusterrole=cluster-admin --user=agent-7', 'deny', 'no-rbac-changes'],
  ['create rolebinding edit --clusterrole=edit --user=bob -n dev', 'deny', 'no-rbac-changes'],
  ['create role pod-reader --verb=get --resource=pods -n dev', 'deny', 'no-rbac-changes'],
  ['delete clusterrole view-all', 'deny', 'no-rbac-changes'],
  ['edit rolebinding admins -n payments-prod', 'deny', 'no-rbac-changes'],
  ['patch clusterrolebinding x -p {}', 'deny', 'no-rbac-changes'],
  ['label crb x owner=me', 'deny', 'no-rbac-changes'],
  ['set subject rolebinding admins --user=agent-7 -n dev', 'deny', 'no-rbac-changes'],
  ['auth reconcile -f rbac.yaml', 'deny', 'no-rbac-reconcile'],
  ['delete pods --all -n dev', 'deny', 'no-mass-delete'],
  ['delete pods -l app=web -n dev', 'deny', 'no-mass-delete'],
  ['delete deploy --selector=tier=frontend -n staging', 'deny', 'no-mass-delete'],
  ['delete pods --field-selector=status.phase=Failed -n dev', 'deny', 'no-mass-delete'],
  ['delete pvc --all -A', 'deny', 'no-mass-delete'],
  ['drain node-1 --ignore-daemonsets', 'deny', 'no-node-drain'],
  ['drain node-1 --ignore-daemonsets --delete-emptydir-data --force', 'deny', 'no-node-drain'],
  ['delete pod web-1 --force --grace-period=0 -n dev', 'deny', 'no-force-zero-grace'],
  ['delete pod web-1 --grace-period 0 --force -n payments-prod', 'deny', 'no-force-zero-grace'],
  ['replace --force --grace-period=0 -f pod.yaml', 'deny', 'no-force-zero-grace'],
  ['proxy', 'deny', 'no-api-proxy'],
  ['proxy --port=8001', 'deny', 'no-api-proxy'],
  ['get pods -n dev --as=system:serviceaccount:kube-system:admin', 'deny', 'no-impersonation'],
  ['delete pod web-1 -n dev --as-group system:masters --as x', 'deny', 'no-impersonation'],
  // interactive access
  ['exec -it web-1 -n payments-prod -- sh', 'approve', 'access-in-production'],
  ['exec web-1 -n prod -- cat /etc/hosts', 'approve', 'access-in-production'],
  ['attach web-1 -n production', 'approve', 'access-in-production'],
  ['port-forward svc/db 5432:5432 -n payments-prod', 'approve', 'access-in-production'],
  ['cp payments-prod/web-1:/tmp/dump.sql ./dump.sql', 'approve', 'access-in-production'],
  ['debug web-1 -it --image=busybox -n ledger-prod', 'approve', 'access-in-production'],
  ['debug node/node-1 -it --image=busybox', 'deny', 'no-pod-escapes'],
  ['exec -it web-1 -n dev -- sh', 'allow', 'access'],
  ['port-forward pod/web-1 8080:80 -n staging', 'allow', 'access'],
  ['cp dev/web-1:/tmp/a.log ./a.log', 'allow', 'access'],
  ['exec -it coredns-1 -n kube-system -- sh', 'deny', 'no-system-namespace-changes'],
  // writes
  ['scale deploy web --replicas=3 -n payments-prod', 'approve', 'writes-in-production'],
  ['rollout restart deploy/web -n payments-prod', 'approve', 'writes-in-production'],
  ['rollout undo deploy/web -n production', 'approve', 'writes-in-production'],
  ['set image deploy/web web=registry.bank/web:1.2.4 -n payments-prod', 'approve', 'writes-in-production'],
  ['delete pod web-1 -n payments-prod', 'approve', 'writes-in-production'],
  ['label pods web-1 tier=gold -n prod', 'approve', 'writes-in-production'],
  ['create configmap flags --from-literal=a=b -n payments-prod', 'approve', 'writes-in-production'],
  ['label ns ledger-prod owner=payments', 'approve', 'writes-in-production'],
  ['annotate pods --all -A note=x', 'deny', 'no-system-namespace-changes'],
  ['apply -f deploy.yaml -n payments-prod', 'approve', 'writes-in-production'],
  ['apply -f deploy.yaml', 'approve', 'writes-from-files'],
  ['apply -k overlays/dev -n dev', 'approve', 'writes-from-files'],
  ['create -f job.yaml -n dev', 'approve', 'writes-from-files'],
  ['cordon node-1', 'approve', 'cluster-scoped-writes'],
  ['taint nodes node-1 dedicated=db:NoSchedule', 'approve', 'cluster-scoped-writes'],
  ['create namespace team-x', 'approve', 'cluster-scoped-writes'],
  ['delete pv pv-0001', 'approve', 'cluster-scoped-writes'],
  ['certificate approve csr-abc', 'approve', 'cluster-scoped-writes'],
  ['delete crd widgets.example.com', 'deny', 'no-crd-delete'],
  ['create token build-bot -n dev', 'approve', 'service-account-tokens'],
  ['scale deploy web --replicas=3 -n dev', 'allow', 'writes'],
  ['rollout restart deploy/web -n staging', 'allow', 'writes'],
  ['delete pod web-1 -n dev', 'allow', 'writes'],
  ['create deployment web --image=nginx -n dev', 'allow', 'writes'],
  ['create secret generic api-key --from-literal=key=abc -n dev', 'allow', 'writes'],
  ['patch deploy web -p {"spec":{"replicas":2}} -n dev', 'allow', 'writes'],
  ['run tmp --image=busybox --restart=Never -n dev -- sleep 10', 'allow', 'writes'],
  ['delete pod web-1 -n dev --force', 'deny', 'no-force-zero-grace'],
  ['delete pod web-1 -n kube-system', 'deny', 'no-system-namespace-changes'],
  ['delete secret db-creds -n payments-prod --force', 'deny', 'no-force-zero-grace'],
  ['delete secret db-creds -n payments-prod --force --grace-period=30', 'deny', 'writes-in-production'],
  // dry runs change nothing
  ['delete pod web-1 -n payments-prod --dry-run=server', 'allow', 'dry-runs'],
  ['apply -f deploy.yaml --dry-run=server', 'allow', 'dry-runs'],
  ['scale deploy web --replicas=0 -n prod --dry-run=client', 'allow', 'dry-runs'],
  // nothing covers it: a human decides
  ['alpha kuberc view', 'approve', 'default'],
  ['some-plugin do-things', 'approve', 'plugins'],
];

const asApprover: Row[] = [
  ['get secrets -A', 'approve', 'system-secrets-by-people'],
  ['get secrets -n dev', 'allow', 'secrets-read-masked'],
  ['delete pod web-1 -n kube-system', 'approve', 'system-namespaces-by-people'],
  ['exec -it coredns-1 -n kube-system -- sh', 'approve', 'system-namespaces-by-people'],
  ['debug node/node-1 -it --image=busybox', 'approve', 'pod-escapes-by-people'],
  ['exec -it web-1 -n payments-prod -- sh', 'approve', 'access-in-production'],
  ['delete ns dev', 'deny', 'no-namespace-delete'],
  ['drain node-1', 'deny', 'no-node-drain'],
  ['delete secret db-creds -n payments-prod --force', 'deny', 'no-force-zero-grace'],
];

describe('default policy, evaluated as an agent', () => {
  it('has at least 80 rows', () => {
    expect(asAgent.length + asApprover.length).toBeGreaterThanOrEqual(80);
  });

  it.each(asAgent)('kubectl %s → %s by %s', (command, decision, rule) => {
    const result = decide(command, agent);
    expect({ decision: result.decision, rule: result.rule }).toEqual({ decision, rule });
    expect(result.actor).toBe('agent');
  });
});

describe('default policy, evaluated as a member of approvers', () => {
  it.each(asApprover)('kubectl %s → %s by %s', (command, decision, rule) => {
    const result = decide(command, approver);
    expect({ decision: result.decision, rule: result.rule }).toEqual({ decision, rule });
    expect(result.actor).toBe('human');
  });
});

describe('default policy details', () => {
  it('masks Secrets strictly, and everything else at least with the standard profile', () => {
    expect(decide('get secret db -n dev -o yaml', agent).mask).toBe('strict');
    expect(decide('config view --raw', agent).mask).toBe('strict');
    expect(decide('logs web-1 -n dev', agent).mask).toBe('standard');
  });

  it('asks for a reason and sends production access to the approvers group, waiting 10 minutes', () => {
    expect(decide('exec -it web-1 -n payments-prod -- sh', agent)).toMatchObject({
      requireReason: true, approverGroups: ['approvers'], waitSec: 600, approvalTtlSec: 1800,
      message: 'opening a shell, tunnel or copy into a production workload needs approval: a member of approvers must approve it',
    });
  });

  it('tells the agent what to do instead when a guardrail blocks it', () => {
    expect(decide('delete pods -l app=web -n dev', agent).message)
      .toBe('deleting with --all or a selector is blocked; list the objects with kubectl get and the same selector, then delete them by name');
  });

  it('records every decision', () => {
    for (const [command] of asAgent) expect(decide(command, agent).record).toBe(true);
  });
});
