// Users, RBAC and impersonation as the real kubectl meets them on the demo cluster: who may do
// what (`auth can-i` against answers derived by hand from the seeded roles), the refusals kubectl
// prints, `--as` for the relay and not for an agent, and the self reviews.
import { request } from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeedYaml } from '../../src/sandbox/seed.ts';
import { DEMO_SEED, DEMO_USERS } from '../../src/sandbox/seeds/demo.ts';
import type { Harness } from './harness.ts';
import { startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seed: parseSeedYaml(DEMO_SEED), users: DEMO_USERS.map((u) => ({ ...u })) });
});
afterAll(() => h?.stop());

const tokenOf = (name: string) => h.sandbox.identities.find((i) => i.name === name)!.token;
const as = (name: string, args: string[], stdin?: string) => h.kubectl(['--token', tokenOf(name), ...args], stdin);

function raw(method: string, path: string, headers: Record<string, string | string[]>): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, h.sandbox.url), { method, ca: h.sandbox.caPem, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

// [who, kubectl auth can-i arguments, allowed?] — each answer follows from the demo seed's roles:
// agent-7: hk:agent-read in prod and staging, hk:agent-write in staging, Role agent-operate in prod
// (exec, scale, get Secret db-credentials by name); alice: admin in prod and staging; bob: edit in
// staging, view in prod; hkubectl-relay: impersonate agent-7 and groups agents and
// system:authenticated, nothing else; kubernetes-admin: system:masters. Every authenticated user
// also has system:basic-user (self reviews) and system:discovery.
const MATRIX: [string, string[], boolean][] = [
  ['agent-7', ['get', 'pods', '-n', 'prod'], true],
  ['agent-7', ['watch', 'pods', '-n', 'staging'], true],
  ['agent-7', ['list', 'deployments.apps', '-n', 'staging'], true],
  ['agent-7', ['delete', 'pods', '-n', 'prod'], false],
  ['agent-7', ['delete', 'pods', '-n', 'staging'], true],
  ['agent-7', ['create', 'pods', '--subresource=exec', '-n', 'prod'], true],
  ['agent-7', ['get', 'pods', '--subresource=exec', '-n', 'prod'], true],
  ['agent-7', ['create', 'pods', '--subresource=exec', '-n', 'default'], false],
  ['agent-7', ['create', 'pods', '--subresource=portforward', '-n', 'prod'], false],
  ['agent-7', ['get', 'pods', '--subresource=log', '-n', 'prod'], true],
  ['agent-7', ['patch', 'deployments.apps', '--subresource=scale', '-n', 'prod'], true],
  ['agent-7', ['patch', 'deployments.apps', '-n', 'prod'], false],
  ['agent-7', ['get', 'secrets/db-credentials', '-n', 'prod'], true],
  ['agent-7', ['get', 'secrets/other', '-n', 'prod'], false],
  ['agent-7', ['list', 'secrets', '-n', 'prod'], false],
  ['agent-7', ['get', 'secrets/db-credentials', '-n', 'staging'], false],
  ['agent-7', ['list', 'pods', '-n', 'default'], false],
  ['agent-7', ['list', 'nodes'], false],
  ['agent-7', ['list', 'pods', '--all-namespaces'], false],
  ['agent-7', ['create', 'selfsubjectaccessreviews.authorization.k8s.io'], true],
  ['agent-7', ['get', '/apis'], true],
  ['agent-7', ['get', '/metrics'], false],
  ['alice', ['delete', 'pods', '-n', 'prod'], true],
  ['alice', ['create', 'rolebindings.rbac.authorization.k8s.io', '-n', 'prod'], true],
  ['alice', ['get', 'secrets', '-n', 'staging'], true],
  ['alice', ['create', 'pods', '--subresource=exec', '-n', 'prod'], true],
  ['alice', ['delete', 'namespaces'], false],
  ['alice', ['list', 'pods', '-n', 'default'], false],
  ['bob', ['delete', 'pods', '-n', 'staging'], true],
  ['bob', ['get', 'pods', '-n', 'prod'], true],
  ['bob', ['delete', 'pods', '-n', 'prod'], false],
  ['bob', ['get', 'secrets', '-n', 'prod'], false],
  ['bob', ['get', 'secrets', '-n', 'staging'], true],
  ['bob', ['create', 'rolebindings.rbac.authorization.k8s.io', '-n', 'staging'], false],
  ['bob', ['create', 'pods', '--subresource=exec', '-n', 'prod'], false],
  ['hkubectl-relay', ['get', 'pods', '-n', 'prod'], false],
  ['hkubectl-relay', ['impersonate', 'users/agent-7'], true],
  ['hkubectl-relay', ['impersonate', 'users/alice'], false],
  ['hkubectl-relay', ['impersonate', 'groups/agents'], true],
  ['hkubectl-relay', ['impersonate', 'groups/system:masters'], false],
  ['kubernetes-admin', ['delete', 'namespaces'], true],
  ['kubernetes-admin', ['*', '*', '--all-namespaces'], true],
];

describe('auth can-i', () => {
  it('answers a matrix of verbs, resources, namespaces and identities as the seeded roles say', async () => {
    const answers = await Promise.all(MATRIX.map(async ([who, args]) => {
      const r = await as(who, ['auth', 'can-i', ...args]);
      return [who, args.join(' '), r.stdout.trim().split('\n')[0]];
    }));
    expect(answers).toEqual(MATRIX.map(([who, args, allowed]) => [who, args.join(' '), allowed ? 'yes' : 'no']));
  });

  it('lists the rules that apply in a namespace (auth can-i --list), resource names included', async () => {
    const r = await as('agent-7', ['auth', 'can-i', '--list', '-n', 'prod']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^secrets\s+\[\]\s+\[db-credentials\]\s+\[get\]$/m);
    expect(r.stdout).toMatch(/^pods\/exec\s+\[\]\s+\[\]\s+\[get create\]$/m);
    expect(r.stdout).toMatch(/^deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(r.stdout).not.toMatch(/^\*\.\*/m);
    const admin = await h.kubectl(['auth', 'can-i', '--list']);
    expect(admin.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
  });

  it('answers a malformed access review with 422 and a rules review for another namespace with that namespace\'s rules', async () => {
    const headers = { authorization: `Bearer ${tokenOf('agent-7')}`, 'content-type': 'application/json' };
    const post = (path: string, body: object) => new Promise<{ status: number; json: any }>((resolve, reject) => {
      const text = JSON.stringify(body);
      const req = request(new URL(path, h.sandbox.url), { method: 'POST', ca: h.sandbox.caPem, headers: { ...headers, 'content-length': Buffer.byteLength(text) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }));
      });
      req.on('error', reject);
      req.end(text);
    });
    const empty = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: {} });
    expect([empty.status, empty.json.reason]).toEqual([422, 'Invalid']);
    const rules = await post('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { spec: { namespace: 'default' } });
    expect(rules.status).toBe(201);
    expect(rules.json.status.resourceRules.map((r: { resources: string[] }) => r.resources.join(','))).toEqual(['selfsubjectaccessreviews,selfsubjectrulesreviews', 'selfsubjectreviews']);
  });

  it('writes a kubeconfig for any of its users', async () => {
    const file = join(h.dir, 'kubeconfig-bob');
    writeFileSync(file, h.sandbox.kubeconfigFor('bob'));
    const r = await h.kubectl(['--kubeconfig', file, 'auth', 'whoami']);
    expect(r.stdout).toMatch(/^Username\s+bob$/m);
  });

  it('says who the caller is (auth whoami), with the uid and groups from the token table', async () => {
    const agent = await as('agent-7', ['auth', 'whoami']);
    expect(agent.stdout).toMatch(/^Username\s+agent-7$/m);
    expect(agent.stdout).toMatch(/^UID\s+uid-agent-7$/m);
    expect(agent.stdout).toMatch(/^Groups\s+\[agents system:authenticated\]$/m);
    const admin = await h.kubectl(['auth', 'whoami']);
    expect(admin.stdout).toMatch(/^Username\s+kubernetes-admin$/m);
    expect(admin.stdout).toMatch(/^Groups\s+\[system:masters system:authenticated\]$/m);
  });
});

