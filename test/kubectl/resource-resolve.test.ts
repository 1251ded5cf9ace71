// Resource spellings resolved as kubectl 1.32 resolves them against a stock cluster's discovery
// (cli-runtime Builder.mappingFor, schema.ParseResourceArg, restmapper's shortcut expander).
import { describe, expect, it } from 'vitest';
import { builtinResolver, createResourceResolver } from '../../src/kubectl/resource-resolve.ts';
import { KUBERNETES_1_32_RESOURCES, resourceTableFromDiscovery, type ApiResource } from '../../src/kubectl/resource-table.ts';

const NS = 'namespaces';
const CRB = 'clusterrolebindings.rbac.authorization.k8s.io';
const RB = 'rolebindings.rbac.authorization.k8s.io';
const DEPLOY = 'deployments.apps';

const spellings: Array<[written: string, canonical: string | null]> = [
  // namespaces: short, singular, plural, kind, any case of the full name, version and trailing dots
  ['ns', NS], ['namespace', NS], ['namespaces', NS], ['Namespace', NS], ['NAMESPACES', NS], ['NameSpaces', NS],
  ['namespaces.', NS], ['namespace.', NS], ['ns.', NS], ['namespaces.v1.', NS], ['namespace.v1.', NS], ['ns.v1.', NS],
  ['Namespace.v1.', NS], ['NAMESPACE.v1.', NS],
  // short names compare case-sensitively in kubectl: `NS` is neither a name nor a short name
  ['NS', null], ['Ns', null],
  // a version that does not exist, or a group that does not, resolves to nothing
  ['namespaces.v2.', null], ['namespaces.v1.apps', null], ['namespaces.core', null],
  // RBAC: resource.group, resource.version.group, singular, kind, prefix of the group
  ['clusterrolebindings', CRB], ['clusterrolebinding', CRB], ['ClusterRoleBinding', CRB], ['CLUSTERROLEBINDINGS', CRB],
  ['clusterrolebindings.rbac.authorization.k8s.io', CRB], ['clusterrolebinding.rbac.authorization.k8s.io', CRB],
  ['clusterrolebindings.v1.rbac.authorization.k8s.io', CRB], ['ClusterRoleBinding.v1.rbac.authorization.k8s.io', CRB],
  ['clusterrolebindings.v1.', CRB], ['clusterrolebindings.rbac', CRB], ['clusterrolebindings.rbac.authorization', CRB],
  ['ClusterRoleBinding.rbac', CRB], ['rolebindings.rbac', RB], ['rolebinding.v1.', RB], ['RoleBinding', RB],
  ['roles.rbac.authorization.k8s.io', 'roles.rbac.authorization.k8s.io'], ['clusterroles.v1.', 'clusterroles.rbac.authorization.k8s.io'],
  // not kubectl short names
  ['crb', null], ['rb', null], ['cr', null],
  // deployments
  ['deploy', DEPLOY], ['deployment', DEPLOY], ['deployments', DEPLOY], ['Deployment', DEPLOY], ['deployments.apps', DEPLOY],
  ['deployments.v1.apps', DEPLOY], ['deployment.v1.apps', DEPLOY], ['deployments.v1.', DEPLOY], ['deploy.apps', DEPLOY],
  ['deploy.ap', DEPLOY], ['deployments.ap', DEPLOY], ['Deployment.apps', DEPLOY], ['deployments.v1beta1.apps', null],
  ['Deployments.APPS', null],
  // secrets
  ['secret', 'secrets'], ['secrets', 'secrets'], ['Secret', 'secrets'], ['SECRETS', 'secrets'], ['secrets.', 'secrets'],
  ['secrets.v1.', 'secrets'], ['Secret.v1.', 'secrets'], ['secret.v1.', 'secrets'],
  // the rest of the short names kubectl 1.32 knows
  ['po', 'pods'], ['svc', 'services'], ['cm', 'configmaps'], ['no', 'nodes'], ['pvc', 'persistentvolumeclaims'],
  ['pv', 'persistentvolumes'], ['sa', 'serviceaccounts'], ['ev', 'events'], ['ep', 'endpoints'], ['rc', 'replicationcontrollers'],
  ['limits', 'limitranges'], ['quota', 'resourcequotas'], ['cs', 'componentstatuses'], ['rs', 'replicasets.apps'],
  ['sts', 'statefulsets.apps'], ['ds', 'daemonsets.apps'], ['cj', 'cronjobs.batch'], ['hpa', 'horizontalpodautoscalers.autoscaling'],
  ['ing', 'ingresses.networking.k8s.io'], ['netpol', 'networkpolicies.networking.k8s.io'], ['pdb', 'poddisruptionbudgets.policy'],
  ['sc', 'storageclasses.storage.k8s.io'], ['crd', 'customresourcedefinitions.apiextensions.k8s.io'],
  ['crds', 'customresourcedefinitions.apiextensions.k8s.io'], ['csr', 'certificatesigningrequests.certificates.k8s.io'],
  ['pc', 'priorityclasses.scheduling.k8s.io'],
  // events live in two groups: the core one has priority, as in kubectl
  ['events', 'events'], ['events.events.k8s.io', 'events.events.k8s.io'], ['ev.events.k8s.io', 'events.events.k8s.io'],
  // a group prefix works for resources (storageclass.storage) and short names (hpa.auto)
  ['storageclass.storage', 'storageclasses.storage.k8s.io'], ['sc.storage', 'storageclasses.storage.k8s.io'], ['hpa.auto', 'horizontalpodautoscalers.autoscaling'],
  ['horizontalpodautoscalers.v1.autoscaling', 'horizontalpodautoscalers.autoscaling'],
  ['horizontalpodautoscalers.v2.autoscaling', 'horizontalpodautoscalers.autoscaling'],
  ['ValidatingAdmissionPolicy', 'validatingadmissionpolicies.admissionregistration.k8s.io'],
  ['mutatingwebhookconfigurations.admissionregistration.k8s.io', 'mutatingwebhookconfigurations.admissionregistration.k8s.io'],
  // kinds spelt with their group
  ['Pod.v1.', 'pods'], ['CronJob.batch', 'cronjobs.batch'],
  // unknown: a CRD this table does not hold, a typo, nothing at all
  ['widgets', null], ['widgets.example.com', null], ['podz', null], ['', null], ['.', null], ['..', null], ['all', null],
];

