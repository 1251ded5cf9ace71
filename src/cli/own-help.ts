// `hkubectl --hk-help`: hkubectl's own commands and flags (kubectl's help stays kubectl's).
import { OWN_FLAGS } from './own-flags.ts';
import { ownCommands } from './registry.ts';

export async function printOwnHelp(): Promise<number> {
  const lines = [
    'hkubectl — the kubectl that AI agents shell out to: identified, policy-checked, approved, masked, recorded.',
    '',
    'Usage:',
    '  hkubectl [--hk-* flags] <kubectl args>     run kubectl (same stdout, stderr, stdin and exit code)',
    '  hkubectl -- <kubectl args>                 always kubectl, even if the first word is an own command',
    '  hkubectl <own command> [options]           see below; each has --help',
    '',
    'Own commands:',
  ];
  const names = Object.keys(ownCommands).sort();
  const commands = await Promise.all(names.map(async (name) => (await (await ownCommands[name]!()).default())));
  for (const command of commands) {
    // The first sentence: a full stop followed by a capital, so "e.g. a filter" stays whole.
    const summary = command.summary() || (command.description().split(/(?<=\.)\s+(?=[A-Z])/)[0] ?? '');
    lines.push(...hangingIndent(`  ${command.name().padEnd(12)} `, summary));
  }
  lines.push('', 'Own flags (removed before kubectl sees the args; each has an environment twin):');
  for (const flag of OWN_FLAGS) {
    const usage = `--hk-${flag.name}${flag.takesValue ? ' VALUE' : ''}`;
    lines.push(...hangingIndent(`  ${usage.padEnd(22)} ${flag.env.padEnd(20)} `, flag.description));
  }
  lines.push(
    '',
    'Exit codes of hkubectl itself (kubectl\'s own codes pass through unchanged):',
    '  64 usage   77 denied (policy, guardrail or approver)   75 temporary (approval pending or timed out,',
    '  relay unreachable)   78 configuration (no login, bad policy, kubectl missing)   70 masking or',
    '  recording failed (the command was stopped, the rest of its output withheld)',
    '',
    'kubectl is found through HKUBECTL_KUBECTL or PATH (never hkubectl itself, so a `kubectl` symlink to',
    'hkubectl placed first on PATH works).',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

const WIDTH = 100;

/** `head` then `text` wrapped at word boundaries to WIDTH columns, later lines indented under the text. */
export function hangingIndent(head: string, text: string): string[] {
  const indent = ' '.repeat(head.length);
  const lines: string[] = [];
  let line = head;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const fresh = line === head || line === indent;
    if (!fresh && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line += fresh ? word : ` ${word}`;
    }
  }
  lines.push(line);
  return lines;
}
