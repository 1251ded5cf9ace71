// The own options of this hkubectl process, resolved once by main.ts from the --hk-* flags and
// their HKUBECTL_* twins. Own commands read them here; modules below the CLI are handed what
// they need as parameters and read neither this nor process.env.
import { DEFAULT_OWN_OPTIONS, type OwnFlagValues, type OwnOptions } from '../config/own-options.ts';

type RunContext = {
  options: OwnOptions;
  /** The environment with the own flags laid over their twins (`--hk-relay` as HKUBECTL_RELAY…). */
  env: NodeJS.ProcessEnv;
};

let current: RunContext = { options: DEFAULT_OWN_OPTIONS, env: process.env };

export function setRunOptions(options: OwnOptions, env: NodeJS.ProcessEnv, ownFlags: OwnFlagValues = {}): void {
  current = { options, env: { ...env, ...ownFlags } };
}

export function runOptions(): OwnOptions {
  return current.options;
}

/** What own commands pass down as the environment: where files are, and the relay and recordings set by flag or twin. */
export function commandEnv(): NodeJS.ProcessEnv {
  return current.env;
}
