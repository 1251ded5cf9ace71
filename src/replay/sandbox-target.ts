// Pointing a recorded kubectl command line at the auditor's sandbox, and nowhere else: every
// flag that chooses a cluster or credentials is dropped from the recording, then --context (and
// --kubeconfig) are added. A context counts as a sandbox only when its kubeconfig entry carries
// the `hkubectl.dev/sandbox` extension (see src/sandbox/kubeconfig.ts), which also says whether
// that sandbox's pods run jailed or as host processes on this machine.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError, UsageError } from '../errors.ts';
import { flagSpecFor } from '../kubectl/flag-specs.ts';
import { isSandboxContext, sandboxIsolation } from '../sandbox/kubeconfig.ts';

const TARGET_FLAGS = new Set([
  'context', 'cluster', 'user', 'kubeconfig', 'server', 'token', 'as', 'as-group', 'as-uid', 'username', 'password',
  'certificate-authority', 'client-certificate', 'client-key', 'tls-server-name', 'insecure-skip-tls-verify',
]);
const MASKED = /\[MASKED:/;

export function redactedArgs(argv: readonly string[]): string[] {
  return argv.filter((arg) => MASKED.test(arg));
}

export function retarget(argv: readonly string[], verb: string | null, target: { context: string; kubeconfig?: string }): string[] {
  const spec = flagSpecFor(verb);
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') {
      kept.push(...argv.slice(i));
      break;
    }
    const long = /^--([^=]+)(=.*)?$/.exec(arg);
    if (long && TARGET_FLAGS.has(long[1]!)) {
      if (long[2] === undefined && long[1] !== 'insecure-skip-tls-verify' && spec.takesValue(long[1]!)) i += 1;
      continue;
    }
    if (arg === '-s') {
      i += 1;
      continue;
    }
    if (/^-s./.test(arg)) continue;
    kept.push(arg);
  }
  const prefix = ['--context', target.context, ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : [])];
  return [...prefix, ...kept];
}

type KubeconfigDoc = Parameters<typeof isSandboxContext>[0];

/** The kubeconfig files kubectl would read, in merge order. */
export function kubeconfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv): string[] {
  if (explicit) return [explicit];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean);
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

/**
 * Refuses a context that is not marked as a sandbox, unless the auditor insists. For a sandbox,
 * also says whether its pods are isolated ('none' for host processes or an older sandbox).
 */
export function checkSandboxContext(context: string, files: string[], allowAnyContext: boolean): { sandbox: boolean; isolation: 'bubblewrap' | 'none' } {
  // kubectl's merge rule: the first file that defines a context name wins.
  for (const file of files) {
    let doc: KubeconfigDoc & { contexts?: { name?: string }[] };
    try {
      doc = (parse(readFileSync(file, 'utf8')) ?? {}) as typeof doc;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new ConfigError('ERR_KUBECONFIG', `cannot read kubeconfig ${file}: ${(error as Error).message}`);
    }
    if (!doc.contexts?.some((c) => c.name === context)) continue;
    const sandbox = isSandboxContext(doc, context);
    if (!sandbox && !allowAnyContext) {
      throw new UsageError('ERR_NOT_A_SANDBOX', `context ${context} (${file}) is not marked as a sandbox, so the recorded command is not re-run against it`, {
        hint: 'use the sandbox\'s context (hkubectl sandbox), or pass --yes-i-mean-it to run against this cluster anyway',
      });
    }
    return { sandbox, isolation: sandbox ? sandboxIsolation(doc, context) : 'none' };
  }
  throw new UsageError('ERR_NO_CONTEXT', `no context named ${context} in ${files.join(', ')}`);
}
