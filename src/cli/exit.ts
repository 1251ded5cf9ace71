// The one place where hkubectl's own failures become a stderr line and an exit code.
import type { OutputFormat } from '../config/own-options.ts';
import { showUntrusted } from '../contract/show-untrusted.ts';
import { ConfigError, ExitCode, isHkError, type HkError } from '../errors.ts';
import { runOptions } from './run-options.ts';

/** Whether hkubectl's own messages are JSON in this run (`--hk-output json` or HKUBECTL_OUTPUT). */
export function outputIsJson(): boolean {
  return runOptions().output === 'json';
}

/** Formats an error as the single `hkubectl:` line (or JSON object) the contract promises. */
export function formatFailure(error: unknown, json: boolean): { line: string; exitCode: number } {
  const known = isHkError(error) ? error : bundleMissing(error);
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

export function reportFailure(error: unknown, output: OutputFormat = runOptions().output): number {
  const { line, exitCode } = formatFailure(error, output === 'json');
  process.stderr.write(`${line}\n`);
  return exitCode;
}

/**
 * The own-command and governed bundles (and their chunks) are loaded when first needed: one gone
 * since start-up means dist/ was rebuilt or removed under a running hkubectl.
 */
function bundleMissing(error: unknown): HkError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' || typeof message !== 'string' || !/[/\\]dist[/\\]/.test(message)) return undefined;
  return new ConfigError('ERR_BUNDLE_MISSING', "part of hkubectl's built CLI is missing (dist/ was rebuilt or removed while this command started)", {
    hint: 'run the command again; if this persists, run `npm run build` in the hkubectl checkout',
  });
}
