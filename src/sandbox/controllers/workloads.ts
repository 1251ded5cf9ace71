// Deployments → ReplicaSets → Pods, and Jobs → Pods, the way kube-controller-manager does it
// in outline: one ReplicaSet per pod template (named by the template's hash), old ones scaled to
// zero at once, status rolled up from the pods so `rollout status` and `wait` see progress.
import { createHash } from 'node:crypto';
import { admit } from '../admission.ts';
import type { KubeObject, OwnerReference } from '../object.ts';
import type { Cluster } from '../operations.ts';
import { findResource } from '../resources.ts';
import { labelSelectorFromSpec } from '../selectors.ts';
import type { Change } from '../store.ts';
import type { EventRecorder } from './events.ts';
import { workQueue } from './queue.ts';

const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
const REPLICASETS = findResource('apps', 'v1', 'replicasets')!;
const PODS = findResource('', 'v1', 'pods')!;
const JOBS = findResource('batch', 'v1', 'jobs')!;
const REVISION = 'deployment.kubernetes.io/revision';
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

const stamp = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  return [...digest.subarray(0, 10)].map((b) => SAFE[b % SAFE.length]).join('');
}

const ownerRef = (o: KubeObject): OwnerReference => ({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '', controller: true, blockOwnerDeletion: true });
const ownedBy = (o: KubeObject, owner: KubeObject) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid && r.controller);
const isReady = (p: KubeObject) => (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');

export function startWorkloadControllers(cluster: Cluster, record: EventRecorder, randomSuffix: () => string, onError: (e: unknown) => void): () => void {
  const { store, now } = cluster;
  const podFor = (pod: KubeObject) => admit(PODS, pod, cluster.admission);

  const writeStatus = (t: typeof DEPLOYMENTS, obj: KubeObject, status: Record<string, unknown>) => {
    if (same(obj.status, status)) return;
    store.update(t, { ...obj, status });
  };

  const reconcileReplicaSet = (key: string) => {
    const [ns, name] = key.split('/') as [string, string];
    const rs = store.get(REPLICASETS, ns, name);
    if (!rs) return;
    const pods = store.list(PODS, ns).filter((p) => ownedBy(p, rs) && !p.metadata.deletionTimestamp);
    const want = rs.spec?.replicas ?? 1;
    for (let i = pods.length; i < want; i += 1) {
      const pod = store.create(PODS, podFor({
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: `${name}-${randomSuffix()}`, namespace: ns, labels: { ...rs.spec.template.metadata?.labels }, annotations: rs.spec.template.metadata?.annotations, ownerReferences: [ownerRef(rs)] },
        spec: structuredClone(rs.spec.template.spec),
      }));
      record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller');
    }
    for (const pod of pods.slice(want)) {
      store.delete(PODS, ns, pod.metadata.name ?? '');
      record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'replicaset-controller');
    }
    const live = store.list(PODS, ns).filter((p) => ownedBy(p, rs));
    const ready = live.filter(isReady).length;
    writeStatus(REPLICASETS, rs, { replicas: live.length, fullyLabeledReplicas: live.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: rs.metadata.generation });
  };

  const reconcileDeployment = (key: string) => {
    const [ns, name] = key.split('/') as [string, string];
    const deploy = store.get(DEPLOYMENTS, ns, name);
    if (!deploy) return;
    const hash = templateHash(deploy.spec.template);
    const owned = store.list(REPLICASETS, ns).filter((rs) => ownedBy(rs, deploy));
    let current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const maxRevision = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0)));
    const want = deploy.spec.replicas ?? 1;
    if (!current) {
      const labels = { ...deploy.spec.template.metadata?.labels, 'pod-template-hash': hash };
      current = store.create(REPLICASETS, {
        apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: { name: `${name}-${hash}`, namespace: ns, labels, annotations: { [REVISION]: String(maxRevision + 1), 'deployment.kubernetes.io/desired-replicas': String(want) }, ownerReferences: [ownerRef(deploy)] },
        spec: { replicas: want, selector: { matchLabels: { ...deploy.spec.selector.matchLabels, 'pod-template-hash': hash } }, template: { ...deploy.spec.template, metadata: { ...deploy.spec.template.metadata, labels } } },
      });
      record(deploy, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${current.metadata.name} from 0 to ${want}`, 'deployment-controller');
    } else if (current.spec.replicas !== want) {
      const from = current.spec.replicas;
      current = store.update(REPLICASETS, { ...current, spec: { ...current.spec, replicas: want } });
      record(deploy, 'Normal', 'ScalingReplicaSet', `Scaled ${want > from ? 'up' : 'down'} replica set ${current.metadata.name} from ${from} to ${want}`, 'deployment-controller');
    }
    for (const old of owned) {
      if (old.metadata.uid === current.metadata.uid || old.spec.replicas === 0) continue;
      store.update(REPLICASETS, { ...old, spec: { ...old.spec, replicas: 0 } });
      record(deploy, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${old.metadata.name} from ${old.spec.replicas} to 0`, 'deployment-controller');
    }
    const revision = current.metadata.annotations?.[REVISION];
    if (revision && deploy.metadata.annotations?.[REVISION] !== revision) {
      store.update(DEPLOYMENTS, { ...deploy, metadata: { ...deploy.metadata, annotations: { ...deploy.metadata.annotations, [REVISION]: revision } } });
      return; // the update re-queues this deployment
    }
    const pods = store.list(PODS, ns).filter((p) => owned.some((rs) => ownedBy(p, rs)) || ownedBy(p, current!));
    const updated = pods.filter((p) => ownedBy(p, current!));
    const available = pods.filter(isReady).length;
    const previous = (deploy.status?.conditions ?? []) as { type: string; status: string; lastTransitionTime?: string }[];
    const condition = (type: string, ok: boolean, reason: string, message: string) => {
      const before = previous.find((c) => c.type === type);
      const transition = before && before.status === (ok ? 'True' : 'False') ? before.lastTransitionTime : stamp(now());
      return { type, status: ok ? 'True' : 'False', lastUpdateTime: transition, lastTransitionTime: transition, reason, message };
    };
    const complete = updated.length === want && pods.length === want && available >= want;
    writeStatus(DEPLOYMENTS, deploy, {
      observedGeneration: deploy.metadata.generation,
      replicas: pods.length,
      updatedReplicas: updated.length,
      readyReplicas: available,
      availableReplicas: available,
      ...(pods.length - available > 0 ? { unavailableReplicas: pods.length - available } : {}),
      conditions: [
        condition('Available', available >= want, available >= want ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', `Deployment ${available >= want ? 'has' : 'does not have'} minimum availability.`),
        condition('Progressing', true, complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', `ReplicaSet "${current.metadata.name}" ${complete ? 'has successfully progressed' : 'is progressing'}.`),
      ],
    });
  };

  const reconcileJob = (key: string) => {
    const [ns, name] = key.split('/') as [string, string];
    const job = store.get(JOBS, ns, name);
    if (!job) return;
    const pods = store.list(PODS, ns).filter((p) => ownedBy(p, job));
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
    const active = pods.length - succeeded - failed;
    const completions = job.spec.completions ?? 1;
    const done = succeeded >= completions;
    const gaveUp = failed > (job.spec.backoffLimit ?? 6);
    if (!done && !gaveUp && active === 0) {
      const labels = { ...job.spec.template.metadata?.labels };
      const pod = store.create(PODS, podFor({
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: `${name}-${randomSuffix()}`, namespace: ns, labels, ownerReferences: [ownerRef(job)] },
        spec: structuredClone(job.spec.template.spec),
      }));
      record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'job-controller');
    }
    const conditions = done ? [{ type: 'Complete', status: 'True', lastProbeTime: stamp(now()), lastTransitionTime: stamp(now()) }]
      : gaveUp ? [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] : undefined;
    const status = {
      startTime: job.status?.startTime ?? stamp(now()),
      ...(active > 0 ? { active } : {}),
      ...(succeeded ? { succeeded } : {}),
      ...(failed ? { failed } : {}),
      ...(conditions ? { conditions: job.status?.conditions ?? conditions, completionTime: job.status?.completionTime ?? (done ? stamp(now()) : undefined) } : {}),
    };
    if (!same(JSON.parse(JSON.stringify(status)), job.status)) store.update(JOBS, { ...job, status: JSON.parse(JSON.stringify(status)) });
  };

  const deployments = workQueue(reconcileDeployment, onError);
  const replicaSets = workQueue(reconcileReplicaSet, onError);
  const jobs = workQueue(reconcileJob, onError);
  const ownerKey = (o: KubeObject, kind: string) => {
    const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === kind);
    return ref ? `${o.metadata.namespace}/${ref.name}` : undefined;
  };

  const off = store.onChange((c: Change) => {
    const key = `${c.object.metadata.namespace}/${c.object.metadata.name}`;
    if (c.resource === DEPLOYMENTS) deployments.add(key);
    if (c.resource === JOBS) jobs.add(key);
    if (c.resource === REPLICASETS) {
      replicaSets.add(key);
      const owner = ownerKey(c.object, 'Deployment');
      if (owner) deployments.add(owner);
    }
    if (c.resource === PODS) {
      const rs = ownerKey(c.object, 'ReplicaSet');
      if (rs) replicaSets.add(rs);
      const job = ownerKey(c.object, 'Job');
      if (job) jobs.add(job);
    }
  });
  return () => {
    off();
    deployments.stop();
    replicaSets.stop();
    jobs.stop();
  };
}
