// The API resources of a Kubernetes 1.32 cluster as kubectl's discovery sees them (`kubectl
// api-resources -o wide`), in the API server's group priority order, which is the order kubectl's
// priority REST mapper prefers when a name matches in two groups (`events` is the core one).
// A relay that has the cluster's own discovery passes that instead (see resource-resolve.ts).

export interface ApiResource {
  group: string;
  version: string;
  /** Plural resource name, as in URLs. */
  name: string;
  singularName: string;
  kind: string;
  shortNames: readonly string[];
  namespaced: boolean;
  categories: readonly string[];
}

type Row = [name: string, kind: string, namespaced: boolean, shortNames?: string[], categories?: string[]];

const GROUPS: Array<[groupVersion: string, rows: Row[]]> = [
  ['v1', [
    ['bindings', 'Binding', true],
    ['componentstatuses', 'ComponentStatus', false, ['cs']],
    ['configmaps', 'ConfigMap', true, ['cm']],
    ['endpoints', 'Endpoints', true, ['ep']],
    ['events', 'Event', true, ['ev']],
    ['limitranges', 'LimitRange', true, ['limits']],
    ['namespaces', 'Namespace', false, ['ns']],
    ['nodes', 'Node', false, ['no']],
    ['persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc']],
    ['persistentvolumes', 'PersistentVolume', false, ['pv']],
    ['pods', 'Pod', true, ['po'], ['all']],
    ['podtemplates', 'PodTemplate', true],
    ['replicationcontrollers', 'ReplicationController', true, ['rc'], ['all']],
    ['resourcequotas', 'ResourceQuota', true, ['quota']],
    ['secrets', 'Secret', true],
    ['serviceaccounts', 'ServiceAccount', true, ['sa']],
    ['services', 'Service', true, ['svc'], ['all']],
  ]],
  ['apiregistration.k8s.io/v1', [['apiservices', 'APIService', false, [], ['api-extensions']]]],
  ['apps/v1', [
    ['controllerrevisions', 'ControllerRevision', true],
    ['daemonsets', 'DaemonSet', true, ['ds'], ['all']],
    ['deployments', 'Deployment', true, ['deploy'], ['all']],
    ['replicasets', 'ReplicaSet', true, ['rs'], ['all']],
    ['statefulsets', 'StatefulSet', true, ['sts'], ['all']],
  ]],
  ['events.k8s.io/v1', [['events', 'Event', true, ['ev']]]],
  ['authentication.k8s.io/v1', [
    ['selfsubjectreviews', 'SelfSubjectReview', false],
    ['tokenreviews', 'TokenReview', false],
  ]],
  ['authorization.k8s.io/v1', [
    ['localsubjectaccessreviews', 'LocalSubjectAccessReview', true],
    ['selfsubjectaccessreviews', 'SelfSubjectAccessReview', false],
    ['selfsubjectrulesreviews', 'SelfSubjectRulesReview', false],
    ['subjectaccessreviews', 'SubjectAccessReview', false],
  ]],
  ['autoscaling/v2', [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa'], ['all']]]],
  ['autoscaling/v1', [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa'], ['all']]]],
  ['batch/v1', [
    ['cronjobs', 'CronJob', true, ['cj'], ['all']],
    ['jobs', 'Job', true, [], ['all']],
  ]],
  ['certificates.k8s.io/v1', [['certificatesigningrequests', 'CertificateSigningRequest', false, ['csr']]]],
  ['networking.k8s.io/v1', [
    ['ingressclasses', 'IngressClass', false],
    ['ingresses', 'Ingress', true, ['ing']],
    ['networkpolicies', 'NetworkPolicy', true, ['netpol']],
  ]],
  ['policy/v1', [['poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb']]]],
  ['rbac.authorization.k8s.io/v1', [
    ['clusterrolebindings', 'ClusterRoleBinding', false],
    ['clusterroles', 'ClusterRole', false],
    ['rolebindings', 'RoleBinding', true],
    ['roles', 'Role', true],
  ]],
  ['storage.k8s.io/v1', [
    ['csidrivers', 'CSIDriver', false],
    ['csinodes', 'CSINode', false],
    ['csistoragecapacities', 'CSIStorageCapacity', true],
    ['storageclasses', 'StorageClass', false, ['sc']],
    ['volumeattachments', 'VolumeAttachment', false],
  ]],
  ['admissionregistration.k8s.io/v1', [
    ['mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false, [], ['api-extensions']],
    ['validatingadmissionpolicies', 'ValidatingAdmissionPolicy', false, [], ['api-extensions']],
    ['validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', false, [], ['api-extensions']],
    ['validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false, [], ['api-extensions']],
  ]],
  ['apiextensions.k8s.io/v1', [['customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds'], ['api-extensions']]]],
  ['scheduling.k8s.io/v1', [['priorityclasses', 'PriorityClass', false, ['pc']]]],
  ['coordination.k8s.io/v1', [['leases', 'Lease', true]]],
  ['node.k8s.io/v1', [['runtimeclasses', 'RuntimeClass', false]]],
  ['discovery.k8s.io/v1', [['endpointslices', 'EndpointSlice', true]]],
  ['flowcontrol.apiserver.k8s.io/v1', [
    ['flowschemas', 'FlowSchema', false],
    ['prioritylevelconfigurations', 'PriorityLevelConfiguration', false],
  ]],
];

export const KUBERNETES_1_32_RESOURCES: readonly ApiResource[] = GROUPS.flatMap(([groupVersion, rows]) => {
  const slash = groupVersion.indexOf('/');
  const group = slash === -1 ? '' : groupVersion.slice(0, slash);
  const version = groupVersion.slice(slash + 1);
  return rows.map(([name, kind, namespaced, shortNames = [], categories = []]) => ({
    group, version, name, singularName: kind.toLowerCase(), kind, shortNames, namespaced, categories,
  }));
});

/** One group-version of a discovery answer (`GET /apis/{group}/{version}`, an APIResourceList). */
export interface DiscoveryResourceList {
  groupVersion: string;
  resources: ReadonlyArray<{
    name: string; singularName?: string; kind: string; namespaced: boolean; shortNames?: readonly string[]; categories?: readonly string[];
  }>;
}

/**
 * A cluster's discovery as a resolver table, in the order given (the API server's group priority).
 * Subresources (`pods/exec`) are left out, and an empty singular name is guessed from the kind, as
 * client-go's discovery REST mapper does.
 */
export function resourceTableFromDiscovery(lists: readonly DiscoveryResourceList[]): ApiResource[] {
  return lists.flatMap((list) => {
    const slash = list.groupVersion.indexOf('/');
    const group = slash === -1 ? '' : list.groupVersion.slice(0, slash);
    const version = list.groupVersion.slice(slash + 1);
    return list.resources.filter((r) => !r.name.includes('/')).map((r) => ({
      group, version, name: r.name, singularName: r.singularName || r.kind.toLowerCase(), kind: r.kind,
      shortNames: [...(r.shortNames ?? [])], namespaced: r.namespaced, categories: [...(r.categories ?? [])],
    }));
  });
}
