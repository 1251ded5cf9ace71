// The one place where hkubectl's own failures become a stderr line and an exit code.
import type { OutputFormat } from '../config/own-options.ts';
import { ExitCode, isHkError } from '../errors.ts';
import { runOptions } from './run-options.ts';

/** Whether hkubectl's own messages are JSON in this run (`--hk-output json` or HKUBECTL_OUTPUT). */
export function outputIsJson(): boolean {
  return runOptions().output === 'json';
}

/** Formats an error as the single `hkubectl:` line (or JSON object) the contract promises. */
export function formatFailure(error: unknown, json: boolean): { line: string; exitCode: number } {
  const known = isHkError(error) ? error : undefined;
  const exitCode = known?.exitCode ?? ExitCode.software;
  const message = known?.message ?? `internal error: ${error instanceof Error ? error.message : String(error)}`;
  const hint = known?.hint ?? (known ? undefined : 'this is a bug in hkubectl; please report it with the command you ran');
  if (json) {
    const body = { error: { code: known?.code ?? 'ERR_INTERNAL', message, hint: hint ?? null, exitCode, ...known?.details } };
    return { line: JSON.stringify(body), exitCode };
  }
  const oneLine = `hkubectl: ${message}${hint ? ` — ${hint}` : ''}`.replace(/\s*\n\s*/g, ' ');
  return { line: oneLine, exitCode };
}

export function reportFailure(error: unknown, output: OutputFormat = runOptions().output): number {
  const { line, exitCode } = formatFailure(error, output === 'json');
  process.stderr.write(`${line}\n`);
  return exitCode;
}
