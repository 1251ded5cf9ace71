// Which commands run inside a pseudo-terminal, and which read the caller's stdin. Interactive verbs with a terminal (-t) need one
// even when the agent's stdin is a pipe; port-forward is long-lived and interactive. Everything
// else keeps plain pipes, so agents get kubectl's exact bytes (a terminal would turn \n into \r\n).
import type { CommandIntent } from '../kubectl/intent.ts';

const ALWAYS = new Set(['port-forward', 'edit']);

export function needsTerminal(intent: CommandIntent): boolean {
  return ALWAYS.has(intent.verb) || intent.tty;
}

const STDIN_PATHS = new Set(['-', '/dev/stdin']);

/**
 * Whether kubectl reads the caller's stdin in this command: `-i` (sent into the container) or a
 * manifest from stdin (`-f -`, a file or literal from /dev/stdin). What it reads is recorded as
 * input; other commands leave stdin alone, so a caller's loop reading the same stdin keeps it.
 */
export function readsStdin(intent: CommandIntent, args: readonly string[]): boolean {
  return intent.interactive || intent.filenames.some((name) => STDIN_PATHS.has(name)) || args.some((arg) => arg.endsWith('/dev/stdin'));
}
