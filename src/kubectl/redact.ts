// Credentials given as kubectl flag values never leave the agent's machine in the command model,
// the relay's request or the audit log: the value is replaced, the flag (and a `key=` prefix) kept.

/** Flags whose value is a credential. */
export const SECRET_FLAGS: ReadonlySet<string> = new Set(['token', 'password', 'docker-password', 'from-literal', 'set-raw-bytes']);

export const REDACTED = '[MASKED:kubectl-flag]';

/** Keeps the key of `key=value` pairs (`--from-literal=password=…`) so policy can still see it. */
export function redactFlagValue(value: string): string {
  const eq = value.indexOf('=');
  return eq > 0 && !value.startsWith('=') ? `${value.slice(0, eq)}=${REDACTED}` : REDACTED;
}
