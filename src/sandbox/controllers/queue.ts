// A work queue like client-go's: changes mark keys dirty, and each key reconciles once per turn
// of the event loop however many changes touched it. Reconcilers run outside the store's
// change notification, so they may write freely.
export type Reconcile = (key: string) => void;

export function workQueue(reconcile: Reconcile, onError: (error: unknown) => void): { add(key: string): void; stop(): void } {
  const dirty = new Set<string>();
  let scheduled: NodeJS.Immediate | undefined;
  let stopped = false;
  const drain = () => {
    scheduled = undefined;
    const keys = [...dirty];
    dirty.clear();
    for (const key of keys) {
      if (stopped) return;
      try {
        reconcile(key);
      } catch (error) {
        onError(error);
      }
    }
  };
  return {
    add(key) {
      if (stopped) return;
      dirty.add(key);
      scheduled ??= setImmediate(drain);
    },
    stop() {
      stopped = true;
      if (scheduled) clearImmediate(scheduled);
    },
  };
}
