// What a resource request addresses, taken from its RequestInfo (src/kube-api/request-info.ts) so that the
// object served is the one that was authorised. The apiserver's layout:
//   /api/v1/<resource>[/<name>[/<sub>]]                          cluster-scoped or all namespaces
//   /api/v1/namespaces/<ns>/<resource>[/<name>[/<sub>]]          namespaced
//   /apis/<group>/<version>/…                                    same for named groups
import type { RequestInfo } from '../kube-api/request-info.ts';
import type { ResourceType } from './resources.ts';
import { findResource } from './resources.ts';
import { notFoundPath } from './status.ts';

export type ResourceRoute = { type: ResourceType; namespace?: string; name?: string; sub?: string; verb: string };

export function routeOf(info: RequestInfo): ResourceRoute {
  // The deprecated verb-in-path forms (/watch/…, /proxy/…) and anything deeper than a
  // subresource are not served; nor is a path with an empty segment where a name should be.
  if (!info.isResourceRequest || info.verb === 'proxy' || info.parts.length > 3 || info.parts.some((p) => p === '')) throw notFoundPath();
  if (info.verb === 'watch' && info.parts.length !== 1) throw notFoundPath();
  const type = findResource(info.apiGroup, info.apiVersion, info.resource);
  if (!type) throw notFoundPath();
  // `/namespaces/<ns>` (and its status/finalize) is the namespace itself, not a namespaced object;
  // a cluster-scoped kind under `/namespaces/<ns>/` is no path at all.
  if (info.inNamespace && (!type.namespaced || info.namespace === '')) throw notFoundPath();
  const namespace = info.inNamespace ? info.namespace : undefined;
  const name = info.parts.length >= 2 ? info.parts[1] : undefined;
  const sub = info.parts.length >= 3 ? info.parts[2] : undefined;
  if (sub !== undefined && !(type.subresources ?? []).some((s) => s.name === sub)) throw notFoundPath();
  return { type, namespace, name, sub, verb: info.verb };
}
