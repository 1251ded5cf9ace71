// Which kubectl flags take a value, per verb. kubectl parses with spf13/pflag: a flag that takes
// a value consumes the next argument unless written `--flag=value`; a flag with a "no option
// default" (NoOptDefVal) never consumes the next argument. Getting this wrong shifts positionals,
// which would make `delete --grace-period 0 ns prod` look like a delete of "0", so the tables
// below are taken from kubectl v1.32's flag definitions.

export type ShortFlag = { long: string; takesValue: boolean };

/** Long flags that take a value, across kubectl (long names mean the same thing everywhere). */
const VALUE_FLAGS = new Set([
  // global
  'namespace', 'context', 'cluster', 'user', 'kubeconfig', 'server', 'token', 'as', 'as-group',
  'as-uid', 'certificate-authority', 'client-certificate', 'client-key', 'tls-server-name',
  'request-timeout', 'cache-dir', 'profile', 'profile-output', 'v', 'vmodule', 'log-flush-frequency',
  'password', 'username',
  // output and selection
  'output', 'selector', 'field-selector', 'filename', 'kustomize', 'label-columns', 'sort-by',
  'template', 'chunk-size', 'subresource', 'raw', 'output-watch-events', 'show-kind-columns',
  // writes
  'type', 'patch', 'patch-file', 'replicas', 'current-replicas', 'resource-version', 'grace-period',
  'timeout', 'field-manager', 'prune-allowlist', 'concurrency', 'for', 'types',
  // workloads and containers
  'container', 'containers', 'image', 'env', 'port', 'target-port', 'protocol', 'name', 'external-ip',
  'cluster-ip', 'session-affinity', 'load-balancer-ip', 'labels', 'restart', 'overrides', 'requests',
  'limits', 'annotations', 'pod-running-timeout', 'address', 'image-pull-policy', 'copy-to', 'target',
  'set-image', 'custom', 'pod', 'override-type', 'serviceaccount', 'from', 'prefix', 'keys',
  'resources', 'min', 'max', 'cpu-percent', 'to-revision', 'revision', 'since', 'since-time', 'tail',
  'limit-bytes', 'max-log-requests', 'retries', 'pod-selector', 'skip-wait-for-delete-timeout',
  // proxy
  'www', 'www-prefix', 'api-prefix', 'accept-hosts', 'reject-paths', 'accept-paths', 'reject-methods',
  'unix-socket', 'keepalive', 'append-server-path',
  // create *
  'from-literal', 'from-file', 'from-env-file', 'cert', 'key', 'docker-server', 'docker-username',
  'docker-password', 'docker-email', 'schedule', 'verb', 'resource', 'resource-name', 'role',
  'clusterrole', 'group', 'duration', 'audience', 'bound-object-kind', 'bound-object-name',
  'bound-object-uid', 'rule', 'class', 'default-backend', 'annotation', 'hard', 'scopes',
  'min-available', 'max-unavailable', 'value', 'description', 'preemption-policy', 'tcp', 'clusterip',
  'node-port', 'external-name', 'aggregation-rule', 'non-resource-url',
  // config *
  'auth-provider', 'auth-provider-arg', 'exec-command', 'exec-api-version', 'exec-arg', 'exec-env',
  'exec-interactive-mode', 'proxy-url', 'set-raw-bytes',
  // explain, api-resources, cluster-info, kustomize, events
  'api-version', 'api-group', 'verbs', 'categories', 'output-directory', 'namespaces',
  'load-restrictor', 'helm-command', 'env-file', 'mount', 'reactor',
]);

/** Flags with pflag's NoOptDefVal: bare `--dry-run` means this value and takes no argument. */
export const NO_OPTION_DEFAULTS: Record<string, string> = {
  'dry-run': 'unchanged',
  cascade: 'background',
  validate: 'strict',
  merge: 'true',
};

const DEFAULT_SHORTS: Record<string, ShortFlag> = {
  n: { long: 'namespace', takesValue: true },
  s: { long: 'server', takesValue: true },
  v: { long: 'v', takesValue: true },
  h: { long: 'help', takesValue: false },
  o: { long: 'output', takesValue: true },
  l: { long: 'selector', takesValue: true },
  f: { long: 'filename', takesValue: true },
  k: { long: 'kustomize', takesValue: true },
  L: { long: 'label-columns', takesValue: true },
  w: { long: 'watch', takesValue: false },
  A: { long: 'all-namespaces', takesValue: false },
  R: { long: 'recursive', takesValue: false },
  c: { long: 'container', takesValue: true },
  i: { long: 'stdin', takesValue: false },
  t: { long: 'tty', takesValue: false },
  q: { long: 'quiet', takesValue: false },
  e: { long: 'env', takesValue: true },
  p: { long: 'patch', takesValue: true },
};

/** Where a verb gives a shorthand (or a long name) a meaning of its own. */
const VERB_OVERRIDES: Record<string, { shorts?: Record<string, ShortFlag>; boolLongs?: string[] }> = {
  logs: { shorts: { f: { long: 'follow', takesValue: false }, p: { long: 'previous', takesValue: false } } },
  exec: { shorts: { p: { long: 'pod', takesValue: true } } },
  proxy: {
    shorts: {
      p: { long: 'port', takesValue: true },
      w: { long: 'www', takesValue: true },
      P: { long: 'www-prefix', takesValue: true },
      u: { long: 'unix-socket', takesValue: true },
    },
  },
  delete: { shorts: { i: { long: 'interactive', takesValue: false } } },
  run: { shorts: { l: { long: 'labels', takesValue: true } } },
  expose: { shorts: { l: { long: 'labels', takesValue: true } } },
  'create deployment': { shorts: { r: { long: 'replicas', takesValue: true } } },
  'set env': { shorts: { c: { long: 'containers', takesValue: true } } },
  'set resources': { shorts: { c: { long: 'containers', takesValue: true } } },
  'config view': { boolLongs: ['raw'] },
  'api-resources': { boolLongs: ['namespaced'] },
  kustomize: { shorts: { o: { long: 'output', takesValue: true } } },
};

export interface FlagSpec {
  short(ch: string): ShortFlag | undefined;
  takesValue(long: string): boolean;
}

export function flagSpecFor(verb: string | null): FlagSpec {
  const override = verb === null ? undefined : (VERB_OVERRIDES[verb] ?? VERB_OVERRIDES[verb.split(' ')[0] ?? '']);
  const boolLongs = new Set(override?.boolLongs ?? []);
  return {
    short: (ch) => override?.shorts?.[ch] ?? DEFAULT_SHORTS[ch],
    takesValue: (long) => !boolLongs.has(long) && VALUE_FLAGS.has(long) && !(long in NO_OPTION_DEFAULTS),
  };
}
