// What an approval is bound to, and how a command line is written into the audit log.
import { createHash } from 'node:crypto';
import { redactFlagValue, SECRET_FLAGS } from '../kubectl/redact.ts';
import type { Person } from './relay-api.ts';
import { hasHidden, showUntrusted } from './show-untrusted.ts';

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
  /** sha256 of what the command reads (content-digest.ts), or null when it reads no files or stdin. */
  content?: string | null;
  /** The sha256 of the plugin file kubectl will run: the same words with another program are another command. */
  pluginSha256?: string | null;
};

/**
 * The same command, by the same identity, against the same cluster, reading the same content:
 * byte for byte. A command that reads nothing keeps the fingerprint it always had.
 */
export function fingerprint(binding: Binding): string {
  const fields: unknown[] = [binding.requester.issuer, binding.requester.subject, binding.context, binding.cluster, binding.namespace, binding.argv];
  // Each binding beyond the command line is added only when present, so a command without it keeps
  // the fingerprint it always had; as tagged objects, no two kinds of binding can collide.
  if (binding.pluginSha256) fields.push(binding.pluginSha256);
  if (binding.content) fields.push({ content: binding.content });
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * A shell-readable rendering for people (inbox, audit log listing); not for re-execution. An
 * argument holding characters a terminal would act on or a person could not see is written in
 * the shell's ANSI-C quoting (`$'…\x1b…'`, as bash's `printf %q` does): what runs, spelt out.
 */
export function showCommand(argv: readonly string[]): string {
  return ['kubectl', ...argv].map(showArg).join(' ');
}

function showArg(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (!hasHidden(arg)) return `'${arg.replaceAll("'", "'\\''")}'`;
  return `$'${showUntrusted(arg.replace(/[\\']/g, (char) => `\\${char}`))}'`;
}
