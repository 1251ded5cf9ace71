// The demo's own failure: a step did not go the way the story says (a server did not start, a
// command the policy should allow was refused...). One `hkubectl:` line and exit 1, as `verify`
// exits 1 for a recording that does not verify; hkubectl's own errors keep their codes.
import { HkError, type HkErrorOptions } from '../errors.ts';

export const DEMO_FAILED_EXIT = 1;

export class DemoFailedError extends HkError {
  constructor(message: string, options?: HkErrorOptions) {
    super('ERR_DEMO_FAILED', message, DEMO_FAILED_EXIT, options);
  }
}

/** The last non-empty line a process printed on stderr: usually its `hkubectl:` line. */
export function lastLine(text: string): string | undefined {
  return text.trim().split('\n').filter((line) => line.trim() !== '').at(-1);
}
