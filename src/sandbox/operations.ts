// Create, update, patch and delete with the apiserver's rules, shared by the HTTP handlers, the
// seed loader and the controllers.
import type { AdmissionContext } from './admission.ts';
import { admit } from './admission.ts';
import type { KubeObject } from './object.ts';
import { clone, isPlainObject } from './object.ts';
import type { PatchType } from './patch.ts';
import { applyPatch } from './patch.ts';
import type { ResourceType } from './resources.ts';
import { findResource, groupVersion } from './resources.ts';
import type { Store } from './store.ts';
import { StatusError, badRequest, conflict, invalid, status } from './status.ts';

export type Cluster = { store: Store; now: () => Date; admission: AdmissionContext };
/**
 * `guard` sees the object about to be written (after defaulting, dry run or not) and may refuse
 * it; requests use it for what depends on who writes (RBAC escalation prevention).
 */
export type WriteOptions = { dryRun?: boolean; guard?: (t: ResourceType, obj: KubeObject) => void };

export const NAMESPACES = findResource('', 'v1', 'namespaces')!;

function checkBody(t: ResourceType, namespace: string | undefined, body: unknown): KubeObject {
  if (!isPlainObject(body)) throw badRequest(`the body of the request was not a ${t.kind} object`);
  const obj = body as KubeObject;
  if (obj.kind !== undefined && obj.kind !== t.kind) throw badRequest(`the kind "${String(obj.kind)}" of the body does not match the resource ${t.resource} (kind ${t.kind})`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== groupVersion(t)) throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${groupVersion(t)})`);
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  obj.kind = t.kind;
  obj.apiVersion = groupVersion(t);
  if (t.namespaced) {
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace ?? obj.metadata.namespace ?? 'default';
  } else delete obj.metadata.namespace;
  return obj;
}

function requireLiveNamespace(cluster: Cluster, t: ResourceType, namespace: string | undefined, creating: boolean): void {
  if (!t.namespaced || namespace === undefined) return;
  const ns = cluster.store.mustGet(NAMESPACES, undefined, namespace);
  if (creating && ns.status?.phase === 'Terminating') {
    throw new StatusError(status(403, 'Forbidden', `${t.resource} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`));
  }
}

export function createObject(cluster: Cluster, t: ResourceType, namespace: string | undefined, body: unknown, opts: WriteOptions = {}): KubeObject {
  const obj = checkBody(t, namespace, body);
  requireLiveNamespace(cluster, t, obj.metadata.namespace, true);
  delete obj.metadata.resourceVersion;
  delete obj.metadata.uid;
  admit(t, obj, cluster.admission);
  opts.guard?.(t, obj);
  if (opts.dryRun) {
    if (obj.metadata.name && cluster.store.get(t, obj.metadata.namespace, obj.metadata.name)) throw conflictExists(cluster, t, obj);
    return { ...obj, metadata: { ...obj.metadata, uid: 'dry-run', creationTimestamp: cluster.now().toISOString().replace(/\.\d+Z$/, 'Z') } };
  }
  const created = cluster.store.create(t, obj);
  return t.kind === 'Job' ? selectJobPods(cluster, t, created) : created;
}

/** A Job selects its pods by its own uid, which exists only once stored (the apiserver does the same). */
function selectJobPods(cluster: Cluster, t: ResourceType, job: KubeObject): KubeObject {
  if (job.spec?.selector) return job;
  const labels = { 'batch.kubernetes.io/controller-uid': job.metadata.uid ?? '', 'batch.kubernetes.io/job-name': job.metadata.name ?? '', 'controller-uid': job.metadata.uid ?? '', 'job-name': job.metadata.name ?? '' };
  const template = job.spec.template ?? {};
  return cluster.store.update(t, {
    ...job,
    spec: { ...job.spec, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': job.metadata.uid } }, template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, ...labels } } } },
  });
}

function conflictExists(cluster: Cluster, t: ResourceType, obj: KubeObject): StatusError {
  try {
    cluster.store.create(t, { ...obj, metadata: { ...obj.metadata } });
  } catch (error) {
    return error as StatusError;
  }
  return badRequest('dry run failed');
}

/** PUT: the body replaces the object; `.status` survives unless `statusOnly` (the /status subresource). */
export function updateObject(cluster: Cluster, t: ResourceType, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions & { statusOnly?: boolean } = {}): KubeObject {
  const obj = checkBody(t, namespace, body);
  if (obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`);
  const current = cluster.store.mustGet(t, obj.metadata.namespace, name);
  if (obj.metadata.uid && obj.metadata.uid !== current.metadata.uid) throw conflict(t, name);
  let next = obj;
  if (opts.statusOnly) next = { ...current, status: obj.status, metadata: { ...current.metadata, resourceVersion: obj.metadata.resourceVersion } };
  else if (t.hasStatus) next.status = current.status;
  if (current.metadata.deletionTimestamp) next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
  admit(t, next, cluster.admission);
  if (t.kind === 'Deployment' || t.kind === 'ReplicaSet' || t.kind === 'Job') {
    if (JSON.stringify(next.spec?.selector) !== JSON.stringify(current.spec?.selector)) {
      throw invalid(t, name, 'spec.selector', `Invalid value: ${JSON.stringify(next.spec?.selector)}: field is immutable`);
    }
  }
  if ((t.kind === 'RoleBinding' || t.kind === 'ClusterRoleBinding') && JSON.stringify(next.roleRef) !== JSON.stringify(current.roleRef)) {
    throw invalid(t, name, 'roleRef', `Invalid value: ${JSON.stringify(next.roleRef)}: cannot change roleRef`);
  }
  opts.guard?.(t, next);
  if (opts.dryRun) {
    if (next.metadata.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) throw conflict(t, name);
    return next;
  }
  return cluster.store.update(t, next);
}

