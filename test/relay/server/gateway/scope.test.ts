import { describe, expect, it } from 'vitest';
import { resolveRequestInfo } from '../../../../src/kube-api/request-info.ts';
import { parseIntent } from '../../../../src/kubectl/parse-intent.ts';
import { grantClassOf } from '../../../../src/relay/server/gateway/lifetime.ts';
import { canonicalResource, requestIntent } from '../../../../src/relay/server/gateway/request-policy.ts';
import { checkScope, requestClass, scopeOf } from '../../../../src/relay/server/gateway/scope.ts';
import { decideRequest } from '../../../../src/relay/server/gateway/request-policy.ts';
import { defaultPolicy } from '../../../../src/policy/index.ts';

function check(argv: string[], method: string, path: string, body: unknown = null) {
  const [rawPath, rawQuery = ''] = path.split('?');
  const query = new URLSearchParams(rawQuery);
  const info = resolveRequestInfo(method, rawPath!, query);
  const { canonical } = canonicalResource(info);
  const parsed = body === null ? null : { bytes: Buffer.from(JSON.stringify(body)), contentType: 'application/json', value: body };
  const intent = requestIntent(info, query, parsed);
  return checkScope(scopeOf(parseIntent(argv), false), info, canonical, requestClass(info, canonical, query), intent.verb);
}

describe('a grant\'s scope', () => {
  it('keeps reads to the command\'s namespace, and Secrets to commands that named them', () => {
    const get = ['get', 'pods', '-n', 'prod'];
    expect(check(get, 'GET', '/api/v1/namespaces/prod/pods')).toEqual({ ok: true });
    expect(check(get, 'GET', '/api/v1/namespaces/prod/events')).toEqual({ ok: true });
    expect(check(get, 'GET', '/api/v1/namespaces/staging/pods').ok).toBe(false);
    expect(check(get, 'GET', '/api/v1/pods').ok).toBe(false);
    expect(check(get, 'GET', '/api/v1/namespaces/prod/secrets').ok).toBe(false);
    expect(check(['get', 'secrets', '-n', 'prod'], 'GET', '/api/v1/namespaces/prod/secrets')).toEqual({ ok: true });
    expect(check(['get', 'pods', '-A'], 'GET', '/api/v1/pods')).toEqual({ ok: true });
  });

  it('lets writes touch only what the command names, and a dry run or self-review count as reads', () => {
    const scale = ['scale', 'deployment', 'web', '-n', 'staging', '--replicas=2'];
    expect(check(scale, 'PATCH', '/apis/apps/v1/namespaces/staging/deployments/web/scale')).toEqual({ ok: true });
    expect(check(scale, 'DELETE', '/api/v1/namespaces/staging/pods/web-1').ok).toBe(false);
    expect(check(['get', 'pods', '-n', 'prod'], 'DELETE', '/api/v1/namespaces/prod/pods/x').ok).toBe(false);
    expect(check(['get', 'pods', '-n', 'prod'], 'PATCH', '/api/v1/namespaces/prod/pods/x?dryRun=All')).toEqual({ ok: true });
    expect(check(['auth', 'can-i', 'get', 'pods'], 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).toEqual({ ok: true });
    expect(check(['apply', '-f', 'x.yaml'], 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings')).toEqual({ ok: true });
  });

  it('opens only the connection the access command opens, GET (WebSocket) or POST (SPDY) alike', () => {
    const exec = ['exec', 'web-1', '-n', 'dev', '--', 'ls'];
    expect(check(exec, 'GET', '/api/v1/namespaces/dev/pods/web-1/exec?command=ls')).toEqual({ ok: true });
    expect(check(exec, 'POST', '/api/v1/namespaces/dev/pods/web-1/exec?command=ls')).toEqual({ ok: true });
    expect(check(exec, 'POST', '/api/v1/namespaces/dev/pods/web-1/portforward').ok).toBe(false);
    expect(check(['get', 'pods', '-n', 'dev'], 'GET', '/api/v1/namespaces/dev/pods/web-1/exec?command=sh').ok).toBe(false);
    expect(check(['logs', 'web-1', '-n', 'dev'], 'GET', '/api/v1/namespaces/dev/pods/web-1/log')).toEqual({ ok: true });
  });

  it('gives reads a short life and shells, tunnels and followed streams a long one', () => {
    expect(grantClassOf(parseIntent(['get', 'pods']))).toBe('read');
    expect(grantClassOf(parseIntent(['logs', '-f', 'web']))).toBe('follow');
    expect(grantClassOf(parseIntent(['get', 'pods', '-w']))).toBe('follow');
    expect(grantClassOf(parseIntent(['exec', 'web', '--', 'sh']))).toBe('access');
    expect(grantClassOf(parseIntent(['delete', 'pod', 'web']))).toBe('write');
  });
});

describe('the policy on an API request', () => {
  const agent = { subject: 'agent-7', groups: ['agents'] };
  const decide = (method: string, path: string, body: unknown = null) => {
    const [rawPath, rawQuery = ''] = path.split('?');
    const query = new URLSearchParams(rawQuery);
    const info = resolveRequestInfo(method, rawPath!, query);
    const parsed = body === null ? null : { bytes: Buffer.from(JSON.stringify(body)), contentType: 'application/json', value: body };
    return decideRequest(defaultPolicy(), requestIntent(info, query, parsed), agent, 'https://cluster.example');
  };

  it('catches a namespace delete, an RBAC binding and a privileged pod however they are sent', () => {
    expect(decide('DELETE', '/api/v1/namespaces/prod')).toMatchObject({ decision: 'deny', rule: 'no-namespace-delete' });
    expect(decide('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { kind: 'ClusterRoleBinding', metadata: { name: 'x' }, roleRef: { name: 'cluster-admin' } }))
      .toMatchObject({ decision: 'deny', rule: 'no-rbac-changes' });
    // A binding sent to another resource's URL still counts as one.
    expect(decide('POST', '/api/v1/namespaces/dev/configmaps', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'x' } }))
      .toMatchObject({ decision: 'deny', rule: 'no-rbac-changes' });
    expect(decide('POST', '/api/v1/namespaces/dev/pods', { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', securityContext: { Privileged: true } }] } }))
      .toMatchObject({ decision: 'deny', rule: 'no-pod-escapes' });
    expect(decide('DELETE', '/api/v1/namespaces/dev/pods')).toMatchObject({ decision: 'deny', rule: 'no-mass-delete' });
    expect(decide('DELETE', '/api/v1/namespaces/dev/pods/web-1', { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 })).toMatchObject({ decision: 'deny', rule: 'no-force-zero-grace' });
    expect(decide('DELETE', '/api/v1/namespaces/dev/pods/web-1?gracePeriodSeconds=0')).toMatchObject({ decision: 'deny', rule: 'no-force-zero-grace' });
    expect(decide('DELETE', '/api/v1/namespaces/dev/pods/web-1', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' })).toMatchObject({ decision: 'allow' });
    expect(decide('GET', '/api/v1/namespaces/kube-system/secrets/x')).toMatchObject({ decision: 'deny', rule: 'no-system-secret-reads' });
    expect(decide('POST', '/api/v1/namespaces/dev/configmaps', { kind: 'ConfigMap', metadata: { name: 'c' }, data: { privileged: 'true' } })).toMatchObject({ decision: 'allow' });
  });
});
