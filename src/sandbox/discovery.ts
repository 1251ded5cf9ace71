// Discovery documents. kubectl v1.32 asks /api and /apis for the aggregated form
// (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) first, which answers everything in two requests;
// the legacy per-group-version documents stay for older clients and `kubectl get --raw`.
import type { ResourceType } from './resources.ts';
import { RESOURCES, STANDARD_VERBS, groupVersion, groups } from './resources.ts';

export const AGGREGATED_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_TYPE_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-hkubectl-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const verbsOf = (r: ResourceType) => r.verbs ?? (r.resource === 'events' || r.resource === 'nodes' || r.resource === 'namespaces' ? STANDARD_VERBS.filter((v) => v !== 'deletecollection' || r.resource === 'events') : STANDARD_VERBS);

function aggregatedResource(r: ResourceType) {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: verbsOf(r),
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    ...(r.subresources
      ? { subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: s.kind, verbs: s.verbs })) }
      : {}),
  };
}

/** `/api` (core = true) or `/apis` (core = false) in aggregated form. */
export function aggregatedDiscovery(core: boolean, apiVersion = 'apidiscovery.k8s.io/v2') {
  const items = groups()
    .filter((g) => (g === '') === core)
    .map((group) => ({
      metadata: group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
      versions: [{ version: 'v1', resources: RESOURCES.filter((r) => r.group === group).map(aggregatedResource), freshness: 'Current' }],
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}

export function legacyApiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string) {
  const gv = { groupVersion: `${group}/v1`, version: 'v1' };
  return { name: group, versions: [gv], preferredVersion: gv };
}

export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().filter((g) => g !== '').map(groupEntry) };
}

export function apiGroup(group: string) {
  return groups().includes(group) && group !== '' ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group) } : undefined;
}

export function apiResourceList(group: string, version: string) {
  const list = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (list.length === 0) return undefined;
  const resources = list.flatMap((r) => [
    {
      name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: verbsOf(r),
      ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.categories ? { categories: r.categories } : {}),
    },
    ...(r.subresources ?? []).map((s) => ({
      name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind.kind, verbs: s.verbs,
      ...(s.kind.group !== r.group ? { group: s.kind.group, version: s.kind.version } : {}),
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}