describe('refusals', () => {
  it('are printed by kubectl exactly as a real cluster\'s', async () => {
    const cases: [string, string[], string][] = [
      ['agent-7', ['delete', 'pod', 'echo', '-n', 'prod'], 'Error from server (Forbidden): pods "echo" is forbidden: User "agent-7" cannot delete resource "pods" in API group "" in the namespace "prod"'],
      ['agent-7', ['get', 'secrets', '-n', 'prod'], 'Error from server (Forbidden): secrets is forbidden: User "agent-7" cannot list resource "secrets" in API group "" in the namespace "prod"'],
      ['agent-7', ['get', 'nodes'], 'Error from server (Forbidden): nodes is forbidden: User "agent-7" cannot list resource "nodes" in API group "" at the cluster scope'],
      ['agent-7', ['delete', 'deployment', 'web', '-n', 'prod'], 'Error from server (Forbidden): deployments.apps "web" is forbidden: User "agent-7" cannot delete resource "deployments" in API group "apps" in the namespace "prod"'],
      ['bob', ['scale', 'deployment', 'web', '-n', 'prod', '--replicas=1'], 'Error from server (Forbidden): deployments.apps "web" is forbidden: User "bob" cannot patch resource "deployments/scale" in API group "apps" in the namespace "prod"'],
      ['hkubectl-relay', ['get', 'pods', '-n', 'prod'], 'Error from server (Forbidden): pods is forbidden: User "hkubectl-relay" cannot list resource "pods" in API group "" in the namespace "prod"'],
    ];
    for (const [who, args, line] of cases) {
      const r = await as(who, args);
      expect([args.join(' '), r.code, r.stderr]).toEqual([args.join(' '), 1, `${line}\n`]);
    }
  });

  it('refuse exec as the API server does once kubectl falls back from WebSocket to SPDY', async () => {
    const r = await as('bob', ['exec', 'echo', '-n', 'prod', '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (Forbidden): pods "echo" is forbidden: User "bob" cannot create resource "pods/exec" in API group "" in the namespace "prod"');
  });

  it('apply to a server-side dry run too: a dry run is authorised like the write it previews', async () => {
    const r = await as('agent-7', ['delete', 'pod', 'echo', '-n', 'prod', '--dry-run=server']);
    expect(r.stderr).toBe('Error from server (Forbidden): pods "echo" is forbidden: User "agent-7" cannot delete resource "pods" in API group "" in the namespace "prod"\n');
    expect((await h.kubectl(['get', 'pod', 'echo', '-n', 'prod', '-o', 'name'])).stdout).toBe('pod/echo\n');
  });

  it('let the allowed through: agent-7 reads prod, writes staging, execs in prod and reads the one Secret it may', async () => {
    expect((await as('agent-7', ['get', 'deployments', '-n', 'prod', '-o', 'name'])).stdout).toContain('deployment.apps/payments-api');
    expect((await as('agent-7', ['create', 'configmap', 'notes', '-n', 'staging', '--from-literal=a=b'])).code).toBe(0);
    const exec = await as('agent-7', ['exec', 'echo', '-n', 'prod', '--', 'sh', '-c', 'echo hi']);
    expect([exec.code, exec.stdout]).toEqual([0, 'hi\n']);
    expect((await as('agent-7', ['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'name'])).stdout).toBe('secret/db-credentials\n');
  });
});

describe('resourceNames', () => {
  beforeAll(async () => {
    const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: one-secret, namespace: staging}
rules:
- {apiGroups: [""], resources: [secrets], resourceNames: [app-secret], verbs: [get, list, watch, create, delete, deletecollection]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dave-one-secret, namespace: staging}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: one-secret}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: dave}]
`;
    expect((await h.kubectl(['apply', '-f', '-'], role)).code).toBe(0);
    expect((await h.kubectl(['create', 'secret', 'generic', 'app-secret', '-n', 'staging', '--from-literal=k=v'])).code).toBe(0);
    expect((await h.kubectl(['create', 'secret', 'generic', 'other-secret', '-n', 'staging', '--from-literal=k=v'])).code).toBe(0);
  });

  it('limit get, and a list or watch only when its field selector names the object', async () => {
    expect((await h.kubectl(['get', 'secret', 'app-secret', '-n', 'staging', '--as', 'dave', '-o', 'name'])).stdout).toBe('secret/app-secret\n');
    const all = await h.kubectl(['get', 'secrets', '-n', 'staging', '--as', 'dave']);
    expect(all.stderr).toBe('Error from server (Forbidden): secrets is forbidden: User "dave" cannot list resource "secrets" in API group "" in the namespace "staging"\n');
    const selected = await h.kubectl(['get', 'secrets', '-n', 'staging', '--as', 'dave', '--field-selector', 'metadata.name=app-secret', '-o', 'name']);
    expect([selected.code, selected.stdout]).toEqual([0, 'secret/app-secret\n']);
    const other = await h.kubectl(['get', 'secrets', '-n', 'staging', '--as', 'dave', '--field-selector', 'metadata.name=other-secret']);
    expect(other.stderr).toBe('Error from server (Forbidden): secrets "other-secret" is forbidden: User "dave" cannot list resource "secrets" in API group "" in the namespace "staging"\n');
    const admin = { authorization: `Bearer ${h.sandbox.token}`, 'impersonate-user': 'dave' };
    expect((await raw('GET', '/api/v1/namespaces/staging/secrets?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dapp-secret', admin)).status).toBe(200);
    expect((await raw('GET', '/api/v1/namespaces/staging/secrets?watch=1&timeoutSeconds=1', admin)).status).toBe(403);
  });

  it('never limit create or deletecollection, whose requests name no object', async () => {
    const create = await h.kubectl(['create', 'secret', 'generic', 'app-secret', '-n', 'staging', '--from-literal=k=v', '--as', 'dave']);
    // kubectl's typed `create secret` words the front of the line itself; the rest is the server's.
    expect(create.stderr).toBe('error: failed to create secret secrets is forbidden: User "dave" cannot create resource "secrets" in API group "" in the namespace "staging"\n');
    const admin = { authorization: `Bearer ${h.sandbox.token}`, 'impersonate-user': 'dave' };
    expect((await raw('DELETE', '/api/v1/namespaces/staging/secrets?fieldSelector=metadata.name%3Dapp-secret', admin)).status).toBe(403);
    expect((await h.kubectl(['get', 'secret', 'app-secret', '-n', 'staging', '-o', 'name'])).stdout).toBe('secret/app-secret\n');
  });
});

describe('escalation prevention', () => {
  it('lets alice (admin in prod) write Roles and bindings within her own rights there', async () => {
    expect((await as('alice', ['create', 'role', 'pod-reader', '-n', 'prod', '--verb=get', '--resource=pods'])).code).toBe(0);
    expect((await as('alice', ['create', 'rolebinding', 'agent-7-view', '-n', 'prod', '--clusterrole=view', '--user=agent-7'])).code).toBe(0);
  });

  it('refuses her a Role with rights she lacks, listing them as the API server does, dry run included', async () => {
    const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: wide, namespace: prod}
rules:
- {apiGroups: ["", "apps"], resources: [pods, nodes], verbs: [get, escalate]}
- {apiGroups: [""], resources: [secrets], resourceNames: [a, b], verbs: [get]}
`;
    const expected = 'roles.rbac.authorization.k8s.io "wide" is forbidden: user "alice" (groups=["approvers" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["nodes"], Verbs:["get" "escalate"]}\n{APIGroups:[""], Resources:["pods"], Verbs:["escalate"]}\n' +
      '{APIGroups:["apps"], Resources:["nodes"], Verbs:["get" "escalate"]}\n{APIGroups:["apps"], Resources:["pods"], Verbs:["get" "escalate"]}\n';
    expect((await as('alice', ['apply', '-f', '-'], role)).stderr).toBe(`Error from server (Forbidden): error when creating "STDIN": ${expected}`);
    expect((await as('alice', ['apply', '-f', '-', '--dry-run=server'], role)).stderr).toBe(`Error from server (Forbidden): error when creating "STDIN": ${expected}`);
    expect((await h.kubectl(['get', 'role', 'wide', '-n', 'prod'])).stderr).toContain('NotFound');
  });

  it('refuses her a binding to a role with rights she lacks (cluster-admin), or to a role that does not exist', async () => {
    const grab = await as('alice', ['create', 'rolebinding', 'grab', '-n', 'prod', '--clusterrole=cluster-admin', '--user=alice']);
    expect(grab.stderr).toBe('error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "grab" is forbidden: user "alice" (groups=["approvers" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}\n');
    const ghost = await as('alice', ['create', 'rolebinding', 'ghost-by-alice', '-n', 'prod', '--role=nope', '--user=alice']);
    expect(ghost.stderr).toBe('error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "ghost-by-alice" is forbidden: role.rbac.authorization.k8s.io "nope" not found\n');
    // Changing a binding she may edit to point higher is refused as well (roleRef is immutable anyway).
    const own = await as('alice', ['create', 'role', 'tiny', '-n', 'prod', '--verb=get', '--resource=configmaps']);
    expect(own.code).toBe(0);
    const widened = await as('alice', ['patch', 'role', 'tiny', '-n', 'prod', '--type=json', '-p', '[{"op":"add","path":"/rules/-","value":{"apiGroups":[""],"resources":["nodes"],"verbs":["list"]}}]']);
    expect(widened.stderr).toContain('roles.rbac.authorization.k8s.io "tiny" is forbidden: user "alice" (groups=["approvers" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["list"]}');
  });

  it('lets the bind and escalate verbs stand in for holding the rights', async () => {
    const grants = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: delegate, namespace: staging}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings, roles], verbs: [create]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], resourceNames: [edit], verbs: [bind]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: gina-delegate, namespace: staging}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: delegate}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: gina}]
