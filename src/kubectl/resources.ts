// Canonical resource names: lower-case plural with API group, as the apiserver's discovery names
// them (`deployments.apps`). Short names and kinds come from kubectl's built-in discovery answers;
// `crb`/`rb`/`cr` are not kubectl short names but are what people type in policies and chats.

type ResourceEntry = { plural: string; group: string; aliases: string[] };

const BUILTIN: ResourceEntry[] = [
  { plural: 'pods', group: '', aliases: ['po', 'pod'] },
  { plural: 'services', group: '', aliases: ['svc', 'service'] },
  { plural: 'configmaps', group: '', aliases: ['cm', 'configmap'] },
  { plural: 'secrets', group: '', aliases: ['secret'] },
  { plural: 'namespaces', group: '', aliases: ['ns', 'namespace'] },
  { plural: 'nodes', group: '', aliases: ['no', 'node'] },
  { plural: 'persistentvolumeclaims', group: '', aliases: ['pvc', 'persistentvolumeclaim'] },
  { plural: 'persistentvolumes', group: '', aliases: ['pv', 'persistentvolume'] },
  { plural: 'serviceaccounts', group: '', aliases: ['sa', 'serviceaccount'] },
  { plural: 'events', group: '', aliases: ['ev', 'event'] },
  { plural: 'endpoints', group: '', aliases: ['ep'] },
  { plural: 'replicationcontrollers', group: '', aliases: ['rc', 'replicationcontroller'] },
  { plural: 'limitranges', group: '', aliases: ['limits', 'limitrange'] },
  { plural: 'resourcequotas', group: '', aliases: ['quota', 'resourcequota'] },
  { plural: 'componentstatuses', group: '', aliases: ['cs', 'componentstatus'] },
  { plural: 'podtemplates', group: '', aliases: ['podtemplate'] },
  { plural: 'deployments', group: 'apps', aliases: ['deploy', 'deployment'] },
  { plural: 'replicasets', group: 'apps', aliases: ['rs', 'replicaset'] },
  { plural: 'statefulsets', group: 'apps', aliases: ['sts', 'statefulset'] },
  { plural: 'daemonsets', group: 'apps', aliases: ['ds', 'daemonset'] },
  { plural: 'controllerrevisions', group: 'apps', aliases: ['controllerrevision'] },
  { plural: 'jobs', group: 'batch', aliases: ['job'] },
  { plural: 'cronjobs', group: 'batch', aliases: ['cj', 'cronjob'] },
  { plural: 'horizontalpodautoscalers', group: 'autoscaling', aliases: ['hpa', 'horizontalpodautoscaler'] },
  { plural: 'ingresses', group: 'networking.k8s.io', aliases: ['ing', 'ingress'] },
  { plural: 'ingressclasses', group: 'networking.k8s.io', aliases: ['ingressclass'] },
  { plural: 'networkpolicies', group: 'networking.k8s.io', aliases: ['netpol', 'networkpolicy'] },
  { plural: 'poddisruptionbudgets', group: 'policy', aliases: ['pdb', 'poddisruptionbudget'] },
  { plural: 'roles', group: 'rbac.authorization.k8s.io', aliases: ['role'] },
  { plural: 'rolebindings', group: 'rbac.authorization.k8s.io', aliases: ['rolebinding', 'rb'] },
  { plural: 'clusterroles', group: 'rbac.authorization.k8s.io', aliases: ['clusterrole', 'cr'] },
  { plural: 'clusterrolebindings', group: 'rbac.authorization.k8s.io', aliases: ['clusterrolebinding', 'crb'] },
  { plural: 'storageclasses', group: 'storage.k8s.io', aliases: ['sc', 'storageclass'] },
  { plural: 'csidrivers', group: 'storage.k8s.io', aliases: ['csidriver'] },
  { plural: 'csinodes', group: 'storage.k8s.io', aliases: ['csinode'] },
  { plural: 'volumeattachments', group: 'storage.k8s.io', aliases: ['volumeattachment'] },
  { plural: 'customresourcedefinitions', group: 'apiextensions.k8s.io', aliases: ['crd', 'crds', 'customresourcedefinition'] },
  { plural: 'mutatingwebhookconfigurations', group: 'admissionregistration.k8s.io', aliases: ['mutatingwebhookconfiguration'] },
  { plural: 'validatingwebhookconfigurations', group: 'admissionregistration.k8s.io', aliases: ['validatingwebhookconfiguration'] },
  { plural: 'certificatesigningrequests', group: 'certificates.k8s.io', aliases: ['csr', 'certificatesigningrequest'] },
  { plural: 'leases', group: 'coordination.k8s.io', aliases: ['lease'] },
  { plural: 'endpointslices', group: 'discovery.k8s.io', aliases: ['endpointslice'] },
  { plural: 'priorityclasses', group: 'scheduling.k8s.io', aliases: ['pc', 'priorityclass'] },
  { plural: 'runtimeclasses', group: 'node.k8s.io', aliases: ['runtimeclass'] },
  { plural: 'apiservices', group: 'apiregistration.k8s.io', aliases: ['apiservice'] },
];

function canonicalOf(entry: ResourceEntry): string {
  return entry.group === '' ? entry.plural : `${entry.plural}.${entry.group}`;
}

const BY_NAME = new Map<string, string>();
for (const entry of BUILTIN) {
  const canonical = canonicalOf(entry);
  for (const name of [entry.plural, ...entry.aliases]) {
    BY_NAME.set(name, canonical);
    if (entry.group !== '') BY_NAME.set(`${name}.${entry.group}`, canonical);
  }
}

/**
 * `po` → `pods`, `deploy` → `deployments.apps`, `Deployment.v1.apps` → `deployments.apps`.
 * Names kubectl would resolve through a CRD's discovery (unknown here) are kept as written.
 */
export function canonicalResource(written: string): string {
  const lower = written.toLowerCase();
  const direct = BY_NAME.get(lower);
  if (direct) return direct;
  // resource.version.group, e.g. deployments.v1.apps or cronjobs.v1.batch
  const parts = lower.split('.');
  if (parts.length >= 3 && /^v\d+((alpha|beta)\d+)?$/.test(parts[1] ?? '')) {
    const withoutVersion = [parts[0], ...parts.slice(2)].join('.');
    const viaGroup = BY_NAME.get(withoutVersion);
    if (viaGroup) return viaGroup;
  }
  return written;
}
