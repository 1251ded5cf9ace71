// The default ClusterRoles and ClusterRoleBindings a v1.32 cluster ships
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go): cluster-admin bound to
// system:masters, the discovery and basic-user roles bound to every authenticated user, the
// public-info-viewer role bound to everyone, and the user-facing admin / edit / view roles.
// The sandbox does not aggregate ClusterRoles, so admin, edit and view carry the union of the
// rules the apiserver aggregates into them (admin ⊇ edit ⊇ view), for the resources it serves and
// the ones real clusters name alike.
import type { KubeObject } from '../object.ts';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, SYSTEM_MASTERS } from '../auth/user.ts';
import { RBAC_GROUP } from './resolver.ts';

type Rule = { verbs: string[]; apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[] };

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ_WRITE = [...READ, ...WRITE];

const rule = (verbs: string[], apiGroups: string[], resources: string[]): Rule => ({ verbs, apiGroups, resources });
const urls = (verbs: string[], nonResourceURLs: string[]): Rule => ({ verbs, nonResourceURLs });

const VIEW: Rule[] = [
  rule(READ, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
  rule(READ, [''], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
  // Read on namespaces at namespace scope lets a user read *this* namespace.
  rule(READ, [''], ['namespaces']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(READ, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status']),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']),
];

const EDIT_ONLY: Rule[] = [
  // Read on the escalating resources view leaves out.
  rule(READ, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
  rule(['create'], [''], ['pods/eviction']),
  rule(WRITE, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(WRITE, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
  rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  rule(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
];

const ADMIN_ONLY: Rule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule(READ_WRITE, [RBAC_GROUP], ['roles', 'rolebindings']),
];

const CLUSTER_ROLES: Record<string, Rule[]> = {
  'cluster-admin': [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])],
  'system:discovery': [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'])],
  'system:basic-user': [
    rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
    rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
  ],
  'system:public-info-viewer': [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])],
  admin: [...ADMIN_ONLY, ...EDIT_ONLY, ...VIEW],
  edit: [...EDIT_ONLY, ...VIEW],
  view: VIEW,
};

const CLUSTER_ROLE_BINDINGS: Record<string, string[]> = {
  'cluster-admin': [SYSTEM_MASTERS],
  'system:discovery': [ALL_AUTHENTICATED],
  'system:basic-user': [ALL_AUTHENTICATED],
  'system:public-info-viewer': [ALL_AUTHENTICATED, ALL_UNAUTHENTICATED],
};

const METADATA = (name: string) => ({
  name,
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
});

export function bootstrapPolicy(): KubeObject[] {
  const roles = Object.entries(CLUSTER_ROLES).map(([name, rules]) => ({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: METADATA(name), rules }));
  const bindings = Object.entries(CLUSTER_ROLE_BINDINGS).map(([name, groups]) => ({
    apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRoleBinding', metadata: METADATA(name),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    subjects: groups.map((g) => ({ apiGroup: RBAC_GROUP, kind: 'Group', name: g })),
  }));
  return [...roles, ...bindings];
}
