// Runs one of hkubectl's own subcommands through commander. Commander's own printing of errors is
// silenced so that the single `hkubectl:` line (src/cli/exit.ts) is the only thing a user sees.
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../errors.ts';
import type { OwnFlagValues, OwnOptions } from '../config/own-options.ts';
import { ownCommands } from './registry.ts';
import { commandEnv, runOptions, setRunOptions } from './run-options.ts';
import { reportFailure } from './exit.ts';
import { applyColourChoice, takeNoColorFlag } from './colour.ts';

/** Commander's refusal, with the words of the (sub)command that refused, for the hint. */
class RefusedBy extends Error {
  constructor(readonly refusal: CommanderError, readonly words: string) {
    super(refusal.message);
  }
}

function quietly(command: Command, words: string[] = []): void {
  const path = command.name() === 'hkubectl' ? words : [...words, command.name()];
  command.exitOverride((refusal) => {
    throw new RefusedBy(refusal, path.join(' '));
  });
  // Errors become the one `hkubectl:` line; help shown for a missing subcommand goes to stdout, as kubectl's does.
  command.configureOutput({ outputError: () => {}, writeErr: (text) => process.stdout.write(text) });
  for (const sub of command.commands) quietly(sub, path);
}

/**
 * One output convention for every own command: `-o json` (or `--output json`) is accepted by each,
 * as `--hk-output json` is. A command with a JSON form of its own declares the option itself and
 * prints that form; for the others it makes hkubectl's own messages (errors, refusals) JSON.
 */
export function withOutputOption(command: Command): void {
  if (!command.options.some((option) => option.long === '--output')) {
    command.addOption(new Option('-o, --output <format>', "format of hkubectl's own messages: text, or json (as --hk-output json)").choices(['text', 'json']));
    // A group's own -o stands before its subcommand's name; after it, -o is the subcommand's.
    if (command.commands.length > 0) command.enablePositionalOptions();
  }
  command.hook('preAction', (_self, acting) => {
    if (acting.opts().output === 'json' && runOptions().output !== 'json') setRunOptions({ ...runOptions(), output: 'json' }, commandEnv());
  });
  for (const sub of command.commands) withOutputOption(sub);
}

/** Exit status of a Unix tool whose reader went away (128 + SIGPIPE), as a shell reports it. */
export const CLOSED_PIPE_EXIT = 141;

/**
 * `hkubectl approvals | head -1`: once the reader has gone, the rest of the output has nowhere to
 * go. End as Unix tools do (status 141), not with a stack trace from the EPIPE.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(CLOSED_PIPE_EXIT);
    });
  }
}

type FromMain = { options: OwnOptions; env: NodeJS.ProcessEnv; ownFlags: OwnFlagValues };

/** `run` is what main.ts resolved: set again here, since own commands are a bundle of their own. */
export async function runOwnCommand(name: string, args: string[], run?: FromMain): Promise<number> {
  if (run) setRunOptions(run.options, run.env, run.ownFlags);
  endQuietlyOnClosedPipe();
  const taken = takeNoColorFlag(args);
  applyColourChoice(process.env, taken.noColor);
  args = taken.args;
  const load = ownCommands[name];
  if (!load) throw new UsageError('ERR_UNKNOWN_COMMAND', `unknown command ${name}`);
  const command = await (await load()).default();
  withOutputOption(command);
  // Positional options: `policy check get pods -n x` leaves `-n x` to the kubectl words.
  const program = new Command('hkubectl').enablePositionalOptions().addCommand(command);
  quietly(program);
  try {
    await program.parseAsync([name, ...args], { from: 'user' });
  } catch (error) {
    if (error instanceof RefusedBy) {
      const { refusal, words } = error;
      // A command group without its subcommand shows its help, as `kubectl config` does: not a usage error.
      if (refusal.exitCode === 0 || refusal.code === 'commander.help') return 0;
      throw new UsageError(`ERR_${refusal.code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`,
        refusal.message.replace(/^error: /, ''), { hint: `run \`hkubectl ${words || name} --help\`` });
    }
    // `-o json` was taken here, after main.ts read the own flags: the failure is reported here, as JSON.
    if (runOptions().output === 'json' && run?.options.output !== 'json') return reportFailure(error, 'json');
    throw error;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
