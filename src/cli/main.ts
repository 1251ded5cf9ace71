// Entry point. Decides, before loading anything heavy, whether argv is one of hkubectl's own
// commands or a kubectl command line to pass through: the pass-through path must cost little
// more than one Node start-up (see bench/passthrough.bench.ts).
import { outputFormatOf, resolveOwnOptions } from '../config/own-options.ts';
import { splitOwnFlags } from './own-flags.ts';
import { reportFailure } from './exit.ts';
import { OWN_COMMAND_NAMES } from './own-command-names.ts';
import { passThrough } from './pass-through.ts';
import { setRunOptions } from './run-options.ts';

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // The shell's completion script asks `hkubectl __complete <words…>` on each TAB: the words are
  // half-typed, so they are not read as a command line (a partial `--hk-re` is no error here).
  if (argv[0] === '__complete' || argv[0] === '__completeNoDesc') {
    try {
      return await (await loadCommands()).answerCompletion(argv, env);
    } catch (error) {
      return reportFailure(error, 'text');
    }
  }
  const split = splitOwnFlags(argv);
  try {
    // Own flags and their env twins become one typed value here, at the edge, and are passed down.
    const options = resolveOwnOptions(split.own, env);
    setRunOptions(options, env, split.own);
    if (split.problem) throw split.problem;

    const word = split.kubectlArgs[0];
    if (!split.forcedKubectl && word !== undefined && OWN_COMMAND_NAMES.has(word)) {
      const { runOwnCommand } = await loadCommands();
      return await runOwnCommand(word, split.kubectlArgs.slice(1), { options, env, ownFlags: split.own });
    }
    if (options.version && !split.forcedKubectl) {
      const { printOwnVersion } = await loadCommands();
      return printOwnVersion(options.output === 'json', env);
    }
    // bash and zsh get kubectl's script adapted to complete hkubectl's own words too; other shells, kubectl's.
    if (!split.forcedKubectl && word === 'completion' && split.kubectlArgs.length === 2 && (split.kubectlArgs[1] === 'bash' || split.kubectlArgs[1] === 'zsh')) {
      return await (await loadCommands()).printCompletionScript(split.kubectlArgs[1], env);
    }
    if (options.help && !split.forcedKubectl) {
      const { printOwnHelp } = await loadCommands();
      return await printOwnHelp();
    }
    return await passThrough(split.kubectlArgs, options, env);
  } catch (error) {
    return reportFailure(error, outputFormatOf(split.own, env));
  }
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

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportFailure(error);
  },
);
