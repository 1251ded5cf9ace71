// The one place where hkubectl's own failures become a stderr line and an exit code.
import { showUntrusted } from '../contract/show-untrusted.ts';
import { ExitCode, isHkError } from '../errors.ts';

export function outputIsJson(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.HKUBECTL_OUTPUT === 'json';
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
  // Messages echo what the agent or the relay sent (a command, a name, a justification): spelt
  // out, so the line cannot act on the reader's terminal.
  const oneLine = showUntrusted(`hkubectl: ${message}${hint ? ` — ${hint}` : ''}`.replace(/\s*\n\s*/g, ' '));
  return { line: oneLine, exitCode };
}

export function reportFailure(error: unknown): number {
  const { line, exitCode } = formatFailure(error, outputIsJson());
  process.stderr.write(`${line}\n`);
  return exitCode;
}
