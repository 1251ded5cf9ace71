// An API request decided by the same policy as a command line: its request info and the object
// in its body become a command model (verb, resources, namespace, names, subresource, dry run,
// pod escapes), so a guardrail written for `kubectl delete namespace` or an RBAC change catches
// the same request when it comes from a file, stdin, kustomize or a client that is not kubectl.
// Pure.
import type { CommandIntent } from '../../../kubectl/intent.ts';
import { patchEscapes } from '../../../kubectl/pod-escape.ts';
import { builtinResolver } from '../../../kubectl/resource-resolve.ts';
import type { RequestInfo } from '../../../kube-api/request-info.ts';
import { evaluate } from '../../../policy/evaluate.ts';
import type { Decision, Identity, Policy } from '../../../policy/types.ts';
import { parse as parseYaml } from 'yaml';
import type { RequestBody } from './body.ts';

/** The API verb as the kubectl verb policies are written in. */
function kubectlVerb(info: RequestInfo): string {
  switch (info.subresource) {
    case 'exec': return 'exec';
    case 'attach': return 'attach';
    case 'portforward': return 'port-forward';
    case 'proxy': return 'proxy';
    case 'log': return 'logs';
    case 'scale': if (info.verb === 'update' || info.verb === 'patch') return 'scale'; break;
    default:
  }
  switch (info.verb) {
    case 'get': case 'list': case 'watch': return 'get';
    case 'create': return 'create';
    case 'update': return 'replace';
    case 'patch': return 'patch';
    case 'delete': case 'deletecollection': return 'delete';
    default: return info.verb;
  }
}

/** `plural` or `plural.group` for the URL's resource; `written` when kubectl's table does not know it. */
export function canonicalResource(info: RequestInfo): { canonical: string; known: boolean } {
  const resolved = builtinResolver.byGroupResource(info.apiGroup, info.resource);
  return { canonical: resolved.canonical ?? (info.apiGroup === '' ? info.resource : `${info.resource}.${info.apiGroup}`), known: resolved.canonical !== null };
}

/** The resource a body's kind names (a ClusterRoleBinding sent to another URL still counts as one). */
function kindResource(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { kind, apiVersion } = value as { kind?: unknown; apiVersion?: unknown };
  if (typeof kind !== 'string' || kind === '') return null;
  const group = typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const resolved = builtinResolver.resolve(group === '' ? kind.toLowerCase() : `${kind.toLowerCase()}.${group}`);
  return resolved.canonical;
}

function bodyName(value: unknown): string | null {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' && name !== '' ? name : null;
}

const PATCH_TYPES: Record<string, string> = {
  'application/json-patch+json': 'json', 'application/merge-patch+json': 'merge', 'application/strategic-merge-patch+json': 'strategic',
};

export function requestIntent(info: RequestInfo, query: URLSearchParams, body: RequestBody | null): CommandIntent {
  const { canonical, known } = canonicalResource(info);
  const resources = info.isResourceRequest ? [canonical] : [];
  const fromKind = body ? kindResource(body.value) : null;
  if (fromKind !== null && !resources.includes(fromKind)) resources.push(fromKind);
  const names = info.name !== '' ? [info.name] : [];
  const named = body ? bodyName(body.value) : null;
  if (named !== null && !names.includes(named)) names.push(named);
  const resolved = builtinResolver.byGroupResource(info.apiGroup, info.resource);
  const namespaced = resolved.resource?.namespaced ?? true;
  const verb = kubectlVerb(info);
  const flags: CommandIntent['flags'] = {};
  if (info.verb === 'deletecollection') flags['all'] = true;
  if (query.get('labelSelector')) flags['selector'] = query.get('labelSelector')!;
  if (query.get('fieldSelector')) flags['field-selector'] = query.get('fieldSelector')!;
  // A delete's grace period comes in the query or in the DeleteOptions body (kubectl --force --grace-period=0 sends 0 there).
  const bodyGrace = (body?.value as { gracePeriodSeconds?: unknown } | null)?.gracePeriodSeconds;
  const grace = query.get('gracePeriodSeconds') ?? (typeof bodyGrace === 'number' ? String(bodyGrace) : null);
  if (grace !== null) flags['grace-period'] = grace;
  const immediate = (info.verb === 'delete' || info.verb === 'deletecollection') && grace !== null && Number(grace) === 0;
  if (info.subresource === 'log' && ['true', '1'].includes(query.get('follow') ?? '')) flags['follow'] = true;
  const podEscapes = body && ['create', 'update', 'patch'].includes(info.verb)
    ? patchEscapes(body.bytes.toString('utf8'), PATCH_TYPES[body.contentType] ?? 'merge', (text) => parseYaml(text, { maxAliasCount: 0 }))
    : [];
  return {
    verb, resources, names, namespace: info.namespace === '' ? null : info.namespace, allNamespaces: namespaced && info.namespace === '' && info.isResourceRequest,
    subresource: info.subresource === '' ? null : info.subresource, selector: query.get('labelSelector'), filenames: [],
    dryRun: query.getAll('dryRun').includes('All') ? 'server' : 'none', force: immediate, output: null, context: null,
    containerCommand: query.getAll('command'), interactive: ['true', '1'].includes(query.get('stdin') ?? ''), tty: ['true', '1'].includes(query.get('tty') ?? ''),
    args: [], flags, unrecognised: info.isResourceRequest && !known ? [canonical] : [], cluster: null, overrides: [], plugin: null,
    podEscapes: NO_POD_SPEC_KINDS.has(canonical) ? [] : podEscapes,
  };
}

/** Objects that never carry a pod spec: an unreadable body there escapes nothing. */
const NO_POD_SPEC_KINDS = new Set(['configmaps', 'secrets', 'services', 'namespaces', 'serviceaccounts']);

/** The policy's decision on one API request of a session, as its identity and on its cluster. */
export function decideRequest(policy: Policy, intent: CommandIntent, identity: Identity, clusterServer: string): Decision {
  return evaluate(policy, intent, identity, { cluster: clusterServer });
}
