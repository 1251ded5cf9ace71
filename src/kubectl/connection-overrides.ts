// Flags that change where kubectl connects or as whom. kubectl's global flags override the
// kubeconfig field by field (client-go's clientcmd ConfigOverrides): `--server` sends the request
// and the agent's credentials to another API server, `--token`/`--client-key` act as another
// identity, `--insecure-skip-tls-verify` trusts any server. The relay decides on the cluster it
// knows, so each of these is part of the command model and a policy can match on it.
import { REDACTED } from './redact.ts';

/** Every flag kubectl reads as a change of target, identity or trust, by its long name. */
export const OVERRIDE_FLAGS = [
  'server', 'token', 'username', 'password', 'client-certificate', 'client-key', 'certificate-authority',
  'insecure-skip-tls-verify', 'tls-server-name', 'kubeconfig', 'cluster', 'user', 'context', 'as', 'as-group', 'as-uid',
] as const;
export type OverrideFlag = (typeof OVERRIDE_FLAGS)[number];

/** Overrides that pick another entry of the kubeconfig kubectl already reads, rather than bring their own. */
export const SELECTION_FLAGS: ReadonlySet<OverrideFlag> = new Set(['context', 'cluster', 'user']);

/** Values that are credentials: kept out of the model, the relay and the audit log. */
const SECRET_VALUES: ReadonlySet<OverrideFlag> = new Set(['token', 'password']);

/** Repeatable flags (pflag StringArray): every value counts; for the rest the last one wins. */
const REPEATABLE: ReadonlySet<OverrideFlag> = new Set(['as-group']);

/** strconv.ParseBool's false spellings; anything else kubectl either reads as true or rejects. */
const FALSE_WORDS = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

export interface ConnectionOverride {
  flag: OverrideFlag;
  /** The value kubectl will use (the last one given), `[MASKED:kubectl-flag]` for credentials. */
  value: string;
}

/**
 * The overrides on a command line, from the scanned flags. `config …` commands are left out:
 * there `--server`, `--token`, `--cluster` and `--user` are the fields of the kubeconfig entry
 * being written, and nothing connects. An empty value is no override (clientcmd ignores it), and
 * neither is `--insecure-skip-tls-verify=false`.
 */
export function connectionOverrides(verb: string, flags: ReadonlyMap<string, readonly string[]>): ConnectionOverride[] {
  if (verb === 'config' || verb.startsWith('config ')) return [];
  const overrides: ConnectionOverride[] = [];
  for (const flag of OVERRIDE_FLAGS) {
    const values = flags.get(flag) ?? [];
    // The last value is the one kubectl uses, even an empty one (`--server=x --server=` is no override).
    const effective = (REPEATABLE.has(flag) ? values : values.slice(-1)).filter((value) => value !== '');
    for (const value of effective) {
      if (flag === 'insecure-skip-tls-verify' && FALSE_WORDS.has(value)) continue;
      overrides.push({ flag, value: SECRET_VALUES.has(flag) ? REDACTED : value });
    }
  }
  return overrides;
}

/**
 * What only the agent's machine can tell about its overrides: whether `--kubeconfig` names a file
 * kubectl reads anyway, and which context is current there. Sent to the relay with the command.
 */
export interface KubeconfigFacts {
  /** `--kubeconfig` names one of the files kubectl reads without it (KUBECONFIG, or ~/.kube/config). */
  kubeconfigIsOwn: boolean;
  /** The current context of the kubeconfig kubectl reads without `--context`. */
  currentContext: string | null;
}

/**
 * Drops the overrides that change nothing: a `--kubeconfig` naming the agent's own file, and a
 * `--context` naming the context that is current anyway (kubectl would use it without the flag).
 */
export function settleOverrides(overrides: readonly ConnectionOverride[], facts: KubeconfigFacts | null): ConnectionOverride[] {
  if (facts === null) return [...overrides];
  return overrides.filter((override) => {
    if (override.flag === 'kubeconfig') return !facts.kubeconfigIsOwn;
    if (override.flag === 'context') return override.value !== facts.currentContext;
    return true;
  });
}

/** `--server=https://…, --token` for messages: the flags, with values only where they are not credentials. */
export function describeOverrides(overrides: readonly ConnectionOverride[]): string {
  return overrides.map((o) => (o.value === REDACTED || o.flag === 'insecure-skip-tls-verify' ? `--${o.flag}` : `--${o.flag}=${o.value}`)).join(', ');
}
