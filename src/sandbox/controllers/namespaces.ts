// Namespace lifecycle and garbage collection: a new namespace gets its `default`
// ServiceAccount; a Terminating namespace loses everything in it and then itself; deleting an
// owner deletes its dependents (ownerReferences), the default "Background" propagation.
import type { Cluster } from '../operations.ts';
import { NAMESPACES } from '../operations.ts';
import { RESOURCES, findResource } from '../resources.ts';
import type { Change } from '../store.ts';
import { workQueue } from './queue.ts';

const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;

export function startNamespaceController(cluster: Cluster, onError: (e: unknown) => void): () => void {
  const { store } = cluster;
  const namespaces = workQueue((name) => {
    const ns = store.get(NAMESPACES, undefined, name);
    if (!ns) return;
    if (ns.status?.phase === 'Terminating') {
      for (const t of RESOURCES) {
        if (!t.namespaced) continue;
        for (const obj of store.list(t, name)) store.delete(t, name, obj.metadata.name ?? '');
      }
      store.delete(NAMESPACES, undefined, name);
    } else if (!store.get(SERVICE_ACCOUNTS, name, 'default')) {
      store.create(SERVICE_ACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
    }
  }, onError);

  const orphans = workQueue((key) => {
    const [namespace, uid] = key.split('/') as [string, string];
    for (const t of RESOURCES) {
      if (!t.namespaced) continue;
      for (const obj of store.list(t, namespace)) {
        if ((obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) {
          store.delete(t, namespace, obj.metadata.name ?? '');
        }
      }
    }
  }, onError);

  const off = store.onChange((c: Change) => {
    if (c.resource === NAMESPACES && c.type !== 'DELETED') namespaces.add(c.object.metadata.name ?? '');
    if (c.type === 'DELETED' && c.resource.namespaced && ['Deployment', 'ReplicaSet', 'Job'].includes(c.resource.kind)) {
      orphans.add(`${c.object.metadata.namespace}/${c.object.metadata.uid}`);
    }
  });
  return () => {
    off();
    namespaces.stop();
    orphans.stop();
  };
}