export function patchObject(cluster: Cluster, t: ResourceType, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: WriteOptions & { statusOnly?: boolean } = {}): KubeObject {
  const current = cluster.store.mustGet(t, namespace, name);
  const patched = applyPatch(type, current, patch);
  // A resourceVersion in the patch is a precondition; otherwise the patch applies to the latest.
  const patchRv = isPlainObject(patch) && isPlainObject(patch.metadata) ? patch.metadata.resourceVersion : undefined;
  patched.metadata.resourceVersion = typeof patchRv === 'string' ? patchRv : current.metadata.resourceVersion;
  return updateObject(cluster, t, namespace, name, patched, opts);
}

export type DeleteOptions = WriteOptions & { propagationPolicy?: string; preconditions?: { uid?: string; resourceVersion?: string } };

/** Deletes now, except namespaces, which turn Terminating while their contents go (see gc.ts). */
export function deleteObject(cluster: Cluster, t: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
  const current = cluster.store.mustGet(t, namespace, name);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== current.metadata.uid) throw conflict(t, name);
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw conflict(t, name);
  if (opts.dryRun) return current;
  if (t.kind === 'Namespace') {
    if (current.status?.phase === 'Terminating') return current;
    const terminating = clone(current);
    terminating.metadata.deletionTimestamp = cluster.now().toISOString().replace(/\.\d+Z$/, 'Z');
    terminating.status = { phase: 'Terminating' };
    return cluster.store.update(t, terminating);
  }
  if (opts.propagationPolicy === 'Orphan') orphanDependents(cluster, current);
  return cluster.store.delete(t, namespace, name);
}

function orphanDependents(cluster: Cluster, owner: KubeObject): void {
  for (const t of ['replicasets', 'pods', 'jobs'].map((r) => findResource(r === 'pods' ? '' : r === 'jobs' ? 'batch' : 'apps', 'v1', r)!)) {
    for (const obj of cluster.store.list(t, owner.metadata.namespace)) {
      const refs = obj.metadata.ownerReferences ?? [];
      if (!refs.some((r) => r.uid === owner.metadata.uid)) continue;
      obj.metadata.ownerReferences = refs.filter((r) => r.uid !== owner.metadata.uid);
      cluster.store.update(t, obj);
    }
  }
}
