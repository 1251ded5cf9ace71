// RBAC decisions without HTTP: rule matching as rbac.go's RuleAllows, the rule resolver's index
// kept in step with the store, refusals worded as the apiserver words them.
import { describe, expect, it } from 'vitest';
import type { UserInfo } from '../../src/sandbox/auth/user.ts';
import { withAuthenticatedGroup } from '../../src/sandbox/auth/user.ts';
import type { Cluster } from '../../src/sandbox/operations.ts';
import { createObject, deleteObject, updateObject } from '../../src/sandbox/operations.ts';
import { Authorizer, forbidden } from '../../src/sandbox/rbac/authorize.ts';
import { uncovered } from '../../src/sandbox/rbac/escalation.ts';
import { bootstrapPolicy } from '../../src/sandbox/rbac/bootstrap-policy.ts';
import { RuleResolver } from '../../src/sandbox/rbac/resolver.ts';
import type { Attributes } from '../../src/sandbox/rbac/rules.ts';
import { policyRule, ruleAllows } from '../../src/sandbox/rbac/rules.ts';
import { findKind, findResource } from '../../src/sandbox/resources.ts';
import { Store } from '../../src/sandbox/store.ts';

const resource = (verb: string, res: string, extra: Partial<Attributes> = {}): Attributes => {
  const [r, sub] = res.split('/') as [string, string?];
  return { verb, resourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', namespace: 'prod', resource: r, subresource: sub ?? '', name: '', ...extra };
};
const path = (verb: string, p: string): Attributes => ({ verb, resourceRequest: false, path: p, apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '' });
const user = (name: string, groups: string[] = []): UserInfo => withAuthenticatedGroup({ name, uid: '', groups, extra: {} });

describe('a rule', () => {
  it('matches verbs exactly or by *, and api groups exactly or by *', () => {
    const rule = policyRule({ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] });
    expect(ruleAllows(resource('get', 'deployments', { apiGroup: 'apps' }), rule)).toBe(true);
    expect(ruleAllows(resource('list', 'deployments', { apiGroup: 'apps' }), rule)).toBe(false);
    expect(ruleAllows(resource('get', 'deployments', { apiGroup: 'extensions' }), rule)).toBe(false);
    expect(ruleAllows(resource('delete', 'deployments', { apiGroup: 'x' }), policyRule({ verbs: ['*'], apiGroups: ['*'], resources: ['deployments'] }))).toBe(true);
  });

  it('names a subresource as resource/subresource; the resource alone does not cover it', () => {
    const pods = policyRule({ verbs: ['*'], apiGroups: [''], resources: ['pods'] });
    expect(ruleAllows(resource('create', 'pods/exec', { name: 'echo' }), pods)).toBe(false);
    expect(ruleAllows(resource('create', 'pods/exec', { name: 'echo' }), policyRule({ verbs: ['create'], apiGroups: [''], resources: ['pods/exec'] }))).toBe(true);
    expect(ruleAllows(resource('get', 'pods/log', { name: 'echo' }), policyRule({ verbs: ['get'], apiGroups: [''], resources: ['pods/exec'] }))).toBe(false);
  });

  it('matches */scale against any resource\'s scale, and * against everything', () => {
    const anyScale = policyRule({ verbs: ['patch'], apiGroups: ['*'], resources: ['*/scale'] });
    expect(ruleAllows(resource('patch', 'deployments/scale', { apiGroup: 'apps', name: 'web' }), anyScale)).toBe(true);
    expect(ruleAllows(resource('patch', 'deployments', { apiGroup: 'apps', name: 'web' }), anyScale)).toBe(false);
    expect(ruleAllows(resource('patch', 'deployments/status', { apiGroup: 'apps', name: 'web' }), anyScale)).toBe(false);
    expect(ruleAllows(resource('patch', 'deployments/scale', { apiGroup: 'apps' }), policyRule({ verbs: ['patch'], apiGroups: ['apps'], resources: ['*'] }))).toBe(true);
    // "deployments/*" is no wildcard: only "*" and "*/<subresource>" are.
    expect(ruleAllows(resource('patch', 'deployments/scale', { apiGroup: 'apps' }), policyRule({ verbs: ['patch'], apiGroups: ['apps'], resources: ['deployments/*'] }))).toBe(false);
  });

  it('with resourceNames, allows only requests that name one: not list, watch, create or deletecollection without a name', () => {
    const named = policyRule({ verbs: ['get', 'list', 'watch', 'create', 'delete', 'deletecollection'], apiGroups: [''], resources: ['secrets'], resourceNames: ['db'] });
    expect(ruleAllows(resource('get', 'secrets', { name: 'db' }), named)).toBe(true);
    expect(ruleAllows(resource('get', 'secrets', { name: 'other' }), named)).toBe(false);
    for (const verb of ['list', 'watch', 'create', 'deletecollection']) expect(ruleAllows(resource(verb, 'secrets'), named)).toBe(false);
    // A list or watch whose fieldSelector pins metadata.name carries the name (see src/kube-api/request-info.ts).
    expect(ruleAllows(resource('list', 'secrets', { name: 'db' }), named)).toBe(true);
    expect(ruleAllows(resource('watch', 'secrets', { name: 'db' }), named)).toBe(true);
  });

  it('matches non-resource URLs exactly, by *, or by a prefix ending in *', () => {
    const discovery = policyRule({ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/version'] });
    expect(ruleAllows(path('get', '/api'), discovery)).toBe(true);
    expect(ruleAllows(path('get', '/api/v1'), discovery)).toBe(true);
    expect(ruleAllows(path('get', '/apis'), discovery)).toBe(false);
    expect(ruleAllows(path('get', '/version/x'), discovery)).toBe(false);
    expect(ruleAllows(path('post', '/api'), discovery)).toBe(false);
    expect(ruleAllows(resource('get', 'pods'), discovery)).toBe(false);
  });
});

function cluster(): { c: Cluster; rules: RuleResolver; authorizer: Authorizer } {
  const store = new Store({ now: () => new Date(0), uid: (() => { let n = 0; return () => `uid-${(n += 1)}`; })() });
  const c: Cluster = { store, now: () => new Date(0), admission: { allocateClusterIP: () => '10.96.0.1' } };
  const rules = new RuleResolver(store);
  for (const ns of ['prod', 'staging']) createObject(c, findResource('', 'v1', 'namespaces')!, undefined, { metadata: { name: ns } });
  for (const obj of bootstrapPolicy()) createObject(c, findKind(obj.apiVersion!, obj.kind!)!, undefined, obj);
  return { c, rules, authorizer: new Authorizer(rules) };
}
const RBAC = 'rbac.authorization.k8s.io/v1';
const put = (c: Cluster, obj: Record<string, any>) => createObject(c, findKind(obj.apiVersion, obj.kind)!, obj.metadata.namespace, obj);
const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, namespace: string | undefined, roleKind: string, role: string, subjects: object[]) => ({
  apiVersion: RBAC, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role }, subjects,
});
const userSubject = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });

