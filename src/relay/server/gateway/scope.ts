// A session grant's scope: derived once from the relay's own parse of the command (never the
// wrapper's), and checked against every API request of the session. Pure.
//
// How a request is placed in a scope:
// - its class: reads (get, list, watch; self-reviews such as `auth can-i`; any write with
//   dryRun=All, which changes nothing) fit every session; writes need a write session (or a
//   `debug` access session, which creates pods); connects (exec, attach, portforward, proxy
//   subresources, whatever the method) need an access session that opens that very subresource;
// - its namespace: one the command named (or its context's), unless the scope says `*`; a
//   request across all namespaces needs `*`;
// - its resource: writes and connects must name a resource the command named (or a resource the
//   verb writes on its own: expose → services…); reads of other resources are what kubectl does
//   around a command (describe reads events, logs reads pods), except Secrets, which only a
//   command that named them may read.
import type { CommandIntent } from '../../../kubectl/intent.ts';
import { builtinResolver } from '../../../kubectl/resource-resolve.ts';
import type { GrantScope } from '../../../contract/audit-events.ts';
import type { RequestInfo } from '../../../kube-api/request-info.ts';
import { verbClass } from '../../../policy/verbs.ts';

/** Resources a verb writes besides the ones it names. */
const ALSO_WRITES: Record<string, string[]> = {
  expose: ['services'],
  autoscale: ['horizontalpodautoscalers.autoscaling'],
  run: ['pods'],
  debug: ['pods'],
  'create token': ['serviceaccounts'],
};

/** Connect subresources each access verb opens. */
const CONNECTS: Record<string, string[]> = {
  exec: ['exec'], cp: ['exec'], attach: ['attach'], 'port-forward': ['portforward'], debug: ['attach', 'exec'], proxy: ['proxy'],
};

export const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);

/** Creates that only ask the API a question about the caller (kubectl auth can-i / whoami). */
const SELF_REVIEWS = new Set([
  'selfsubjectaccessreviews.authorization.k8s.io', 'selfsubjectrulesreviews.authorization.k8s.io', 'selfsubjectreviews.authentication.k8s.io',
]);

const SENSITIVE_READS = new Set(['secrets']);

export function scopeOf(intent: CommandIntent, approved: boolean): GrantScope {
  const kind = verbClass(intent);
  const fromFiles = intent.filenames.length > 0 || intent.flags['kustomize'] !== undefined;
  const verbClassOf: GrantScope['verbClass'] = kind === 'read' ? 'read' : kind === 'access' ? 'access' : 'write';
  const namespaces: GrantScope['namespaces'] = intent.allNamespaces || fromFiles ? '*' : [intent.namespace ?? 'default'];
  const unknown = fromFiles || intent.resources.length === 0 || intent.unrecognised.length > 0;
  const resources: GrantScope['resources'] = unknown && kind !== 'access' ? '*' : [...new Set([...intent.resources, ...(ALSO_WRITES[intent.verb] ?? []), ...(kind === 'access' ? ['pods'] : [])])];
  return { verbClass: verbClassOf, namespaces, resources, connect: CONNECTS[intent.verb] ?? [], approved };
}

export type RequestClass = 'read' | 'write' | 'connect';

/** What kind of request this is, for the scope: see the head of this file. */
export function requestClass(info: RequestInfo, canonical: string, query: URLSearchParams): RequestClass {
  if (CONNECT_SUBRESOURCES.has(info.subresource) || info.verb === 'proxy') return 'connect';
  if (['get', 'list', 'watch'].includes(info.verb)) return 'read';
  if (info.verb === 'create' && SELF_REVIEWS.has(canonical)) return 'read';
  if (query.getAll('dryRun').includes('All')) return 'read';
  return 'write';
}

export type ScopeCheck = { ok: true } | { ok: false; message: string };

/** Whether `canonical` (the resource as `plural.group`) is namespaced; unknown resources count as namespaced. */
function namespaced(canonical: string): boolean {
  const dot = canonical.indexOf('.');
  const resolved = builtinResolver.byGroupResource(dot < 0 ? '' : canonical.slice(dot + 1), dot < 0 ? canonical : canonical.slice(0, dot));
  return resolved.resource?.namespaced ?? true;
}

export function checkScope(scope: GrantScope, info: RequestInfo, canonical: string, kind: RequestClass, verb: string): ScopeCheck {
  const refuse = (message: string): ScopeCheck => ({ ok: false, message });
  const what = `${info.verb} ${canonical}${info.subresource ? `/${info.subresource}` : ''}`;
  const writes = scope.verbClass === 'write' || (scope.verbClass === 'access' && verb === 'debug');
  if (kind === 'write' && !writes) return refuse(`this session was allowed to ${scope.verbClass === 'read' ? 'read' : 'open a shell or tunnel'}, not to ${what}`);
  if (kind === 'connect') {
    if (scope.verbClass !== 'access') return refuse(`this session may not open ${info.subresource || info.verb} (it was allowed to ${scope.verbClass})`);
    if (!scope.connect.includes(info.subresource || info.verb)) return refuse(`this session may open ${scope.connect.join(', ') || 'nothing'}, not ${info.subresource || info.verb}`);
  }
  if (scope.namespaces !== '*') {
    if (info.namespace !== '' && !scope.namespaces.includes(info.namespace)) return refuse(`this session is limited to namespace ${scope.namespaces.join(', ')}, not ${info.namespace}`);
    if (info.namespace === '' && namespaced(canonical)) return refuse(`this session is limited to namespace ${scope.namespaces.join(', ')}; ${what} across all namespaces is outside it`);
  }
  if (scope.resources !== '*') {
    const named = scope.resources.includes(canonical);
    if ((kind === 'write' || kind === 'connect') && !named) return refuse(`this session may change ${scope.resources.join(', ')}, not ${canonical}`);
    if (kind === 'read' && !named && SENSITIVE_READS.has(canonical)) return refuse(`this session did not name ${canonical}, so it may not read them`);
  }
  return { ok: true };
}