describe('resolving a resource argument as kubectl 1.32 does', () => {
  it.each(spellings)('%j → %s', (written, canonical) => {
    expect(builtinResolver.resolve(written).canonical).toBe(canonical);
  });

  it('reads a type list with commas, skipping empty parts and repeats', () => {
    expect(builtinResolver.resolveTypes('ns,secrets.v1.,,NAMESPACES,deploy').map((t) => t.canonical)).toEqual([NS, 'secrets', NS, DEPLOY]);
  });

  it('expands the `all` category to what kubectl 1.32 lists in it, and no Secret', () => {
    const all = builtinResolver.resolveTypes('all').map((t) => t.canonical);
    expect(all).toEqual(['pods', 'replicationcontrollers', 'services', 'daemonsets.apps', DEPLOY, 'replicasets.apps', 'statefulsets.apps',
      'horizontalpodautoscalers.autoscaling', 'cronjobs.batch', 'jobs.batch']);
    expect(all).not.toContain('secrets');
  });

  it('expands api-extensions to the webhooks, admission policies, CRDs and API services', () => {
    expect(builtinResolver.resolveTypes('api-extensions').map((t) => t.canonical)).toEqual([
      'apiservices.apiregistration.k8s.io', 'mutatingwebhookconfigurations.admissionregistration.k8s.io',
      'validatingadmissionpolicies.admissionregistration.k8s.io', 'validatingadmissionpolicybindings.admissionregistration.k8s.io',
      'validatingwebhookconfigurations.admissionregistration.k8s.io', 'customresourcedefinitions.apiextensions.k8s.io',
    ]);
  });

  it('marks what does not resolve, keeping what was written', () => {
    expect(builtinResolver.resolveTypes('pods,widgets')).toMatchObject([
      { written: 'pods', canonical: 'pods' }, { written: 'widgets', canonical: null, resource: null },
    ]);
  });
});

describe('resolving against a cluster discovery table', () => {
  const widget: ApiResource = {
    group: 'example.com', version: 'v1', name: 'widgets', singularName: 'widget', kind: 'Widget', shortNames: ['wd', 'po'],
    namespaced: true, categories: ['all'],
  };
  const cluster = createResourceResolver([...KUBERNETES_1_32_RESOURCES, widget]);

  it('knows the cluster CRD by every spelling', () => {
    for (const written of ['widgets', 'widget', 'Widget', 'wd', 'widgets.example.com', 'widgets.v1.example.com', 'wd.example', 'Widget.example.com']) {
      expect(cluster.resolve(written).canonical).toBe('widgets.example.com');
    }
  });

  it('keeps the higher-priority group for a short name two resources claim, as kubectl does', () => {
    expect(cluster.resolve('po').canonical).toBe('pods');
    expect(cluster.resolve('po.example.com').canonical).toBe('widgets.example.com');
  });

  it('adds a CRD that joins the all category to it', () => {
    expect(cluster.resolveTypes('all').map((t) => t.canonical)).toContain('widgets.example.com');
  });

  it('lets an exact resource name win over another resource short name', () => {
    const clash: ApiResource = { ...widget, name: 'sts', singularName: 'st', kind: 'St', shortNames: [], group: 'clash.io' };
    expect(createResourceResolver([...KUBERNETES_1_32_RESOURCES, clash]).resolve('sts').canonical).toBe('sts.clash.io');
  });
});

describe('a resolver table from a discovery answer', () => {
  it('keeps resources in order, skips subresources and guesses a missing singular from the kind', () => {
    const table = resourceTableFromDiscovery([
      { groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'] }, { name: 'pods/exec', kind: 'PodExecOptions', namespaced: true }] },
      { groupVersion: 'example.com/v1', resources: [{ name: 'widgets', singularName: '', kind: 'Widget', namespaced: false }] },
    ]);
    expect(table).toEqual([
      { group: '', version: 'v1', name: 'pods', singularName: 'pod', kind: 'Pod', shortNames: ['po'], namespaced: true, categories: ['all'] },
      { group: 'example.com', version: 'v1', name: 'widgets', singularName: 'widget', kind: 'Widget', shortNames: [], namespaced: false, categories: [] },
    ]);
    expect(createResourceResolver(table).resolve('widget.example').canonical).toBe('widgets.example.com');
  });
});
