// A kubectl command that never reaches a cluster (config, kustomize…): no relay decision and no
// recording, but its output is still masked — `config view --raw` prints credentials.
import type { MaskProfileName } from '../masking/index.ts';
import { needsTerminal } from './terminal-verbs.ts';
import { runKubectlSession } from './session.ts';
import type { GovernedRunInput } from './governed-run.ts';

/** The default policy masks local commands strictly; without a relay there is no policy to ask. */
const LOCAL_MASK_PROFILE: MaskProfileName = 'strict';

export async function runLocal(input: GovernedRunInput): Promise<number> {
  const result = await runKubectlSession({
    kubectlPath: input.kubectlPath,
    args: input.args,
    env: input.env,
    terminal: needsTerminal(input.intent),
    masking: { profile: LOCAL_MASK_PROFILE },
    cast: null,
  });
  if (result.failure) throw result.failure;
  return result.exitCode;
}
