// The relay signs checkpoints of its audit log's head (seq, hash, time) — at start, at every
// session close, at least every minute while entries arrive, and when it stops — and keeps them
// in its store, and optionally appends them to a second file (relay.yaml `checkpoints.copy`)
// that whoever can rewrite the data directory may not reach. Only durable entries are signed:
// a checkpoint must never name an entry a failed write took back.
import { CHECKPOINT_TYP, checkpointBytes } from '../../contract/checkpoint.ts';
import type { KeyStore } from './keys.ts';
import { appendCheckpointLine } from './store/checkpoint-file.ts';
import type { ChainHead, RelayStore } from './store/store.ts';

export const CHECKPOINT_EVERY_MS = 60_000;

export type CheckpointerParts = {
  store: Pick<RelayStore, 'addCheckpoint'>;
  keys: Pick<KeyStore, 'signNow'>;
  lastDurable: () => ChainHead;
  now: () => number;
  /** A second file to append each checkpoint to. */
  copyTo?: string | null;
  everyMs?: number;
};

export type Checkpointer = {
  /** Signs the last durable head unless it is signed already; resolves once kept. */
  checkpoint(): Promise<void>;
  stop(): void;
};

export function startCheckpoints(parts: CheckpointerParts): Checkpointer {
  let signedSeq = 0;
  let queue: Promise<void> = Promise.resolve();
  const signHead = async () => {
    const head = parts.lastDurable();
    if (head.seq === 0 || head.seq <= signedSeq) return;
    const checkpoint = parts.keys.signNow(checkpointBytes(head, new Date(parts.now()).toISOString()), CHECKPOINT_TYP);
    await parts.store.addCheckpoint(checkpoint);
    if (parts.copyTo) await appendCheckpointLine(parts.copyTo, checkpoint);
    signedSeq = head.seq;
  };
  // One at a time, in order: a later checkpoint never lands before an earlier one.
  const checkpoint = () => {
    const next = queue.then(signHead);
    queue = next.catch(() => {});
    return next;
  };
  const timer = setInterval(() => void checkpoint().catch(() => {
    // The store refused the write (a full disk): the next tick tries again.
  }), parts.everyMs ?? CHECKPOINT_EVERY_MS);
  timer.unref();
  return { checkpoint, stop: () => clearInterval(timer) };
}
