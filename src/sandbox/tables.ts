// Server-side printing: kubectl asks for `as=Table;g=meta.k8s.io;v=v1` and prints the columns the
// server chose. Columns and cells follow the apiserver's printers (pkg/printers/internalversion).
import { ageOf } from './duration.ts';
import type { KubeObject } from './object.ts';
import type { ResourceType } from './resources.ts';
import { selectorText } from './selectors.ts';

type Column = { name: string; type: string; format: string; description: string; priority: number };
type Cell = string | number | boolean;
type Printer = { columns: [string, string, number?][]; cells: (obj: KubeObject, now: Date) => Cell[] };

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const orNone = (v: string) => (v === '' ? '<none>' : v);
const containers = (spec: KubeObject['spec']) => (spec?.template?.spec?.containers ?? []) as { name: string; image: string }[];
const workloadWide = (obj: KubeObject): Cell[] => [
  containers(obj.spec).map((c) => c.name).join(','),
  containers(obj.spec).map((c) => c.image).join(','),
  orNone(selectorText(obj.spec?.selector)),
];
const WIDE_WORKLOAD: [string, string, number][] = [['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]];

function podCells(pod: KubeObject, now: Date): Cell[] {
  const statuses = (pod.status?.containerStatuses ?? []) as { ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } }[];
  const total = (pod.spec?.containers ?? []).length;
  const ready = statuses.filter((s) => s.ready).length;
  const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  for (const s of statuses) {
    const r = s.state?.waiting?.reason ?? s.state?.terminated?.reason;
    if (r) reason = r;
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return [pod.metadata.name ?? '', `${ready}/${total}`, reason, String(restarts), ageOf(pod.metadata.creationTimestamp, now),
    pod.status?.podIP ?? '<none>', pod.spec?.nodeName ?? '<none>', '<none>', '<none>'];
}

function servicePorts(svc: KubeObject): string {
  const ports = (svc.spec?.ports ?? []) as { port: number; protocol?: string; nodePort?: number }[];
  return ports.length === 0 ? '<none>' : ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function subjects(binding: KubeObject, kind: string): string {
  return ((binding.subjects ?? []) as { kind: string; name: string; namespace?: string }[])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

function eventObject(ev: KubeObject): string {
  const o = ev.involvedObject ?? {};
  return `${str(o.kind).toLowerCase()}/${str(o.name)}`;
}

function jobStatus(job: KubeObject): string {
  const conditions = (job.status?.conditions ?? []) as { type: string; status: string }[];
  const has = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  return 'Running';
}

const PRINTERS: Record<string, Printer> = {
  Namespace: { columns: [['Name', 'string'], ['Status', 'string'], ['Age', 'string']], cells: (o, now) => [o.metadata.name ?? '', o.status?.phase ?? 'Active', ageOf(o.metadata.creationTimestamp, now)] },
  Pod: {
    columns: [['Name', 'string'], ['Ready', 'string'], ['Status', 'string'], ['Restarts', 'string'], ['Age', 'string'], ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1]],
    cells: podCells,
  },
  Service: {
    columns: [['Name', 'string'], ['Type', 'string'], ['Cluster-IP', 'string'], ['External-IP', 'string'], ['Port(s)', 'string'], ['Age', 'string'], ['Selector', 'string', 1]],
    cells: (o, now) => [o.metadata.name ?? '', o.spec?.type ?? 'ClusterIP', o.spec?.clusterIP ?? '<none>', '<none>', servicePorts(o), ageOf(o.metadata.creationTimestamp, now),
      orNone(Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(','))],
  },
  ConfigMap: { columns: [['Name', 'string'], ['Data', 'integer'], ['Age', 'string']], cells: (o, now) => [o.metadata.name ?? '', Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, ageOf(o.metadata.creationTimestamp, now)] },
  Secret: { columns: [['Name', 'string'], ['Type', 'string'], ['Data', 'integer'], ['Age', 'string']], cells: (o, now) => [o.metadata.name ?? '', o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, ageOf(o.metadata.creationTimestamp, now)] },
  ServiceAccount: { columns: [['Name', 'string'], ['Secrets', 'integer'], ['Age', 'string']], cells: (o, now) => [o.metadata.name ?? '', (o.secrets ?? []).length, ageOf(o.metadata.creationTimestamp, now)] },
  Event: {
    columns: [['Last Seen', 'string'], ['Type', 'string'], ['Reason', 'string'], ['Object', 'string'], ['Subobject', 'string', 1], ['Source', 'string', 1], ['Message', 'string'], ['First Seen', 'string', 1], ['Count', 'string', 1], ['Name', 'string', 1]],
    cells: (o, now) => [ageOf(o.lastTimestamp ?? o.metadata.creationTimestamp, now), o.type ?? 'Normal', o.reason ?? '', eventObject(o), str(o.involvedObject?.fieldPath),
      str(o.source?.component), o.message ?? '', ageOf(o.firstTimestamp ?? o.metadata.creationTimestamp, now), String(o.count ?? 1), o.metadata.name ?? ''],
  },
  Node: {
    columns: [['Name', 'string'], ['Status', 'string'], ['Roles', 'string'], ['Age', 'string'], ['Version', 'string'], ['Internal-IP', 'string', 1], ['External-IP', 'string', 1], ['OS-Image', 'string', 1], ['Kernel-Version', 'string', 1], ['Container-Runtime', 'string', 1]],
    cells: (o, now) => [o.metadata.name ?? '', 'Ready', '<none>', ageOf(o.metadata.creationTimestamp, now), str(o.status?.nodeInfo?.kubeletVersion),
      str(o.status?.addresses?.[0]?.address), '<none>', str(o.status?.nodeInfo?.osImage), str(o.status?.nodeInfo?.kernelVersion), str(o.status?.nodeInfo?.containerRuntimeVersion)],
  },
  Deployment: {
    columns: [['Name', 'string'], ['Ready', 'string'], ['Up-to-date', 'integer'], ['Available', 'integer'], ['Age', 'string'], ...WIDE_WORKLOAD],
    cells: (o, now) => [o.metadata.name ?? '', `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, ageOf(o.metadata.creationTimestamp, now), ...workloadWide(o)],
  },
  ReplicaSet: {
    columns: [['Name', 'string'], ['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer'], ['Age', 'string'], ...WIDE_WORKLOAD],
    cells: (o, now) => [o.metadata.name ?? '', o.spec?.replicas ?? 1, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, ageOf(o.metadata.creationTimestamp, now), ...workloadWide(o)],
  },
  Job: {
    columns: [['Name', 'string'], ['Status', 'string'], ['Completions', 'string'], ['Duration', 'string'], ['Age', 'string'], ...WIDE_WORKLOAD],
    cells: (o, now) => [o.metadata.name ?? '', jobStatus(o), `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`,
      o.status?.startTime ? ageOf(o.status.startTime, o.status.completionTime ? new Date(o.status.completionTime) : now) : '', ageOf(o.metadata.creationTimestamp, now), ...workloadWide(o)],
  },
  Role: { columns: [['Name', 'string'], ['Created At', 'string']], cells: (o) => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''] },
  ClusterRole: { columns: [['Name', 'string'], ['Created At', 'string']], cells: (o) => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''] },
  RoleBinding: {
    columns: [['Name', 'string'], ['Role', 'string'], ['Age', 'string'], ['Users', 'string', 1], ['Groups', 'string', 1], ['ServiceAccounts', 'string', 1]],
    cells: (o, now) => [o.metadata.name ?? '', `${str(o.roleRef?.kind)}/${str(o.roleRef?.name)}`, ageOf(o.metadata.creationTimestamp, now), subjects(o, 'User'), subjects(o, 'Group'), subjects(o, 'ServiceAccount')],
  },
};
PRINTERS.ClusterRoleBinding = PRINTERS.RoleBinding!;

const DEFAULT_PRINTER: Printer = { columns: [['Name', 'string'], ['Created At', 'date']], cells: (o) => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''] };

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(obj: KubeObject, include: IncludeObject): KubeObject | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(t: ResourceType, objects: KubeObject[], opts: { now: Date; include: IncludeObject; resourceVersion: string; headers?: boolean; continueToken?: string }): KubeObject {
  const printer = PRINTERS[t.kind] ?? DEFAULT_PRINTER;
  const columnDefinitions: Column[] = printer.columns.map(([name, type, priority]) => ({
    name, type, format: name === 'Name' ? 'name' : '', description: name, priority: priority ?? 0,
  }));
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: opts.resourceVersion, ...(opts.continueToken ? { continue: opts.continueToken } : {}) },
    ...(opts.headers === false ? {} : { columnDefinitions }),
    rows: objects.map((obj) => {
      const object = rowObject(obj, opts.include);
      return { cells: printer.cells(obj, opts.now), ...(object ? { object } : {}) };
    }),
  };
}
