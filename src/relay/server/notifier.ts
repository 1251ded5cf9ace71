// Long-poll plumbing: callers wait for "request X changed" or "any request changed", and are
// woken once the change is durable in the audit log (never before: a waiter must not act on a
// decision a crash could still take back).
export type Notifier = {
  /** Resolves true when `key` is notified, false after `timeoutMs`; `signal` ends it early. */
  wait(key: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  notify(key: string): void;
  /** Wakes everyone (used on shutdown). */
  notifyAll(): void;
};

export const ANY_REQUEST = '*';

export function createNotifier(): Notifier {
  const waiting = new Map<string, Set<() => void>>();
  return {
    wait(key, timeoutMs, signal) {
      return new Promise<boolean>((resolve) => {
        const set = waiting.get(key) ?? new Set();
        waiting.set(key, set);
        const finish = (woken: boolean) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          set.delete(wake);
          if (set.size === 0 && waiting.get(key) === set) waiting.delete(key);
          resolve(woken);
        };
        const wake = () => finish(true);
        const onAbort = () => finish(false);
        const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
        set.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    notify(key) {
      for (const wake of [...(waiting.get(key) ?? [])]) wake();
    },
    notifyAll() {
      for (const set of [...waiting.values()]) for (const wake of [...set]) wake();
    },
  };
}
