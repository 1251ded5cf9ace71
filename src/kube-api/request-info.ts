// HTTP request → what it asks for, as the apiserver's RequestInfoFactory reads it
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go, v1.32). Pure, and the one reader of API
// paths in hkubectl: the sandbox authorises and serves from it (so what is authorised is exactly
// what is served), policy decides `kubectl --raw PATH` from it, and the relay's gateway reads every
// request with it — a path is decided the same way wherever it comes from.
//
// Resource paths:
//   /api/{version}/{resource}[/{name}[/{subresource}]]
//   /api/{version}/namespaces/{namespace}/{resource}[/{name}[/{subresource}]]
//   /apis/{group}/{version}/…                                   same forms for named groups
//   /api/{version}/namespaces/{namespace}                       the namespace itself (name = namespace)
//   /api/{version}/namespaces/{namespace}/status|finalize       the namespace's own subresources
//   /api/{version}/watch/…, /api/{version}/proxy/…               verb in the path (deprecated forms)
// Everything else (/api, /api/v1, /apis/apps, /apis/apps/v1, /version, /healthz…) is a
// non-resource request whose verb is the lowercased HTTP method.
//
// The subtle cases: GET without a name is list, or watch when `watch` is set to anything but
// "false"/"0"/""; a list or watch whose fieldSelector pins `metadata.name` carries that name (so
// resourceNames rules can apply); DELETE without a name is deletecollection.

export type RequestInfo = {
  isResourceRequest: boolean;
  /** The decoded URL path, as authorised for non-resource requests. */
  path: string;
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** resource/name/subresource/… as addressed, relative to the namespace. */
  parts: string[];
  /** The path went through `/namespaces/{namespace}/` to a resource (not the namespace itself). */
  inNamespace: boolean;
};

const API_PREFIXES = new Set(['api', 'apis']);
const GROUPLESS_PREFIXES = new Set(['api']);
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const SPECIAL_VERBS_NO_SUBRESOURCES = new Set(['proxy']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** Go's strings.Split(strings.Trim(path, "/"), "/"): empty segments in the middle stay. */
function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

/** A `watch` query value as the apiserver's bool conversion reads it. */
export function isWatch(query: URLSearchParams): boolean {
  if (!query.has('watch')) return false;
  const value = query.getAll('watch')[0]!;
  return !(value === '' || value === '0' || value.toLowerCase() === 'false');
}

/** path.IsValidPathSegmentName: a name that can stand in a URL segment. */
function validPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}

/** fields.Selector.RequiresExactMatch("metadata.name") on the raw fieldSelector text. */
function exactMetadataName(fieldSelector: string | null): string | undefined {
  if (!fieldSelector) return undefined;
  for (const term of fieldSelector.split(',')) {
    const m = /^\s*metadata\.name\s*(==|=)\s*(.*?)\s*$/.exec(term);
    if (m && !m[2]!.includes('!')) return m[2]!;
  }
  return undefined;
}

/** Splits a raw request target into its decoded path and query, never reading it as a URL with a host. */
export function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const at = target.indexOf('?');
  const rawPath = at < 0 ? target : target.slice(0, at);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new URIError(`invalid URL escape in ${JSON.stringify(rawPath)}`);
  }
  return { path, query: new URLSearchParams(at < 0 ? '' : target.slice(at + 1)) };
}

export function resolveRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false, path, verb: method.toLowerCase(),
    apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [], inNamespace: false,
  };
  let parts = splitPath(path);
  if (parts.length < 3 || !API_PREFIXES.has(parts[0]!)) return info;
  const apiPrefix = parts[0]!;
  parts = parts.slice(1);
  let apiGroup = '';
  if (!GROUPLESS_PREFIXES.has(apiPrefix)) {
    if (parts.length < 3) return info;
    apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  Object.assign(info, { isResourceRequest: true, apiPrefix, apiGroup, apiVersion: parts[0]! });
  parts = parts.slice(1);

  if (SPECIAL_VERBS.has(parts[0]!)) {
    // `/api/v1/watch` alone: the apiserver fails to resolve it; nothing is addressed.
    if (parts.length < 2) return { ...info, verb: parts[0]!, parts: [] };
    info.verb = parts[0]!;
    parts = parts.slice(1);
  } else {
    info.verb = METHOD_VERBS[method.toUpperCase()] ?? '';
  }

  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1]!;
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) {
        parts = parts.slice(2);
        info.inNamespace = true;
      }
    }
  }
  info.parts = parts;
  if (parts.length >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.has(info.verb)) info.subresource = parts[2]!;
  if (parts.length >= 2) info.name = parts[1]!;
  if (parts.length >= 1) info.resource = parts[0]!;

  if (info.name === '' && info.verb === 'get') {
    info.verb = isWatch(query) ? 'watch' : 'list';
    const name = exactMetadataName(query.get('fieldSelector'));
    if (name !== undefined && validPathSegmentName(name)) info.name = name;
  }
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}

export type RequestTargetResult = { ok: true; info: RequestInfo; query: URLSearchParams } | { ok: false; reason: string };

/**
 * A request target (`/path?query`) from an untrusted client, split and decoded as Go's url.Parse
 * does, refusing what a proxy in front of the API server and the API server itself could read
 * differently: empty segments (`//`), `.` and `..` segments, percent escapes that decode to `/`,
 * `%` or control characters, malformed or non-UTF-8 escapes, whitespace, a fragment, or anything
 * that is not an absolute path. Where the sandbox (a server) decodes what it is sent, a decider in
 * front of a server refuses instead of guessing.
 */
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

/**
 * The request info of an untrusted request target, or why it cannot be decided: a target
 * `splitRequestTarget` refuses, an HTTP method with no Kubernetes verb, or a verb prefix
 * (`/api/v1/watch`) that addresses nothing.
 */
export function resolveRequestTarget(method: string, target: string): RequestTargetResult {
  const split = splitRequestTarget(target);
  if (!split.ok) return split;
  const info = resolveRequestInfo(method, split.path, split.query);
  if (info.isResourceRequest && info.verb === '') return { ok: false, reason: `uses the HTTP method ${method.toUpperCase()}, which maps to no Kubernetes verb` };
  if (info.isResourceRequest && info.resource === '') return { ok: false, reason: 'names a verb prefix (watch or proxy) but no resource' };
  return { ok: true, info, query: split.query };
}
