// The request-info resolver reads paths as the apiserver's RequestInfoFactory does; each case is
// one line of its doc comment, or one of the subtle cases it names.
import { describe, expect, it } from 'vitest';
import { resolveRequestInfo, splitTarget } from '../../src/kube-api/request-info.ts';
import { routeOf } from '../../src/sandbox/routes.ts';

const info = (method: string, target: string) => {
  const { path, query } = splitTarget(target);
  return resolveRequestInfo(method, path, query);
};
const pick = (method: string, target: string) => {
  const i = info(method, target);
  return { resource: i.isResourceRequest, verb: i.verb, group: i.apiGroup, namespace: i.namespace, name: i.name, sub: i.subresource };
};

describe('resource paths', () => {
  it.each([
    ['GET', '/api/v1/namespaces', { resource: true, verb: 'list', group: '', namespace: '', name: '', sub: '' }],
    ['GET', '/api/v1/namespaces/prod', { resource: true, verb: 'get', group: '', namespace: 'prod', name: 'prod', sub: '' }],
    ['PUT', '/api/v1/namespaces/prod/finalize', { resource: true, verb: 'update', group: '', namespace: 'prod', name: 'prod', sub: 'finalize' }],
    ['GET', '/api/v1/namespaces/prod/pods', { resource: true, verb: 'list', group: '', namespace: 'prod', name: '', sub: '' }],
    ['GET', '/api/v1/namespaces/prod/pods/echo/log', { resource: true, verb: 'get', group: '', namespace: 'prod', name: 'echo', sub: 'log' }],
    ['POST', '/api/v1/namespaces/prod/pods/echo/exec?command=ls', { resource: true, verb: 'create', group: '', namespace: 'prod', name: 'echo', sub: 'exec' }],
    ['GET', '/api/v1/pods', { resource: true, verb: 'list', group: '', namespace: '', name: '', sub: '' }],
    ['PATCH', '/apis/apps/v1/namespaces/prod/deployments/web/scale', { resource: true, verb: 'patch', group: 'apps', namespace: 'prod', name: 'web', sub: 'scale' }],
    ['DELETE', '/apis/apps/v1/namespaces/prod/deployments', { resource: true, verb: 'deletecollection', group: 'apps', namespace: 'prod', name: '', sub: '' }],
    ['DELETE', '/apis/apps/v1/namespaces/prod/deployments/web', { resource: true, verb: 'delete', group: 'apps', namespace: 'prod', name: 'web', sub: '' }],
    ['GET', '/api/v1/watch/namespaces/prod/pods', { resource: true, verb: 'watch', group: '', namespace: 'prod', name: '', sub: '' }],
  ])('%s %s', (method, target, expected) => {
    expect(pick(method, target)).toEqual(expected);
  });
});

describe('non-resource paths', () => {
  it.each(['/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/version', '/healthz', '/', '/openapi/v3/apis/apps/v1'])('%s is a non-resource request with the method as verb', (path) => {
    const i = info('GET', path);
    expect(i.isResourceRequest).toBe(false);
    expect(i.verb).toBe('get');
    expect(i.path).toBe(path);
  });
});

describe('list and watch', () => {
  it('reads watch as the apiserver converts a bool: anything but "", "0" and "false"', () => {
    expect(info('GET', '/api/v1/pods?watch=true').verb).toBe('watch');
    expect(info('GET', '/api/v1/pods?watch=1').verb).toBe('watch');
    expect(info('GET', '/api/v1/pods?watch=yes').verb).toBe('watch');
    expect(info('GET', '/api/v1/pods?watch=FALSE').verb).toBe('list');
    expect(info('GET', '/api/v1/pods?watch=0').verb).toBe('list');
    expect(info('GET', '/api/v1/pods?watch=').verb).toBe('list');
  });

  it('gives a list or watch the name its fieldSelector pins, so resourceNames can apply', () => {
    expect(info('GET', '/api/v1/namespaces/prod/secrets?fieldSelector=metadata.name%3Ddb').name).toBe('db');
    expect(info('GET', '/api/v1/namespaces/prod/secrets?watch=1&fieldSelector=metadata.name%3D%3Ddb').name).toBe('db');
    expect(info('GET', '/api/v1/namespaces/prod/secrets?fieldSelector=metadata.name!%3Ddb').name).toBe('');
    expect(info('GET', '/api/v1/namespaces/prod/secrets?fieldSelector=metadata.name%3Da%2Fb').name).toBe('');
  });

  it('keeps deletecollection nameless even with a fieldSelector', () => {
    const i = info('DELETE', '/api/v1/namespaces/prod/secrets?fieldSelector=metadata.name%3Ddb');
    expect([i.verb, i.name]).toEqual(['deletecollection', '']);
  });
});

describe('what is served is what was authorised', () => {
  it('decodes the whole path before splitting it, as Go does, so an escaped slash is a separator', () => {
    const i = info('GET', '/api/v1/namespaces/prod%2Fpods');
    expect([i.namespace, i.resource, i.name]).toEqual(['prod', 'pods', '']);
    expect(routeOf(i).namespace).toBe('prod');
  });

  it('never reads a leading // as a host', () => {
    const i = info('GET', '//evil.example/api/v1/namespaces/prod/pods');
    expect(i.isResourceRequest).toBe(false);
    expect(() => routeOf(i)).toThrow(/could not find/);
  });

  it('does not serve a cluster-scoped kind under a namespace, nor an empty namespace', () => {
    expect(() => routeOf(info('GET', '/api/v1/namespaces/prod/namespaces'))).toThrow(/could not find/);
    expect(() => routeOf(info('GET', '/api/v1/namespaces//pods/echo'))).toThrow(/could not find/);
  });

  it('routes the namespace itself with no namespace scope, and a pod list with its namespace', () => {
    expect(routeOf(info('GET', '/api/v1/namespaces/prod'))).toMatchObject({ namespace: undefined, name: 'prod', verb: 'get' });
    expect(routeOf(info('GET', '/api/v1/namespaces/prod/pods?watch=yes'))).toMatchObject({ namespace: 'prod', name: undefined, verb: 'watch' });
  });
});
