// Waiting for an approver's answer, as the wrapper and `approvals status --wait` do: long-polls
// in slices, and rides out a relay restart (the pending request survives it, see state.ts) by
// retrying until the caller's deadline rather than failing at the first refused connection.
import { isHkError } from '../../errors.ts';
import type { RelayClient } from './client.ts';
import type { ApprovalRequest } from '../../contract/relay-api.ts';

export type WaitOptions = {
  timeoutMs: number;
  /** Longest single long-poll; the relay caps it too. */
  sliceMs?: number;
  retryMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about each failed attempt that will be retried (relay down or restarting). */
  onRetry?: (error: unknown) => void;
};

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The request once it is no longer pending, or as it stands when the time is up. */
export async function waitForAnswer(client: RelayClient, requestId: string, options: WaitOptions): Promise<ApprovalRequest> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? pause;
  const deadline = now() + options.timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    const left = deadline - now();
    try {
      const request = await client.wait(requestId, Math.max(0, Math.min(left, options.sliceMs ?? 25_000)));
      if (request.status !== 'pending' || deadline - now() <= 0) return request;
      lastError = null;
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (deadline - now() <= 0) throw lastError ?? error;
      lastError = error;
      options.onRetry?.(error);
      await sleep(Math.min(options.retryMs ?? 250, Math.max(0, deadline - now())));
    }
  }
}

function isRetryable(error: unknown): boolean {
  return isHkError(error) && error.exitCode === 75;
}
