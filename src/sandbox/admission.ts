// Defaulting and validation on create/update, the part of each kind's registry strategy that
// kubectl users notice: Secret stringData folded into base64 data, a Deployment needs a selector
// that matches its template, a Service gets a cluster IP, names must be DNS subdomains.
import type { KubeObject } from './object.ts';
import { isPlainObject } from './object.ts';
import type { ResourceType } from './resources.ts';
import { invalid } from './status.ts';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RBAC_NAME = /^[^/%]+$/;

export type AdmissionContext = { allocateClusterIP: () => string };

function defaultPodSpec(spec: Record<string, any>): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.serviceAccountName ??= 'default';
  spec.securityContext ??= {};
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    if (!isPlainObject(c)) continue;
    const image = String(c.image ?? '');
    c.imagePullPolicy ??= image.endsWith(':latest') || !image.includes(':') ? 'Always' : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    for (const p of (c.ports ?? []) as Record<string, unknown>[]) p.protocol ??= 'TCP';
  }
}

function requirePodSpec(t: ResourceType, name: string, spec: Record<string, any> | undefined, field: string): void {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) throw invalid(t, name, `${field}.containers`, 'Required value');
  containers.forEach((c: Record<string, unknown>, i: number) => {
    if (!c || typeof c.name !== 'string' || !DNS_LABEL.test(c.name)) throw invalid(t, name, `${field}.containers[${i}].name`, 'Required value');
    if (typeof c.image !== 'string' || c.image === '') throw invalid(t, name, `${field}.containers[${i}].image`, 'Required value');
  });
}

