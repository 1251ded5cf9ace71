// What an approval is bound to, and how a command line is written into the audit log.
import { createHash } from 'node:crypto';
import { redactFlagValue, SECRET_FLAGS } from '../kubectl/parse-intent.ts';
import type { Person } from './types.ts';

// Credential flag values (parse-intent.ts's list) are masked: the audit log keeps the command
// line readable without becoming a place to harvest tokens from.
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let maskNext = false;
  let afterDash = false;
  for (const arg of argv) {
    if (maskNext) {
      out.push(redactFlagValue(arg));
      maskNext = false;
      continue;
    }
    if (arg === '--') afterDash = true;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (afterDash || !name.startsWith('--') || !SECRET_FLAGS.has(name.slice(2))) out.push(arg);
    else if (eq > 0) out.push(`${name}=${redactFlagValue(arg.slice(eq + 1))}`);
    else {
      out.push(arg);
      maskNext = true;
    }
  }
  return out;
}

export type Binding = {
  requester: Pick<Person, 'issuer' | 'subject'>;
  context: string | null;
  cluster: string | null;
  /** The kubeconfig's default namespace: the same argv elsewhere is another command. */
  namespace: string | null;
  argv: readonly string[];
  /** The sha256 of the plugin file kubectl will run: the same words with another program are another command. */
  pluginSha256?: string | null;
};

/** The same command, by the same identity, against the same cluster: byte for byte. */
export function fingerprint(binding: Binding): string {
  const fields = [binding.requester.issuer, binding.requester.subject, binding.context, binding.cluster, binding.namespace, binding.argv];
  const canonical = JSON.stringify(binding.pluginSha256 ? [...fields, binding.pluginSha256] : fields);
  return createHash('sha256').update(canonical).digest('hex');
}

/** A shell-readable rendering for people (inbox, audit log listing); not for re-execution. */
export function showCommand(argv: readonly string[]): string {
  return ['kubectl', ...argv].map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(' ');
}
