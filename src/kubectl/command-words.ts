// Which first words kubectl itself answers to: its built-in commands, and plugins on PATH. A word
// that is neither is a mistake kubectl would refuse; hkubectl answers it at once rather than
// asking the relay about a command that cannot run.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * kubectl 1.32's top-level commands: those `kubectl --help` lists, plus `alpha`, `options`,
 * `help` and cobra's hidden completion helpers.
 */
export const KUBECTL_COMMANDS: ReadonlySet<string> = new Set([
  'create', 'expose', 'run', 'set', 'explain', 'get', 'edit', 'delete', 'rollout', 'scale', 'autoscale',
  'certificate', 'cluster-info', 'top', 'cordon', 'uncordon', 'drain', 'taint', 'describe', 'logs',
  'attach', 'exec', 'port-forward', 'proxy', 'cp', 'auth', 'debug', 'events', 'diff', 'apply', 'patch',
  'replace', 'wait', 'kustomize', 'label', 'annotate', 'completion', 'api-resources', 'api-versions',
  'config', 'plugin', 'version', 'alpha', 'options', 'help', '__complete', '__completeNoDesc',
]);

/**
 * The plugin kubectl would run for `words` (the first word and the positionals after it), as
 * kubectl's plugin handler finds it: the longest `kubectl-<w1>-<w2>…` on PATH, with dashes inside
 * each word written as underscores (`kubectl foo-bar` runs `kubectl-foo_bar`). Null when none.
 */
export function findPlugin(words: readonly string[], env: NodeJS.ProcessEnv): string | null {
  const parts = words.map((word) => word.replaceAll('-', '_'));
  for (let count = parts.length; count > 0; count--) {
    const found = findOnPath(`kubectl-${parts.slice(0, count).join('-')}`, env);
    if (found) return found;
  }
  return null;
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here: keep looking, as exec.LookPath does
    }
  }
  return null;
}