describe('the authorizer', () => {
  it('denies by default and allows system:masters everything', () => {
    const { authorizer } = cluster();
    expect(authorizer.authorize(user('agent-7'), resource('get', 'pods'))).toEqual({ allowed: false, reason: '' });
    expect(authorizer.authorize(user('root', ['system:masters']), resource('delete', 'nodes', { namespace: '' })).allowed).toBe(true);
  });

  it('lets every authenticated user read discovery and create self reviews, and anonymous only the public endpoints', () => {
    const { authorizer } = cluster();
    expect(authorizer.authorize(user('agent-7'), path('get', '/apis/apps/v1')).allowed).toBe(true);
    expect(authorizer.authorize(user('agent-7'), resource('create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io', namespace: '' })).allowed).toBe(true);
    const anonymous: UserInfo = { name: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} };
    expect(authorizer.authorize(anonymous, path('get', '/version')).allowed).toBe(true);
    expect(authorizer.authorize(anonymous, path('get', '/api')).allowed).toBe(false);
  });

  it('applies a RoleBinding only in its namespace, and a ClusterRole bound there only there', () => {
    const { c, authorizer } = cluster();
    put(c, binding('RoleBinding', 'view', 'staging', 'ClusterRole', 'view', [userSubject('bob')]));
    expect(authorizer.authorize(user('bob'), resource('list', 'pods', { namespace: 'staging' }))).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "view/staging" of ClusterRole "view" to User "bob"' });
    expect(authorizer.authorize(user('bob'), resource('list', 'pods', { namespace: 'prod' })).allowed).toBe(false);
    expect(authorizer.authorize(user('bob'), resource('list', 'pods', { namespace: '' })).allowed).toBe(false);
    expect(authorizer.authorize(user('bob'), resource('get', 'secrets', { namespace: 'staging', name: 'db' })).allowed).toBe(false);
  });

  it('matches groups and service accounts, a service account subject defaulting to the binding\'s namespace', () => {
    const { c, authorizer } = cluster();
    put(c, binding('RoleBinding', 'ops', 'prod', 'ClusterRole', 'edit', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oncall' }, { kind: 'ServiceAccount', name: 'deployer' }]));
    expect(authorizer.authorize(user('carol', ['oncall']), resource('delete', 'pods', { name: 'x' })).allowed).toBe(true);
    expect(authorizer.authorize(user('system:serviceaccount:prod:deployer'), resource('delete', 'pods', { name: 'x' })).allowed).toBe(true);
    expect(authorizer.authorize(user('system:serviceaccount:staging:deployer'), resource('delete', 'pods', { name: 'x' })).allowed).toBe(false);
  });

  it('grants nothing through a binding to a missing role, says so in the reason, and grants once the role exists', () => {
    const { c, authorizer } = cluster();
    put(c, binding('RoleBinding', 'ghost', 'prod', 'Role', 'not-there', [userSubject('dave')]));
    put(c, binding('ClusterRoleBinding', 'ghost', undefined, 'ClusterRole', 'missing', [userSubject('dave')]));
    const denied = authorizer.authorize(user('dave'), resource('get', 'pods', { name: 'x' }));
    expect(denied).toEqual({ allowed: false, reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "missing" not found, role.rbac.authorization.k8s.io "not-there" not found]' });
    put(c, { apiVersion: RBAC, kind: 'Role', metadata: { name: 'not-there', namespace: 'prod' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] });
    expect(authorizer.authorize(user('dave'), resource('get', 'pods', { name: 'x' })).allowed).toBe(true);
  });

  it('follows bindings as they are changed and deleted', () => {
    const { c, authorizer } = cluster();
    const rb = findResource('rbac.authorization.k8s.io', 'v1', 'rolebindings')!;
    const created = put(c, binding('RoleBinding', 'b', 'prod', 'ClusterRole', 'view', [userSubject('erin')]));
    expect(authorizer.authorize(user('erin'), resource('get', 'pods', { name: 'x' })).allowed).toBe(true);
    updateObject(c, rb, 'prod', 'b', { ...created, subjects: [userSubject('frank')] });
    expect(authorizer.authorize(user('erin'), resource('get', 'pods', { name: 'x' })).allowed).toBe(false);
    expect(authorizer.authorize(user('frank'), resource('get', 'pods', { name: 'x' })).allowed).toBe(true);
    deleteObject(c, rb, 'prod', 'b');
    expect(authorizer.authorize(user('frank'), resource('get', 'pods', { name: 'x' })).allowed).toBe(false);
  });

  it('refuses to change a binding\'s roleRef, as the apiserver does', () => {
    const { c } = cluster();
    const rb = findResource('rbac.authorization.k8s.io', 'v1', 'rolebindings')!;
    const created = put(c, binding('RoleBinding', 'b', 'prod', 'ClusterRole', 'view', [userSubject('erin')]));
    expect(() => updateObject(c, rb, 'prod', 'b', { ...created, roleRef: { ...created.roleRef, name: 'admin' } })).toThrow(/cannot change roleRef/);
  });

  it('decides among 1,000 bindings by the user\'s own, whoever else is bound', () => {
    const { c, rules, authorizer } = cluster();
    for (let i = 0; i < 1000; i += 1) put(c, binding(i % 2 === 0 ? 'RoleBinding' : 'ClusterRoleBinding', `b-${i}`, i % 2 === 0 ? 'prod' : undefined, 'ClusterRole', i === 999 ? 'edit' : 'view', [userSubject(`user-${i}`)]));
    expect(authorizer.authorize(user('user-999'), resource('delete', 'pods', { name: 'x' })).allowed).toBe(true);
    expect(authorizer.authorize(user('user-998'), resource('get', 'pods', { name: 'x' })).allowed).toBe(true);
    expect(authorizer.authorize(user('user-998'), resource('get', 'pods', { name: 'x', namespace: 'staging' })).allowed).toBe(false);
    expect(authorizer.authorize(user('user-1000'), resource('get', 'pods', { name: 'x' })).allowed).toBe(false);
    // What is visited for one user is its own bindings and its groups', not the other 999.
    let visitedBindings = 0;
    const seen = new Set<string>();
    rules.visitRulesFor(user('user-998'), 'prod', (source) => {
      if (source && !seen.has(source.binding.name)) (seen.add(source.binding.name), (visitedBindings += 1));
      return true;
    });
    expect([...seen].sort()).toEqual(['b-998', 'system:basic-user', 'system:discovery', 'system:public-info-viewer'].sort());
    expect(visitedBindings).toBe(4);
  });
});

describe('a refusal', () => {
  it('is worded as the apiserver words it, for namespaced, cluster-scoped, named, subresource and path requests', () => {
    const u = user('agent-7');
    expect(forbidden(u, resource('delete', 'pods', { name: 'echo' }), '').message).toBe('pods "echo" is forbidden: User "agent-7" cannot delete resource "pods" in API group "" in the namespace "prod"');
    expect(forbidden(u, resource('list', 'nodes', { namespace: '' }), '').message).toBe('nodes is forbidden: User "agent-7" cannot list resource "nodes" in API group "" at the cluster scope');
    expect(forbidden(u, resource('patch', 'deployments/scale', { apiGroup: 'apps', name: 'web' }), '').message).toBe('deployments.apps "web" is forbidden: User "agent-7" cannot patch resource "deployments/scale" in API group "apps" in the namespace "prod"');
    expect(forbidden(u, path('get', '/metrics'), '').message).toBe('forbidden: User "agent-7" cannot get path "/metrics"');
    const withReason = forbidden(u, resource('get', 'pods', { name: 'x' }), 'RBAC: role.rbac.authorization.k8s.io "r" not found');
    expect(withReason).toMatchObject({ code: 403, reason: 'Forbidden', details: { name: 'x', kind: 'pods' } });
    expect(withReason.message).toBe('pods "x" is forbidden: User "agent-7" cannot get resource "pods" in API group "" in the namespace "prod": RBAC: role.rbac.authorization.k8s.io "r" not found');
  });

  it('keeps a hostile name from reading as HTML', () => {
    expect(forbidden(user('<b>x&y</b>'), resource('get', 'pods', { name: 'p' }), '').message).toContain('User "&lt;b&gt;x&amp;y&lt;/b&gt;"');
  });
});

describe('escalation: which rights a set of rules covers', () => {
  const r = (raw: object) => policyRule(raw);
  it('covers a subresource through */sub, names through a nameless rule, URLs through a * prefix', () => {
    const owner = [r({ verbs: ['get', 'patch'], apiGroups: ['apps'], resources: ['deployments', '*/scale'] }), r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }), r({ verbs: ['get'], nonResourceURLs: ['/apis/*'] })];
    expect(uncovered(owner, [r({ verbs: ['patch'], apiGroups: ['apps'], resources: ['deployments/scale', 'deployments'] })])).toEqual([]);
    expect(uncovered(owner, [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['db'] })])).toEqual([]);
    expect(uncovered(owner, [r({ verbs: ['get'], nonResourceURLs: ['/apis/apps'] })])).toEqual([]);
  });

  it('does not let a named rule cover a nameless one, nor a verb list cover *', () => {
    const owner = [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['db'] }), r({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] })];
    expect(uncovered(owner, [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'] })])).toHaveLength(1);
    expect(uncovered(owner, [r({ verbs: ['*'], apiGroups: [''], resources: ['pods'] })])).toHaveLength(1);
    expect(uncovered(owner, [r({ verbs: ['get'], apiGroups: ['*'], resources: ['pods'] })])).toHaveLength(1);
  });
});
