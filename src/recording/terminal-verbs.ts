// Which commands run inside a pseudo-terminal. Interactive verbs with a terminal (-t) need one
// even when the agent's stdin is a pipe; port-forward is long-lived and interactive. Everything
// else keeps plain pipes, so agents get kubectl's exact bytes (a terminal would turn \n into \r\n).
import type { CommandIntent } from '../kubectl/intent.ts';

const ALWAYS = new Set(['port-forward', 'edit']);

export function needsTerminal(intent: CommandIntent): boolean {
  return ALWAYS.has(intent.verb) || intent.tty;
}
