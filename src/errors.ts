// One error base with a stable `code`; the CLI's top level is the only place that prints them
// and turns them into exit codes (see src/cli/exit.ts). Callers branch on `code`, never on text.

export const ExitCode = {
  usage: 64,
  denied: 77,
  temporary: 75,
  config: 78,
  software: 70,
} as const;

export type HkErrorOptions = { hint?: string; cause?: unknown; details?: Record<string, unknown> };

// The pass-through bundle and the own-commands bundle each carry a copy of this module, so
// recognition goes by a registered symbol rather than by class identity.
const HK_ERROR_BRAND = Symbol.for('hkubectl.HkError');

export class HkError extends Error {
  readonly [HK_ERROR_BRAND] = true;
  readonly code: string;
  readonly exitCode: number;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, exitCode: number, options: HkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** Bad command line or request: exit 64. */
export class UsageError extends HkError {
  constructor(code: string, message: string, options?: HkErrorOptions) {
    super(code, message, ExitCode.usage, options);
  }
}

/** Refused by policy, guardrail or an approver: exit 77. */
export class DeniedError extends HkError {
  constructor(code: string, message: string, options?: HkErrorOptions) {
    super(code, message, ExitCode.denied, options);
  }
}

/** Worth retrying later (relay or IdP unreachable, approval pending or timed out): exit 75. */
export class TemporaryError extends HkError {
  constructor(code: string, message: string, options?: HkErrorOptions) {
    super(code, message, ExitCode.temporary, options);
  }
}

/** Something to fix in setup (no login, bad policy file, kubectl missing): exit 78. */
export class ConfigError extends HkError {
  constructor(code: string, message: string, options?: HkErrorOptions) {
    super(code, message, ExitCode.config, options);
  }
}

export function isHkError(error: unknown): error is HkError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[HK_ERROR_BRAND] === true;
}
