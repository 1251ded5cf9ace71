// URL → what is addressed. The apiserver's layout:
//   /api/v1/<resource>[/<name>[/<sub>]]                          cluster-scoped or all namespaces
//   /api/v1/namespaces/<ns>/<resource>[/<name>[/<sub>]]          namespaced
//   /apis/<group>/<version>/…                                    same for named groups
import type { ResourceType } from './resources.ts';
import { findResource } from './resources.ts';
import { notFoundPath } from './status.ts';

export type ResourceRoute = { type: ResourceType; namespace?: string; name?: string; sub?: string };

export function parseResourcePath(pathname: string): ResourceRoute | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    [group, version, rest] = ['', parts[1]!, parts.slice(2)];
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    [group, version, rest] = [parts[1]!, parts[2]!, parts.slice(3)];
  } else return undefined;

  let namespace: string | undefined;
  // `namespaces/<ns>/<resource>…` addresses objects in a namespace, except the namespace's own
  // subresources (`namespaces/<ns>/status|finalize`).
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, sub, ...extra] = rest;
  if (!resource || extra.length > 0) throw notFoundPath();
  const type = findResource(group, version, resource);
  if (!type) throw notFoundPath();
  if (namespace !== undefined && !type.namespaced) throw notFoundPath();
  if (sub !== undefined && !(type.subresources ?? []).some((s) => s.name === sub)) throw notFoundPath();
  return { type, namespace, name, sub };
}
