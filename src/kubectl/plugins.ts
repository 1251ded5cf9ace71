// kubectl plugins: a first word that is not one of kubectl's commands makes kubectl look for an
// executable `kubectl-<words>` on PATH and exec it with the agent's environment and credentials
// (staging/src/k8s.io/kubectl/pkg/cmd/cmd.go, NewDefaultKubectlCommandWithArgs and
// HandlePluginCommand). That is an arbitrary program, so it is an intent of its own kind.
//
// kubectl's rules, followed here:
// - only when cobra finds no built-in command for the arguments, and the first non-flag word is
//   not `help`, `__complete` or `__completeNoDesc`;
// - the candidate words are the arguments up to the first one starting with `-`; none (a flag
//   first) is an error, so no plugin runs when any flag comes before its name;
// - `-` inside a word becomes `_`, the words are joined with `-`, and the longest name found on
//   PATH wins (`kubectl foo bar` tries `kubectl-foo-bar`, then `kubectl-foo`);
// - with KUBECTL_ENABLE_CMD_SHADOW=true, `create <word>` where `create` has no such subcommand
//   runs `kubectl-create-<words>` (exact name only).

/** kubectl v1.32's top-level commands (`kubectl __complete ""`, plus the hidden and cobra-added ones). */
export const KUBECTL_COMMANDS: ReadonlySet<string> = new Set([
  'annotate', 'api-resources', 'api-versions', 'apply', 'attach', 'auth', 'autoscale', 'certificate', 'cluster-info',
  'completion', 'config', 'cordon', 'cp', 'create', 'debug', 'delete', 'describe', 'diff', 'drain', 'edit', 'events',
  'exec', 'explain', 'expose', 'get', 'help', 'kustomize', 'label', 'logs', 'options', 'patch', 'plugin',
  'port-forward', 'proxy', 'replace', 'rollout', 'run', 'scale', 'set', 'taint', 'top', 'uncordon', 'version', 'wait',
  'alpha', '__complete', '__completeNoDesc',
]);

/** `kubectl create`'s own subcommands: with command shadowing on, any other word may be a plugin. */
export const CREATE_SUBCOMMANDS: ReadonlySet<string> = new Set([
  'clusterrole', 'clusterrolebinding', 'configmap', 'cm', 'cronjob', 'cj', 'deployment', 'deploy', 'ingress', 'ing',
  'job', 'namespace', 'ns', 'poddisruptionbudget', 'pdb', 'priorityclass', 'pc', 'quota', 'resourcequota', 'role',
  'rolebinding', 'secret', 'service', 'svc', 'serviceaccount', 'sa', 'token',
]);

export interface PluginRef {
  /** The plugin's name as kubectl looks it up: the words joined with `-` (`foo-bar` for `kubectl-foo-bar`). */
  name: string;
  /** Where the executable is, as the agent's machine found it; null where it was not looked up. */
  path: string | null;
  /** sha256 of the executable's bytes; null where it was not read. */
  sha256: string | null;
}

/**
 * The words kubectl would try as a plugin name, longest first, or null when kubectl runs one of
 * its own commands (or fails before looking). Pure: whether such a file exists is not known here.
 */
export function pluginCandidates(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): string[] | null {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg.replaceAll('-', '_'));
  }
  const first = argv[0];
  if (first === undefined || words.length === 0) return null;
  if (!KUBECTL_COMMANDS.has(first)) {
    return words.map((_, index) => words.slice(0, words.length - index).join('-'));
  }
  if (first === 'create' && env.KUBECTL_ENABLE_CMD_SHADOW === 'true' && words.length > 1 && !CREATE_SUBCOMMANDS.has(argv[1] as string)) {
    return [words.join('-')];
  }
  return null;
}

/** Command shadowing assumed on: the relay does not see the agent's environment, so it assumes the stricter case. */
const SHADOWING = { KUBECTL_ENABLE_CMD_SHADOW: 'true' };

/**
 * The plugin assumed when the agent's machine has not said which file runs: the shortest name
 * kubectl could pick (the first word), with no path or hash. Policy that matches plugins
 * therefore matches it whatever the wrapper reports.
 */
export function pluginOf(argv: readonly string[]): PluginRef | null {
  const candidates = pluginCandidates(argv, SHADOWING);
  return candidates === null ? null : { name: candidates.at(-1) as string, path: null, sha256: null };
}

/** A plugin the agent's machine reports is believable only if kubectl could have picked that name from argv. */
export function isCandidateName(argv: readonly string[], name: string): boolean {
  return pluginCandidates(argv, SHADOWING)?.includes(name) ?? false;
}
