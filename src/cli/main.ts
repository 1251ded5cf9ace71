// Entry point. Decides, before loading anything heavy, whether argv is one of hkubectl's own
// commands or a kubectl command line to pass through: the pass-through path must cost little
// more than one Node start-up (see bench/passthrough.bench.ts).
import { splitOwnFlags } from './own-flags.ts';
import { reportFailure } from './exit.ts';
import { OWN_COMMAND_NAMES } from './own-command-names.ts';
import { UsageError } from '../errors.ts';
import { passThrough } from './pass-through.ts';

export async function main(argv: string[]): Promise<number> {
  const split = splitOwnFlags(argv);
  // Own flags become their env twins, so every module reads one source (flag wins over env).
  Object.assign(process.env, split.own);
  validateOwnEnv(process.env);
  if (split.problem) throw split.problem;

  const word = split.kubectlArgs[0];
  if (!split.forcedKubectl && word !== undefined && OWN_COMMAND_NAMES.has(word)) {
    const { runOwnCommand } = await loadCommands();
    return runOwnCommand(word, split.kubectlArgs.slice(1));
  }
  if (process.env.HKUBECTL_HELP === 'true' && !split.forcedKubectl) {
    const { printOwnHelp } = await loadCommands();
    return printOwnHelp();
  }
  return passThrough(split.kubectlArgs);
}

/**
 * Own commands live in a separate bundle (dist/commands/, built with code splitting) so that
 * dist/main.js — all the pass-through path loads — is one small file. The path is computed so
 * the bundler leaves this import alone.
 */
async function loadCommands(): Promise<typeof import('./commands-entry.ts')> {
  const entry = new URL('./commands/commands-entry.js', import.meta.url).href;
  return (await import(entry)) as typeof import('./commands-entry.ts');
}

function validateOwnEnv(env: NodeJS.ProcessEnv): void {
  const output = env.HKUBECTL_OUTPUT;
  if (output !== undefined && output !== 'text' && output !== 'json') {
    env.HKUBECTL_OUTPUT = 'text';
    throw new UsageError('ERR_OWN_FLAG_VALUE', `--hk-output must be text or json, not "${output}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportFailure(error);
  },
);
