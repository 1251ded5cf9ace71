// Notes in the log when requests expire, and wakes whoever waits on them. Expiry itself needs
// no event (statusAt computes it); the event makes the audit trail say when the relay saw it.
import { isExpired } from './approvals.ts';
import type { RelayCore } from './core.ts';
import { showCommand } from '../../contract/command-line.ts';

export function startExpirySweep(core: RelayCore, everyMs = 1000): { stop(): void } {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const nowMs = core.now();
      for (const request of core.state.requests.values()) {
        if ((request.status === 'pending' || request.status === 'approved' || request.status === 'denied') && isExpired(request, nowMs)) {
          await core.commit({ type: 'expire', requestId: request.id, command: showCommand(request.argv) });
        }
      }
    } catch {
      // The log refused a write (a full disk): nothing was noted, and the next sweep tries again.
    } finally {
      running = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
