// Request info as kube-apiserver's requestinfo.go derives it, row by row as its doc comment lists
// the path forms, then the paths this resolver refuses rather than guess.
import { describe, expect, it } from 'vitest';
import { resolveRequestTarget as resolveRequestInfo, type RequestInfo } from '../../src/kube-api/request-info.ts';

type Row = [method: string, target: string, expected: Partial<RequestInfo>];

const rows: Row[] = [
  // resource paths
  ['GET', '/api/v1/namespaces', { isResourceRequest: true, verb: 'list', apiPrefix: 'api', apiGroup: '', apiVersion: 'v1', resource: 'namespaces', namespace: '', name: '' }],
  ['GET', '/api/v1/namespaces/prod', { verb: 'get', resource: 'namespaces', name: 'prod', namespace: 'prod' }],
  ['DELETE', '/api/v1/namespaces/prod', { verb: 'delete', resource: 'namespaces', name: 'prod', namespace: 'prod' }],
  ['PUT', '/api/v1/namespaces/prod/finalize', { verb: 'update', resource: 'namespaces', name: 'prod', subresource: 'finalize', namespace: 'prod' }],
  ['PUT', '/api/v1/namespaces/prod/status', { verb: 'update', resource: 'namespaces', name: 'prod', subresource: 'status' }],
  ['GET', '/api/v1/namespaces/prod/secrets', { verb: 'list', resource: 'secrets', namespace: 'prod', name: '' }],
  ['GET', '/api/v1/namespaces/prod/secrets/db', { verb: 'get', resource: 'secrets', namespace: 'prod', name: 'db' }],
  ['GET', '/api/v1/namespaces/prod/secrets?watch=true', { verb: 'watch', resource: 'secrets' }],
  ['GET', '/api/v1/namespaces/prod/secrets?watch=1', { verb: 'watch' }],
  ['GET', '/api/v1/namespaces/prod/secrets?watch=FALSE', { verb: 'list' }],
  ['GET', '/api/v1/namespaces/prod/secrets?watch=0', { verb: 'list' }],
  ['HEAD', '/api/v1/secrets', { verb: 'list', resource: 'secrets', namespace: '' }],
  ['DELETE', '/api/v1/namespaces/dev/pods', { verb: 'deletecollection', resource: 'pods', namespace: 'dev' }],
  ['DELETE', '/api/v1/namespaces/dev/pods/web', { verb: 'delete', resource: 'pods', name: 'web' }],
  ['POST', '/api/v1/namespaces/dev/pods', { verb: 'create', resource: 'pods', name: '' }],
  ['POST', '/api/v1/namespaces/dev/pods/web/exec', { verb: 'create', resource: 'pods', name: 'web', subresource: 'exec' }],
  ['POST', '/api/v1/namespaces/dev/serviceaccounts/bot/token', { verb: 'create', resource: 'serviceaccounts', subresource: 'token' }],
  ['PATCH', '/apis/apps/v1/namespaces/dev/deployments/web/scale', { verb: 'patch', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }],
  ['GET', '/api/v1/nodes/n1/proxy/configz', { verb: 'get', resource: 'nodes', name: 'n1', subresource: 'proxy', parts: ['nodes', 'n1', 'proxy', 'configz'] }],
  ['POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { verb: 'create', apiPrefix: 'apis', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1', resource: 'clusterrolebindings' }],
  ['DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/admin', { verb: 'delete', resource: 'clusterrolebindings', name: 'admin', namespace: '' }],
  ['DELETE', '/apis/rbac.authorization.k8s.io/v1/namespaces/dev/rolebindings/x', { verb: 'delete', resource: 'rolebindings', namespace: 'dev', name: 'x' }],
  ['GET', '/api/v1/namespaces/prod/secrets/db/', { verb: 'get', name: 'db' }],
  // special verbs
  ['GET', '/api/v1/watch/namespaces/prod/secrets', { verb: 'watch', resource: 'secrets', namespace: 'prod' }],
  ['GET', '/api/v1/watch/secrets', { verb: 'watch', resource: 'secrets', namespace: '' }],
  ['GET', '/api/v1/proxy/namespaces/dev/services/web/admin/reset', { verb: 'proxy', resource: 'services', name: 'web', subresource: '' }],
  ['DELETE', '/api/v1/proxy/nodes/n1', { verb: 'proxy', resource: 'nodes', name: 'n1' }],
  // percent-encoding is decoded as Go's url.Parse does before the API server reads the path
  ['DELETE', '/api/v1/namespaces/%70rod', { verb: 'delete', resource: 'namespaces', name: 'prod' }],
  ['GET', '/api/v1/namespaces/prod/%73ecrets', { resource: 'secrets', namespace: 'prod' }],
  // non-resource paths
  ['GET', '/', { isResourceRequest: false, verb: 'get', path: '/' }],
  ['GET', '/healthz', { isResourceRequest: false }],
  ['GET', '/api', { isResourceRequest: false }],
  ['GET', '/api/v1', { isResourceRequest: false }],
  ['GET', '/apis', { isResourceRequest: false }],
  ['GET', '/apis/apps', { isResourceRequest: false }],
  ['GET', '/apis/apps/v1', { isResourceRequest: false }],
  ['POST', '/logs/x', { isResourceRequest: false, verb: 'post' }],
  ['GET', '/version', { isResourceRequest: false }],
];

describe('request info, as the API server derives it', () => {
  it.each(rows)('%s %s', (method, target, expected) => {
    const result = resolveRequestInfo(method, target);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.info).toMatchObject(expected);
  });
});

const refused: Array<[target: string, why: RegExp]> = [
  ['api/v1/namespaces/prod', /absolute path/],
  ['//api/v1/namespaces/prod', /absolute path/],
  ['https://127.0.0.1/api/v1/namespaces/prod', /absolute path/],
  ['/api/v1//namespaces/prod', /empty/],
  ['/api/v1/namespaces/dev/../prod', /"\.\."/],
  ['/api/v1/namespaces/dev/pods/../../prod', /"\.\."/],
  ['/api/v1/namespaces/./prod', /"\."/],
  ['/api/v1/namespaces/%2e%2e/prod', /"\.\."/],
  ['/api/v1/namespaces%2fprod', /percent escape for \//],
  ['/api/v1/namespaces/prod%2Fsecrets', /percent escape for \//],
  ['/api/v1/namespaces/pr%25od', /percent escape for \//],
  ['/api/v1/namespaces/prod%00', /percent escape/],
  ['/api/v1/namespaces/pr%zzod', /malformed/],
  ['/api/v1/namespaces/prod#frag', /fragment/],
  ['/api/v1/namespaces/pr od', /whitespace/],
  ['/api/v1/namespaces/%ff', /UTF-8/],
  ['/api/v1/watch', /verb prefix/],
];

describe('paths refused rather than guessed', () => {
  it.each(refused)('%s', (target, why) => {
    const result = resolveRequestInfo('GET', target);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(why);
  });

  it('refuses an HTTP method with no Kubernetes verb', () => {
    expect(resolveRequestInfo('OPTIONS', '/api/v1/namespaces/prod')).toMatchObject({ ok: false, reason: expect.stringMatching(/OPTIONS/) });
  });
});
