// `hkubectl <kubectl args>`: run the real kubectl with exactly these args — handed straight over
// when the command can print nothing sensitive, masked when it is local, and decided by the relay,
// masked and recorded when it reaches a cluster.
import type { OwnOptions } from '../config/own-options.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { findPlugin } from '../kubectl/plugin-lookup.ts';
import { KUBECTL_COMMANDS, type PluginRef } from '../kubectl/plugins.ts';
import type { CommandIntent } from '../kubectl/intent.ts';
import { locateKubectl } from '../kubectl/locate.ts';
import { parseIntent } from '../kubectl/parse-intent.ts';
import { runKubectlInherited } from '../kubectl/spawn-pipes.ts';
import { contactsCluster } from '../policy/verbs.ts';
import { didYouMean } from '../policy/did-you-mean.ts';
import { OWN_COMMAND_NAMES } from './own-command-names.ts';

/** Nesting deeper than this means "kubectl" leads back to hkubectl through a wrapper script. */
const MAX_DEPTH = 4;

/** Output that comes from the kubectl binary itself: help texts, its version, shell completion. */
const SELF_DESCRIBING_VERBS = new Set(['help', 'completion', 'options', 'plugin list']);

export function printsNothingSensitive(intent: CommandIntent): boolean {
  if (intent.flags.help === true) return true;
  if (intent.verb === 'version') return intent.flags.client === true;
  return SELF_DESCRIBING_VERBS.has(intent.verb);
}

export async function passThrough(kubectlArgs: string[], options: OwnOptions, processEnv: NodeJS.ProcessEnv): Promise<number> {
  const depth = Number(processEnv.HKUBECTL_DEPTH ?? '0') || 0;
  if (depth >= MAX_DEPTH) {
    throw new ConfigError('ERR_KUBECTL_IS_SELF', 'the kubectl found on PATH runs hkubectl again (a wrapper loop)', {
      hint: 'set HKUBECTL_KUBECTL to the real kubectl binary',
    });
  }
  const kubectlPath = locateKubectl({ env: processEnv, selfPath: process.argv[1] ?? '' });
  const env = { ...processEnv, HKUBECTL_DEPTH: String(depth + 1) };
  const intent = parseIntent(kubectlArgs);
  if (isTopLevelHelp(kubectlArgs)) {
    const code = await runKubectlInherited(kubectlPath, kubectlArgs, env);
    if (code === 0) process.stdout.write(OWN_HELP_POINTER);
    return code;
  }
  if (printsNothingSensitive(intent)) return runKubectlInherited(kubectlPath, kubectlArgs, env);
  // Found once (its file is read to hash it): the typo check and the relay's decision both need it.
  const plugin = intent.plugin === null ? null : findPlugin(kubectlArgs, processEnv);
  refuseUnknownCommand(intent, plugin);

  const governed = await loadGoverned();
  const input = { kubectlPath, args: kubectlArgs, intent, env, options, plugin };
  return contactsCluster(intent) ? governed.runGoverned(input) : governed.runLocal(input);
}

export const OWN_HELP_POINTER = 'Use "hkubectl --hk-help" for hkubectl\'s own commands and flags.\n';

/** `hkubectl`, `hkubectl --help`, `hkubectl -h`, `hkubectl help`: kubectl's help, then a pointer to hkubectl's. */
function isTopLevelHelp(args: readonly string[]): boolean {
  return args.length === 0 || (args.length === 1 && ['--help', '-h', 'help'].includes(args[0] as string));
}

/**
 * A first word that is neither kubectl's nor a plugin's (nor an own command, which main.ts has
 * already taken) is a typo: kubectl would refuse it, so it is answered here, before anything asks
 * the relay (an own command mistyped would otherwise wait for a production approval).
 */
function refuseUnknownCommand(intent: CommandIntent, plugin: PluginRef | null): void {
  const word = intent.verb.split(' ')[0] ?? '';
  if (word === '' || KUBECTL_COMMANDS.has(word) || plugin !== null) return;
  const mean = didYouMean(word, [...KUBECTL_COMMANDS, ...OWN_COMMAND_NAMES], (candidate) => `"${candidate}"${OWN_COMMAND_NAMES.has(candidate) ? ' (an hkubectl command)' : ''}`);
  throw new UsageError('ERR_UNKNOWN_COMMAND', `unknown command "${word}" for "kubectl"${mean}`, {
    hint: 'nothing was run; `kubectl --help` lists kubectl\'s commands, `hkubectl --hk-help` hkubectl\'s own',
  });
}

/** Lives in its own bundle (see main.ts loadCommands for why the path is computed). */
async function loadGoverned(): Promise<typeof import('./governed-entry.ts')> {
  const entry = new URL('./governed/governed-entry.js', import.meta.url).href;
  return (await import(entry)) as typeof import('./governed-entry.ts');
}
