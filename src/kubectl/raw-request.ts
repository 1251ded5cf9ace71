// `kubectl get|create|replace|delete --raw PATH` sends one HTTP request (GET, POST, PUT, DELETE)
// to PATH, bypassing kubectl's resource handling. It is decided as that API request: the path is
// read into request info as the API server reads it, and the command's model names the same
// resource, namespace, name and subresource as its non-raw spelling would, so every rule applies.
// kubectl ignores -n and -A with --raw: only the path says where the request lands.
import { resolveRequestTarget, type RequestInfo } from '../kube-api/request-info.ts';
import type { ResourceResolver } from './resource-resolve.ts';

export const RAW_METHODS: Readonly<Record<string, string>> = { get: 'GET', create: 'POST', replace: 'PUT', delete: 'DELETE' };

export interface RawRequestModel {
  resources: string[];
  names: string[];
  namespace: string | null;
  allNamespaces: boolean;
  subresource: string | null;
  /** deletecollection: the same as `delete --all`. */
  collection: boolean;
  /** Set when the path could not be read, or names something hkubectl does not know. */
  unrecognised: string | null;
}

// Non-resource paths that only describe the API or its health; any other non-resource path
// (/logs, /debug/pprof, /metrics, extension servers' own paths) is not recognised.
const DESCRIPTIVE_PATHS = [/^\/(api|apis)$/, /^\/api\/[^/]+$/, /^\/apis\/[^/]+(\/[^/]+)?$/, /^\/version$/, /^\/(healthz|livez|readyz)(\/[^/]+)*$/, /^\/openapi\/(v2|v3)(\/.*)?$/, /^\/\.well-known\/openid-configuration$/, /^\/openid\/v1\/jwks$/];

export function rawRequestModel(verb: string, target: string, resolver: ResourceResolver): RawRequestModel {
  const method = RAW_METHODS[verb] ?? 'GET';
  const unknown = (why: string): RawRequestModel => ({
    resources: [], names: [], namespace: null, allNamespaces: true, subresource: null, collection: false,
    unrecognised: `--raw ${target} (${why})`,
  });
  const result = resolveRequestTarget(method, target);
  if (!result.ok) return unknown(`the path ${result.reason}`);
  const { info } = result;
  if (!info.isResourceRequest) {
    const path = info.path.replace(/\/$/, '');
    if (method === 'GET' && DESCRIPTIVE_PATHS.some((pattern) => pattern.test(path))) {
      return { resources: [], names: [], namespace: null, allNamespaces: false, subresource: null, collection: false, unrecognised: null };
    }
    return unknown('a non-resource path other than discovery, version, health or OpenAPI');
  }
  return resourceModel(info, resolver);
}

function resourceModel(info: RequestInfo, resolver: ResourceResolver): RawRequestModel {
  // The URL names the resource exactly (plural and group), so no short names or prefixes apply.
  const resolved = resolver.byGroupResource(info.apiGroup, info.resource);
  const exact = resolved.canonical !== null;
  const canonical = resolved.canonical ?? resolved.written;
  const namespaced = resolved.resource?.namespaced ?? true;
  return {
    resources: [canonical],
    names: info.name === '' ? [] : [info.name],
    namespace: info.namespace === '' ? null : info.namespace,
    // A namespaced resource addressed without a namespace is every namespace's (GET /api/v1/secrets).
    allNamespaces: namespaced && info.namespace === '',
    subresource: info.subresource !== '' ? info.subresource : info.verb === 'proxy' ? 'proxy' : null,
    collection: info.verb === 'deletecollection',
    unrecognised: exact ? null : canonical,
  };
}
