// A command line as it runs in gateway mode, where the session kubeconfig names the one cluster,
// user and context the relay granted. Every flag kubectl reads as another server, identity or
// trust (connection-overrides.ts, with every spelling pflag accepts: `--flag=value`,
// `--flag value`, `-s value`, `-svalue`) would take the request, or the grant, somewhere the
// relay did not decide; so such a command is refused, whole, before kubectl starts. The flags
// that only select an entry of a kubeconfig (`--context`, `--cluster`, `--user`, and
// `--kubeconfig` naming the agent's own file) chose the target the relay decided on; they are
// taken out, so that kubectl can only use the session kubeconfig's single entries.
import { DeniedError } from '../errors.ts';
import { connectionOverrides, describeOverrides, type ConnectionOverride, type KubeconfigFacts, type OverrideFlag } from './connection-overrides.ts';
import { flagSpecFor } from './flag-specs.ts';
import type { CommandIntent } from './intent.ts';
import { scanArgs } from './scan-args.ts';

/** Taken out of argv in gateway mode: they select within the kubeconfig the session kubeconfig replaces. */
const SELECTION: ReadonlySet<string> = new Set<OverrideFlag>(['context', 'cluster', 'user', 'kubeconfig']);

export const ERR_GATEWAY_OVERRIDE = 'ERR_GATEWAY_OVERRIDE';

/**
 * The overrides gateway mode refuses: all but the selections, and `--kubeconfig` only when it
 * names a file other than the agent's own (`facts.kubeconfigIsOwn`).
 */
export function refusedInGatewayMode(overrides: readonly ConnectionOverride[], facts: KubeconfigFacts | null): ConnectionOverride[] {
  return overrides.filter((override) => (override.flag === 'kubeconfig' ? !(facts?.kubeconfigIsOwn ?? false) : !SELECTION.has(override.flag)));
}

/**
 * argv for kubectl in gateway mode; throws DeniedError (exit 77) naming the flags when the
 * command brings its own server, credentials, impersonation or trust.
 */
export function gatewayArgv(argv: readonly string[], intent: Pick<CommandIntent, 'verb'>, facts: KubeconfigFacts | null): string[] {
  const scanned = scanArgs(argv, flagSpecFor(intent.verb));
  const refused = refusedInGatewayMode(connectionOverrides(intent.verb, scanned.flags), facts);
  if (refused.length > 0) {
    throw new DeniedError(ERR_GATEWAY_OVERRIDE, `${describeOverrides(refused)} refused in gateway mode: the relay's gateway supplies this session's server and credentials`, {
      hint: 'nothing was run; drop these flags (the relay decides the cluster from your kubeconfig context, and acts as you)',
      details: { flags: refused.map((override) => override.flag) },
    });
  }
  const drop = new Set<number>();
  for (const occurrence of scanned.occurrences) {
    if (!SELECTION.has(occurrence.name)) continue;
    // None of these has a shorthand, so a cluster of shorthands never holds one; if it ever did,
    // taking the tokens out would take the others with it.
    if (!occurrence.alone) throw new DeniedError(ERR_GATEWAY_OVERRIDE, `--${occurrence.name} inside "${argv[occurrence.start]}" cannot be taken out for gateway mode`);
    for (let index = occurrence.start; index < occurrence.end; index++) drop.add(index);
  }
  return argv.filter((_, index) => !drop.has(index));
}
