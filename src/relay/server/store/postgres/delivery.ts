// Hands this relay's subscribers every entry of the shared chain, in seq order and once: its own
// appends as they commit, and the other relays' when a notification says there is more (or a
// reconnect says there may be). Entries are delivered only after they are committed, so a
// subscriber never sees an entry that could still be taken back (no rollbacks, unlike files).
// One task at a time: a read of what others wrote and a delivery of our own never interleave.
import type { AuditEntry } from '../../../../contract/audit-chain.ts';
import type { Subscription } from '../store.ts';

type Listener = (entry: AuditEntry) => void;

export type Delivery = {
  /** The last seq handed to subscribers. */
  delivered(): number;
  /** Entries this relay just committed: delivered (after any gap before them is read) before this settles. */
  committed(entries: AuditEntry[]): Promise<void>;
  /** Reads and delivers whatever was committed after what was delivered. */
  wake(): void;
  subscribe(afterSeq: number, listener: Listener): Promise<Subscription>;
  /** Settles once no delivery is in progress. */
  idle(): Promise<void>;
};

/** `read(afterSeq, toSeq)` reads committed entries in that range, in order. */
export function createDelivery(startSeq: number, read: (afterSeq: number, toSeq?: number) => AsyncIterable<AuditEntry>): Delivery {
  let delivered = startSeq;
  const listeners = new Set<Listener>();
  let queue: Promise<void> = Promise.resolve();
  let wakePending = false;

  const hand = (entry: AuditEntry) => {
    if (entry.seq !== delivered + 1) return;
    delivered = entry.seq;
    for (const listener of [...listeners]) listener(entry);
  };
  const readOn = async (toSeq?: number) => {
    for await (const entry of read(delivered, toSeq)) hand(entry);
  };
  const run = (task: () => Promise<void>): Promise<void> => {
    const next = queue.then(task);
    queue = next.catch(() => {});
    return next;
  };

  return {
    delivered: () => delivered,
    committed(entries) {
      return run(async () => {
        const first = entries[0]!.seq;
        if (first > delivered + 1) await readOn(first - 1);
        for (const entry of entries) hand(entry);
      });
    },
    wake() {
      if (wakePending) return;
      wakePending = true;
      void run(async () => {
        wakePending = false;
        await readOn();
      }).catch(() => {
        // The database is away: the reconnect wakes us again.
      });
    },
    async subscribe(afterSeq, listener) {
      // Entries delivered while the older ones are read back are held, then handed on in order.
      let held: AuditEntry[] | null = [];
      const live: Listener = (entry) => {
        if (entry.seq <= afterSeq) return;
        if (held) held.push(entry);
        else listener(entry);
      };
      listeners.add(live);
      const liveFrom = delivered;
      try {
        await run(async () => {
          if (afterSeq < liveFrom) for await (const old of read(afterSeq, liveFrom)) listener(old);
          const pending = held ?? [];
          held = null;
          for (const entry of pending) listener(entry);
        });
      } catch (error) {
        listeners.delete(live);
        throw error;
      }
      return { close: () => listeners.delete(live) };
    },
    idle: () => queue,
  };
}