`;
    expect((await h.kubectl(['apply', '-f', '-'], grants)).code).toBe(0);
    expect((await h.kubectl(['create', 'rolebinding', 'by-gina', '-n', 'staging', '--clusterrole=edit', '--user=agent-7', '--as', 'gina'])).code).toBe(0);
    expect((await h.kubectl(['create', 'rolebinding', 'by-gina-2', '-n', 'staging', '--clusterrole=admin', '--user=agent-7', '--as', 'gina'])).stderr).toContain('is attempting to grant RBAC permissions not currently held');
    expect((await h.kubectl(['create', 'role', 'all-pods', '-n', 'staging', '--verb=*', '--resource=pods', '--as', 'gina'])).code).toBe(0);
  });
});

describe('a binding to a role that does not exist', () => {
  it('grants nothing, names the missing role in the refusal, and leaves the server serving', async () => {
    expect((await h.kubectl(['create', 'rolebinding', 'ghost', '-n', 'prod', '--role=nope', '--user=carol'])).code).toBe(0);
    const r = await h.kubectl(['get', 'pods', '-n', 'prod', '--as', 'carol']);
    expect(r.stderr).toBe('Error from server (Forbidden): pods is forbidden: User "carol" cannot list resource "pods" in API group "" in the namespace "prod": RBAC: role.rbac.authorization.k8s.io "nope" not found\n');
    expect((await h.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'prod', '--as', 'carol'])).stdout).toBe('no - RBAC: role.rbac.authorization.k8s.io "nope" not found\n');
    expect((await h.kubectl(['get', 'pods', '-n', 'prod', '-o', 'name'])).code).toBe(0);
  });
});

describe('impersonation', () => {
  it('lets the relay act as agent-7 and its group, with agent-7\'s rights and not its own', async () => {
    const flags = ['--as', 'agent-7', '--as-group', 'agents'];
    const r = await as('hkubectl-relay', ['get', 'pods', '-n', 'prod', '-o', 'name', ...flags]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pod/echo');
    expect((await as('hkubectl-relay', ['auth', 'can-i', 'delete', 'pods', '-n', 'prod', ...flags])).stdout).toBe('no\n');
    expect((await as('hkubectl-relay', ['auth', 'can-i', 'delete', 'pods', '-n', 'staging', ...flags])).stdout).toBe('yes\n');
    const who = await as('hkubectl-relay', ['auth', 'whoami', ...flags]);
    expect(who.stdout).toMatch(/^Username\s+agent-7$/m);
    expect(who.stdout).toMatch(/^Groups\s+\[agents system:authenticated\]$/m);
    const list = await as('hkubectl-relay', ['auth', 'can-i', '--list', '-n', 'prod', ...flags]);
    expect(list.stdout).toMatch(/^secrets\s+\[\]\s+\[db-credentials\]\s+\[get\]$/m);
  });

  it('refuses --as to an agent, and to the relay for anyone but the agents, in the API server\'s words', async () => {
    const cases: [string, string[], string][] = [
      ['agent-7', ['--as', 'alice'], 'Error from server (Forbidden): users "alice" is forbidden: User "agent-7" cannot impersonate resource "users" in API group "" at the cluster scope'],
      ['agent-7', ['--as', 'agent-7', '--as-group', 'system:masters'], 'Error from server (Forbidden): users "agent-7" is forbidden: User "agent-7" cannot impersonate resource "users" in API group "" at the cluster scope'],
      ['hkubectl-relay', ['--as', 'kubernetes-admin'], 'Error from server (Forbidden): users "kubernetes-admin" is forbidden: User "hkubectl-relay" cannot impersonate resource "users" in API group "" at the cluster scope'],
      ['hkubectl-relay', ['--as', 'agent-7', '--as-group', 'system:masters'], 'Error from server (Forbidden): groups "system:masters" is forbidden: User "hkubectl-relay" cannot impersonate resource "groups" in API group "" at the cluster scope'],
      ['hkubectl-relay', ['--as', 'system:serviceaccount:prod:default'], 'Error from server (Forbidden): serviceaccounts "default" is forbidden: User "hkubectl-relay" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "prod"'],
    ];
    for (const [who, flags, line] of cases) {
      const r = await as(who, ['get', 'pods', '-n', 'prod', ...flags]);
      expect([flags.join(' '), r.code, r.stderr]).toEqual([flags.join(' '), 1, `${line}\n`]);
    }
  });

  it('refuses groups without a user with the API server\'s plain-text 500, before any check', async () => {
    const r = await raw('GET', '/api/v1/namespaces/prod/pods', { authorization: `Bearer ${tokenOf('hkubectl-relay')}`, 'impersonate-group': 'system:masters' });
    expect(r.status).toBe(500);
    expect(r.type).toBe('text/plain; charset=utf-8');
    expect(r.text).toBe('Internal Server Error: "/api/v1/namespaces/prod/pods": requested [{Group  system:masters    }] without impersonating a user\n');
    const uid = await raw('GET', '/api/v1/namespaces/prod/pods', { authorization: `Bearer ${h.sandbox.token}`, 'impersonate-uid': 'u1' });
    expect(uid.status).toBe(500);
  });

  it('lets system:masters impersonate anyone, who then has only their own rights', async () => {
    const r = await h.kubectl(['delete', 'pod', 'echo', '-n', 'prod', '--as', 'agent-7']);
    expect(r.stderr).toBe('Error from server (Forbidden): pods "echo" is forbidden: User "agent-7" cannot delete resource "pods" in API group "" in the namespace "prod"\n');
    const masters = await h.kubectl(['auth', 'can-i', 'delete', 'nodes', '--as', 'nobody', '--as-group', 'system:masters']);
    expect(masters.stdout).toBe('yes\n');
  });
});

describe('authentication', () => {
  it('answers an unknown token with a 401 Status, and no token as system:anonymous, who may only read /version and health', async () => {
    const bad = await raw('GET', '/api/v1/pods', { authorization: 'Bearer not-a-token' });
    expect([bad.status, JSON.parse(bad.text)]).toEqual([401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }]);
    expect((await raw('GET', '/version', {})).status).toBe(200);
    const anonymous = await raw('GET', '/api/v1/pods', {});
    expect([anonymous.status, JSON.parse(anonymous.text).message]).toEqual([403, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" at the cluster scope']);
    expect(JSON.parse((await raw('GET', '/api', {})).text).message).toBe('forbidden: User "system:anonymous" cannot get path "/api"');
  });

  it('trims trailing whitespace around the bearer header, as the API server does', async () => {
    const r = await raw('GET', '/api/v1/namespaces/prod/pods', { authorization: `Bearer ${tokenOf('agent-7')} \t ` });
    expect(r.status).toBe(200);
  });

  it('reads users from a --token-auth-file with CRLF lines; a token with trailing whitespace there can never be presented', async () => {
    const file = join(h.dir, 'tokens.csv');
    writeFileSync(file, 'tok-erin,erin,uid-erin,"agents,oncall"\r\ntok-padded ,frank,uid-frank\r\n');
    const other = await startHarness({ tokenAuthFile: file });
    try {
      expect(other.sandbox.warnings.join('\n')).toMatch(/contains whitespace/);
      const who = await other.kubectl(['auth', 'whoami', '--token', 'tok-erin']);
      expect(who.stdout).toMatch(/^Groups\s+\[agents oncall system:authenticated\]$/m);
      const padded = await other.kubectl(['get', 'pods', '--token', 'tok-padded']);
      expect(padded.code).toBe(1);
      expect(padded.stderr).toContain('error: You must be logged in to the server (the server has asked for the client to provide credentials)');
      // The administrator keeps full rights whatever the file says.
      expect((await other.kubectl(['auth', 'can-i', '*', '*'])).stdout).toBe('yes\n');
    } finally {
      await other.stop();
    }
  });
});
