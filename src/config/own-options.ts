// hkubectl's own settings for one run, from its `--hk-*` flags and their `HKUBECTL_*` twins
// (the flag wins), resolved once at the edge (src/cli/main.ts) into one typed value that is
// passed down. Below the CLI nothing reads these from the environment, so a function's
// signature says what drives it.
import { UsageError } from '../errors.ts';
import type { ConfigFlags } from './schema.ts';

type Env = Record<string, string | undefined>;

export type OutputFormat = 'text' | 'json';

export type OwnOptions = {
  /** The agent's stated reason for this command (`--hk-reason`, HKUBECTL_REASON). */
  reason: string | null;
  /** Format of hkubectl's own messages (`--hk-output`, HKUBECTL_OUTPUT). */
  output: OutputFormat;
  /** `--hk-help`: show hkubectl's own commands and flags. */
  help: boolean;
  /** `--hk-version`: show hkubectl's version, commit and the kubectl it found. */
  version: boolean;
  /** How long to wait for an approval, as typed (`--hk-wait`, else HKUBECTL_WAIT); checked by the run that waits. */
  wait: string | undefined;
  /** Which agent product runs hkubectl, and which of its runs (HKUBECTL_AGENT, HKUBECTL_RUN_ID). */
  agent: string | null;
  runId: string | null;
  /**
   * The flags that are also config.yaml settings (`--hk-relay`, `--hk-recordings`, `--hk-wait`),
   * as typed: src/config/config.ts lays them over the env twins and the file, and validates them.
   */
  settings: ConfigFlags;
};

/** Own flags as the command line gave them, keyed by their env twin's name. */
export type OwnFlagValues = Record<string, string>;

export const DEFAULT_OWN_OPTIONS: OwnOptions = { reason: null, output: 'text', help: false, version: false, wait: undefined, agent: null, runId: null, settings: {} };

/**
 * Flags over env twins. Throws a UsageError for a bad --hk-output; the output format to report
 * that in is `outputFormatOf` of the same inputs.
 */
export function resolveOwnOptions(flags: OwnFlagValues, env: Env): OwnOptions {
  const pick = (name: string): string | undefined => flags[name] ?? env[name];
  const output = pick('HKUBECTL_OUTPUT');
  if (output !== undefined && output !== 'text' && output !== 'json') {
    throw new UsageError('ERR_OWN_FLAG_VALUE', `--hk-output must be text or json, not "${output}"`);
  }
  const settings: ConfigFlags = {};
  if (flags.HKUBECTL_RELAY !== undefined) settings.relay = flags.HKUBECTL_RELAY;
  if (flags.HKUBECTL_RECORDINGS !== undefined) settings.recordings = flags.HKUBECTL_RECORDINGS;
  if (flags.HKUBECTL_WAIT !== undefined) settings.wait = flags.HKUBECTL_WAIT;
  return {
    reason: pick('HKUBECTL_REASON') ?? null,
    output: output ?? 'text',
    help: pick('HKUBECTL_HELP') === 'true',
    version: pick('HKUBECTL_VERSION') === 'true',
    wait: pick('HKUBECTL_WAIT'),
    agent: env.HKUBECTL_AGENT ?? null,
    runId: env.HKUBECTL_RUN_ID ?? null,
    settings,
  };
}

/** The output format to report in, even when the options themselves could not be resolved. */
export function outputFormatOf(flags: OwnFlagValues, env: Env): OutputFormat {
  return (flags.HKUBECTL_OUTPUT ?? env.HKUBECTL_OUTPUT) === 'json' ? 'json' : 'text';
}