function workload(t: ResourceType, obj: KubeObject): void {
  const name = obj.metadata.name ?? '';
  const spec = (obj.spec ??= {});
  const selector = spec.selector?.matchLabels as Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0) throw invalid(t, name, 'spec.selector', 'Required value');
  const labels = (spec.template?.metadata?.labels ?? {}) as Record<string, string>;
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    throw invalid(t, name, 'spec.template.metadata.labels', `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``);
  }
  requirePodSpec(t, name, spec.template?.spec, 'spec.template.spec');
  defaultPodSpec(spec.template.spec);
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  if (t.kind === 'Deployment') {
    spec.progressDeadlineSeconds ??= 600;
    // An empty strategy (kubectl create deployment sends one) is defaulted like a missing one.
    spec.strategy = { ...(isPlainObject(spec.strategy) ? spec.strategy : {}) };
    spec.strategy.type ??= 'RollingUpdate';
    if (spec.strategy.type === 'RollingUpdate') spec.strategy.rollingUpdate = { maxUnavailable: '25%', maxSurge: '25%', ...spec.strategy.rollingUpdate };
  }
}

function decodesAsBase64(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0;
}

const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const supported = (value: unknown, values: string[]) => `Unsupported value: ${JSON.stringify(value ?? '')}: supported values: ${values.map((v) => JSON.stringify(v)).join(', ')}`;

/** The parts of RBAC validation that decide what a binding or rule can match (pkg/apis/rbac/validation). */
function rbac(t: ResourceType, obj: KubeObject): void {
  const name = obj.metadata.name ?? '';
  if (t.kind === 'Role' || t.kind === 'ClusterRole') {
    const rules = obj.rules ?? [];
    if (!Array.isArray(rules)) throw invalid(t, name, 'rules', 'Invalid value: must be a list');
    rules.forEach((r: unknown, i: number) => {
      const rule = (isPlainObject(r) ? r : {}) as Record<string, unknown>;
      if (!Array.isArray(rule.verbs) || rule.verbs.length === 0) throw invalid(t, name, `rules[${i}].verbs`, 'Required value: verbs must contain at least one value');
      const urls = Array.isArray(rule.nonResourceURLs) ? rule.nonResourceURLs : [];
      if (urls.length > 0 && t.kind === 'Role') throw invalid(t, name, `rules[${i}].nonResourceURLs`, 'Invalid value: namespaced rules cannot apply to non-resource URLs');
      const resources = Array.isArray(rule.resources) ? rule.resources : [];
      if (urls.length > 0 && resources.length > 0) throw invalid(t, name, `rules[${i}].nonResourceURLs`, 'Invalid value: rules cannot apply to both regular resources and non-resource URLs');
      if (urls.length === 0 && (!Array.isArray(rule.apiGroups) || rule.apiGroups.length === 0)) throw invalid(t, name, `rules[${i}].apiGroups`, 'Required value: resource rules must supply at least one api group');
      if (urls.length === 0 && resources.length === 0) throw invalid(t, name, `rules[${i}].resources`, 'Required value: resource rules must supply at least one resource');
    });
    obj.rules = rules;
    return;
  }
  const kinds = t.kind === 'ClusterRoleBinding' ? ['ClusterRole'] : ['ClusterRole', 'Role'];
  const ref = (isPlainObject(obj.roleRef) ? obj.roleRef : {}) as Record<string, unknown>;
  if (ref.apiGroup !== RBAC_GROUP) throw invalid(t, name, 'roleRef.apiGroup', supported(ref.apiGroup, [RBAC_GROUP]));
  if (typeof ref.kind !== 'string' || !kinds.includes(ref.kind)) throw invalid(t, name, 'roleRef.kind', supported(ref.kind, kinds));
  if (typeof ref.name !== 'string' || ref.name === '') throw invalid(t, name, 'roleRef.name', 'Required value');
  const subjects = obj.subjects ?? [];
  if (!Array.isArray(subjects)) throw invalid(t, name, 'subjects', 'Invalid value: must be a list');
  subjects.forEach((s: unknown, i: number) => {
    const subject = (isPlainObject(s) ? s : {}) as Record<string, unknown>;
    if (typeof subject.name !== 'string' || subject.name === '') throw invalid(t, name, `subjects[${i}].name`, 'Required value');
    if (typeof subject.kind !== 'string' || !SUBJECT_KINDS.includes(subject.kind)) throw invalid(t, name, `subjects[${i}].kind`, supported(subject.kind, SUBJECT_KINDS));
    if (subject.kind === 'ServiceAccount' && t.kind === 'ClusterRoleBinding' && !subject.namespace) throw invalid(t, name, `subjects[${i}].namespace`, 'Required value');
  });
}

export function admit(t: ResourceType, obj: KubeObject, ctx: AdmissionContext): KubeObject {
  const name = obj.metadata.name ?? '';
  const pattern = t.group === 'rbac.authorization.k8s.io' ? RBAC_NAME : t.kind === 'Namespace' ? DNS_LABEL : DNS_SUBDOMAIN;
  if (name === '' && !obj.metadata.generateName) throw invalid(t, name, 'metadata.name', 'Required value: name or generateName is required');
  if (name !== '' && (!pattern.test(name) || name.length > 253)) {
    throw invalid(t, name, 'metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
  }
  if (t.group === RBAC_GROUP) rbac(t, obj);
  switch (t.kind) {
    case 'Namespace':
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': name };
      obj.spec = { finalizers: ['kubernetes'], ...obj.spec };
      obj.status = { phase: obj.status?.phase === 'Terminating' ? 'Terminating' : 'Active' };
      break;
    case 'Secret': {
      obj.type ??= 'Opaque';
      const data: Record<string, string> = { ...(obj.data ?? {}) };
      for (const [k, v] of Object.entries(data)) if (!decodesAsBase64(v)) throw invalid(t, name, `data[${k}]`, 'Invalid value: illegal base64 data');
      for (const [k, v] of Object.entries((obj.stringData ?? {}) as Record<string, unknown>)) data[k] = Buffer.from(String(v)).toString('base64');
      delete obj.stringData;
      obj.data = data;
      break;
    }
    case 'Pod':
      requirePodSpec(t, name, obj.spec, 'spec');
      defaultPodSpec(obj.spec);
      obj.spec.nodeName ??= 'sandbox-node';
      if (!obj.status?.phase) obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case 'Service': {
      const spec = (obj.spec ??= {});
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = ctx.allocateClusterIP();
      spec.clusterIPs ??= [spec.clusterIP];
      for (const p of (spec.ports ?? []) as Record<string, unknown>[]) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      obj.status ??= { loadBalancer: {} };
      break;
    }
    case 'Deployment': case 'ReplicaSet':
      workload(t, obj);
      break;
    case 'Job': {
      const spec = (obj.spec ??= {});
      requirePodSpec(t, name, spec.template?.spec, 'spec.template.spec');
      const restart = spec.template.spec.restartPolicy;
      if (restart !== 'Never' && restart !== 'OnFailure') throw invalid(t, name, 'spec.template.spec.restartPolicy', `Unsupported value: "${restart ?? 'Always'}": supported values: "OnFailure", "Never"`);
      defaultPodSpec(spec.template.spec);
      spec.completions ??= 1;
      spec.parallelism ??= 1;
      spec.backoffLimit ??= 6;
      break;
    }
  }
  return obj;
}
