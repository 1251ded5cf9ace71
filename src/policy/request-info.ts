// An API request's path and method → the request info kube-apiserver derives from them
// (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go), so that a path is decided
// the same way whether it comes from `kubectl … --raw PATH` or, at the gateway, from any client.
// Pure. Accepted forms, as in the API server's doc comment:
//   /api/{version}/{resource}[/{name}[/{subresource}…]]            core group, cluster-scoped
//   /api/{version}/namespaces/{namespace}/{resource}[/{name}[/{subresource}…]]
//   /api/{version}/namespaces[/{name}[/status|/finalize]]          the Namespace objects themselves
//   /apis/{group}/{version}/…                                      the same under a named group
//   /api/{version}/watch/…, /api/{version}/proxy/…                  the legacy verb prefixes
//   anything else (/healthz, /version, /apis, /api/v1, /openapi/v2…) is a non-resource request
// Verbs: POST create, GET/HEAD get (list without a name, watch with ?watch=<not false/0>),
// PUT update, PATCH patch, DELETE delete (deletecollection without a name).
//
// Where the API server and a proxy in front of it could read a path differently, the path is
// refused instead of guessed: empty segments (`//`), `.` and `..` segments, percent escapes that
// decode to `/`, `%` or control characters, a fragment, or anything that is not an absolute path.

export interface RequestInfo {
  isResourceRequest: boolean;
  /** The decoded path the API server sees. */
  path: string;
  /** Kubernetes verb for resource requests (get, list, watch, create, update, patch, delete, deletecollection, proxy); the lower-case HTTP method otherwise. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path parts from {resource} on: resource/name/subresource/… */
  parts: string[];
}

export type RequestInfoResult = { ok: true; info: RequestInfo } | { ok: false; reason: string };

const API_PREFIXES = new Set(['api', 'apis']);
const GROUPLESS_PREFIXES = new Set(['api']);
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** Splits a request target (`/path?query`) and decodes its path as Go's url.Parse does, refusing what is ambiguous. */
export function splitRequestTarget(target: string): { ok: true; path: string; query: URLSearchParams } | { ok: false; reason: string } {
  if (!target.startsWith('/') || target.startsWith('//')) return { ok: false, reason: 'is not an absolute path on the API server (it must start with a single /)' };
  if (target.includes('#')) return { ok: false, reason: 'has a fragment (#)' };
  const question = target.indexOf('?');
  const rawPath = question === -1 ? target : target.slice(0, question);
  const rawQuery = question === -1 ? '' : target.slice(question + 1);
  if (/%(?![0-9a-fA-F]{2})/.test(rawPath)) return { ok: false, reason: 'has a malformed percent escape' };
  if (/%(2f|25|00|[01][0-9a-f]|7f)/i.test(rawPath)) return { ok: false, reason: 'has a percent escape for /, % or a control character, which servers and proxies read differently' };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, reason: 'has a percent escape that is not UTF-8' };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(path)) return { ok: false, reason: 'has whitespace or control characters' };
  const segments = path.slice(1).split('/');
  if (segments.at(-1) === '') segments.pop(); // one trailing slash: the API server trims it
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return { ok: false, reason: 'has empty, "." or ".." segments, which the API server and a proxy may resolve differently' };
  }
  return { ok: true, path, query: new URLSearchParams(rawQuery) };
}

/** requestinfo.go's NewRequestInfo for one method and request target. */
export function resolveRequestInfo(method: string, target: string): RequestInfoResult {
  const split = splitRequestTarget(target);
  if (!split.ok) return split;
  const upper = method.toUpperCase();
  const info: RequestInfo = {
    isResourceRequest: false, path: split.path, verb: method.toLowerCase(), apiPrefix: '', apiGroup: '', apiVersion: '',
    namespace: '', resource: '', subresource: '', name: '', parts: [],
  };
  const trimmed = split.path.replace(/^\/+|\/+$/g, '');
  let parts = trimmed === '' ? [] : trimmed.split('/');
  if (parts.length < 3 || !API_PREFIXES.has(parts[0] as string)) return { ok: true, info };
  info.apiPrefix = parts[0] as string;
  parts = parts.slice(1);
  if (!GROUPLESS_PREFIXES.has(info.apiPrefix)) {
    if (parts.length < 3) return { ok: true, info };
    info.apiGroup = parts[0] as string;
    parts = parts.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = parts[0] as string;
  parts = parts.slice(1);

  if (SPECIAL_VERBS.has(parts[0] as string)) {
    if (parts.length < 2) return { ok: false, reason: 'names a verb prefix (watch or proxy) but no resource' };
    info.verb = parts[0] as string;
    parts = parts.slice(1);
  } else {
    info.verb = METHOD_VERBS[upper] ?? '';
    if (info.verb === '') return { ok: false, reason: `uses the HTTP method ${upper}, which maps to no Kubernetes verb` };
  }

  if (parts[0] === 'namespaces' && parts.length > 1) {
    info.namespace = parts[1] as string;
    // /namespaces/{ns}/{resource}…: the resource is the next part, unless it is a namespace subresource.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] as string)) parts = parts.slice(2);
  }
  info.parts = parts;
  if (parts.length >= 3 && info.verb !== 'proxy') info.subresource = parts[2] as string;
  if (parts.length >= 2) info.name = parts[1] as string;
  info.resource = parts[0] as string;

  if (info.name === '' && info.verb === 'get') {
    const watch = split.query.get('watch');
    info.verb = watch !== null && !['false', '0'].includes(watch.toLowerCase()) ? 'watch' : 'list';
  }
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  return { ok: true, info };
}
