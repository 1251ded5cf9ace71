// kubectl's command tree as far as it shapes a command's meaning: which words are sub-verbs, and
// what `kubectl create <what>` makes.

/** Verbs whose second word is a sub-command; `*` accepts any word (config set-context…). */
export const SUB_VERBS: Record<string, Record<string, string> | '*'> = {
  rollout: named('history', 'pause', 'restart', 'resume', 'status', 'undo'),
  set: { ...named('env', 'image', 'resources', 'selector', 'serviceaccount', 'subject'), sa: 'serviceaccount' },
  auth: named('can-i', 'reconcile', 'whoami'),
  certificate: named('approve', 'deny'),
  config: '*',
  plugin: named('list'),
  apply: named('edit-last-applied', 'set-last-applied', 'view-last-applied'),
  top: { node: 'node', nodes: 'node', no: 'node', pod: 'pod', pods: 'pod', po: 'pod' },
  'cluster-info': named('dump'),
  create: {
    ...named('secret', 'configmap', 'deployment', 'namespace', 'service', 'serviceaccount', 'role',
      'rolebinding', 'clusterrole', 'clusterrolebinding', 'job', 'cronjob', 'ingress',
      'poddisruptionbudget', 'priorityclass', 'quota', 'token'),
    cm: 'configmap', deploy: 'deployment', ns: 'namespace', svc: 'service', sa: 'serviceaccount',
    cj: 'cronjob', ing: 'ingress', pdb: 'poddisruptionbudget', pc: 'priorityclass',
    resourcequota: 'quota',
  },
};

/** Third words: `create secret generic`, `create service nodeport`. */
export const THIRD_WORDS: Record<string, Record<string, string>> = {
  'create secret': named('generic', 'tls', 'docker-registry'),
  'create service': named('clusterip', 'nodeport', 'loadbalancer', 'externalname'),
};

/** What `kubectl create <what>` creates, as a canonical resource. */
export const CREATED_RESOURCE: Record<string, string> = {
  secret: 'secrets',
  configmap: 'configmaps',
  deployment: 'deployments.apps',
  namespace: 'namespaces',
  service: 'services',
  serviceaccount: 'serviceaccounts',
  role: 'roles.rbac.authorization.k8s.io',
  rolebinding: 'rolebindings.rbac.authorization.k8s.io',
  clusterrole: 'clusterroles.rbac.authorization.k8s.io',
  clusterrolebinding: 'clusterrolebindings.rbac.authorization.k8s.io',
  job: 'jobs.batch',
  cronjob: 'cronjobs.batch',
  ingress: 'ingresses.networking.k8s.io',
  poddisruptionbudget: 'poddisruptionbudgets.policy',
  priorityclass: 'priorityclasses.scheduling.k8s.io',
  quota: 'resourcequotas',
  token: 'serviceaccounts',
};

/** Verbs whose first positional names a pod (or `type/name` resolving to one). */
export const POD_VERBS: Record<string, string> = {
  exec: 'exec',
  attach: 'attach',
  logs: 'log',
  'port-forward': 'portforward',
  debug: 'ephemeralcontainers',
};

export const NODE_VERBS = new Set(['cordon', 'uncordon', 'drain', 'taint']);

/** Verbs that take `TYPE NAME…` or `TYPE/NAME…` positionals. */
export const RESOURCE_VERBS = new Set([
  'get', 'describe', 'delete', 'edit', 'label', 'annotate', 'patch', 'scale', 'autoscale', 'expose',
  'wait', 'rollout history', 'rollout pause', 'rollout restart', 'rollout resume', 'rollout status',
  'rollout undo', 'set env', 'set image', 'set resources', 'set selector', 'set serviceaccount',
  'set subject', 'apply edit-last-applied', 'apply set-last-applied', 'apply view-last-applied',
]);

function named(...words: string[]): Record<string, string> {
  return Object.fromEntries(words.map((word) => [word, word]));
}
