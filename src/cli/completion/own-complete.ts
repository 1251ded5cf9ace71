// `hkubectl __complete <words…> <partial>`: what the completion script asks on each TAB, in
// cobra's protocol (one candidate a line, "name<TAB>description"; last line ":<directive>").
// hkubectl's own commands and --hk-* flags are answered here; kubectl's words go to kubectl's own
// `__complete`, run against no cluster: a TAB must not become a read of the cluster (object and
// resource names) that the relay never decided, so only what kubectl knows offline is completed.
import type { Command, Option } from 'commander';
import { OWN_FLAGS, splitOwnFlags } from '../own-flags.ts';
import { OWN_COMMAND_NAMES } from '../own-command-names.ts';

/** cobra's ShellCompDirective bits. */
export const DIRECTIVE = { default: 0, error: 1, noSpace: 2, noFileComp: 4 } as const;

export interface Candidate {
  value: string;
  description: string;
}

export interface Completion {
  candidates: Candidate[];
  directive: number;
}

/** Values of own flags that take one of a few words. */
const OWN_FLAG_VALUES: Record<string, string[]> = { output: ['text', 'json'] };

/** kubectl flags that choose where kubectl connects: dropped before kubectl is asked. */
const CONNECTION_FLAGS = new Set([
  '--kubeconfig', '--server', '-s', '--token', '--context', '--cluster', '--user', '--username', '--password', '--as', '--as-group', '--as-uid',
  '--certificate-authority', '--client-certificate', '--client-key', '--tls-server-name', '--insecure-skip-tls-verify',
]);

export type Plan =
  | { kind: 'own-flag'; completion: Completion }
  | { kind: 'own-command'; name: string; words: string[]; partial: string }
  | { kind: 'kubectl'; args: string[]; partial: string; atCommand: boolean };

/** Decides who answers: pure, from the words the shell gives. */
export function planCompletion(words: readonly string[]): Plan {
  const partial = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const previous = before.at(-1);
  // The value of an own flag: `--hk-output <TAB>`.
  const valueOf = previous?.startsWith('--hk-') && !previous.includes('=') ? OWN_FLAGS.find((flag) => `--hk-${flag.name}` === previous && flag.takesValue) : undefined;
  if (valueOf) {
    const values = OWN_FLAG_VALUES[valueOf.name];
    return { kind: 'own-flag', completion: values ? { candidates: matching(values.map((value) => ({ value, description: '' })), partial), directive: DIRECTIVE.noFileComp } : { candidates: [], directive: DIRECTIVE.default } };
  }
  if (partial.startsWith('--hk-') || (partial.startsWith('--') && '--hk-'.startsWith(partial) && partial.length > 2)) {
    const candidates = OWN_FLAGS.map((flag) => ({ value: `--hk-${flag.name}`, description: flag.description }));
    return { kind: 'own-flag', completion: { candidates: matching(candidates, partial), directive: DIRECTIVE.noFileComp } };
  }
  const split = splitOwnFlags(before);
  const first = split.kubectlArgs[0];
  if (!split.forcedKubectl && first !== undefined && OWN_COMMAND_NAMES.has(first)) return { kind: 'own-command', name: first, words: split.kubectlArgs.slice(1), partial };
  return { kind: 'kubectl', args: withoutConnectionFlags(split.kubectlArgs), partial, atCommand: split.kubectlArgs.length === 0 && !split.forcedKubectl };
}

export function withoutConnectionFlags(args: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      kept.push(...args.slice(i));
      break;
    }
    const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (!CONNECTION_FLAGS.has(name)) {
      kept.push(arg);
      continue;
    }
    // `--insecure-skip-tls-verify` stands alone; the others take the next word unless given with `=`.
    if (!arg.includes('=') && name !== '--insecure-skip-tls-verify') i += 1;
  }
  return kept;
}

/** hkubectl's own commands whose names start with `partial`, for the first word. */
export function ownCommandCandidates(partial: string, describe: (name: string) => string): Candidate[] {
  return [...OWN_COMMAND_NAMES].filter((name) => name.startsWith(partial)).sort().map((name) => ({ value: name, description: describe(name) }));
}

/** An own command's subcommands and flags, from its commander definition. */
export function commanderCompletion(command: Command, words: readonly string[], partial: string): Completion {
  let at = command;
  for (const word of words) {
    if (word.startsWith('-')) continue;
    const sub = at.commands.find((candidate) => candidate.name() === word || candidate.aliases().includes(word));
    if (sub) at = sub;
  }
  if (partial.startsWith('-')) {
    const options = (at.options as readonly Option[]).filter((option) => !option.hidden && option.long).map((option) => ({ value: option.long as string, description: option.description }));
    return { candidates: matching([...options, { value: '--help', description: 'show help for this command' }], partial), directive: DIRECTIVE.noFileComp };
  }
  const subs = at.commands.map((sub) => ({ value: sub.name(), description: sub.description().split('\n')[0] ?? '' }));
  if (subs.length > 0) return { candidates: matching(subs, partial), directive: DIRECTIVE.noFileComp };
  // An argument (a file, a session id, a URL): the shell's own file completion.
  return { candidates: [], directive: DIRECTIVE.default };
}

function matching(candidates: Candidate[], partial: string): Candidate[] {
  return candidates.filter((candidate) => candidate.value.startsWith(partial));
}

/** cobra's wire form; `describe` false for __completeNoDesc. */
export function completionText(completion: Completion, describe: boolean): string {
  const lines = completion.candidates.map(({ value, description }) => (describe && description ? `${value}\t${firstSentence(description)}` : value));
  return `${lines.map((line) => `${line}\n`).join('')}:${completion.directive}\n`;
}

/** Descriptions shown beside candidates stay short: the first sentence, on one line. */
function firstSentence(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  // A full stop before a capital ends it ("e.g. 90s" does not), as do ';' and ':'.
  const end = line.search(/\.\s+(?=[A-Z])|\.$|[;:]\s/);
  const cut = end === -1 ? line : line.slice(0, end);
  return cut.length > 80 ? `${cut.slice(0, 77)}...` : cut;
}

/** Parses kubectl's __complete output back into candidates and a directive. */
export function parseCompletionText(text: string): Completion {
  const lines = text.split('\n').filter((line) => line !== '');
  const last = lines.at(-1);
  const directive = last?.startsWith(':') ? Number(last.slice(1)) : Number.NaN;
  const body = Number.isInteger(directive) ? lines.slice(0, -1) : lines;
  return {
    candidates: body.map((line) => {
      const tab = line.indexOf('\t');
      return tab === -1 ? { value: line, description: '' } : { value: line.slice(0, tab), description: line.slice(tab + 1) };
    }),
    directive: Number.isInteger(directive) ? directive : DIRECTIVE.default,
  };
}
