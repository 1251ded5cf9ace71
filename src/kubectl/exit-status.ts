// How a child's end becomes hkubectl's exit code: kubectl's own code passes through unchanged,
// and a death by signal is reported as 128+n, the way shells do.
import { constants } from 'node:os';

export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal === null ? undefined : constants.signals[signal];
  return number === undefined ? 1 : 128 + number;
}

/** How kubectl ended: hkubectl's exit code for it, and the signal that killed it, if one did. */
export interface KubectlEnd {
  exitCode: number;
  signal: NodeJS.Signals | null;
}

export function endOf(code: number | null, signal: NodeJS.Signals | null): KubectlEnd {
  return { exitCode: exitCodeOf(code, signal), signal: code === null ? signal : null };
}
