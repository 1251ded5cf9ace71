// The one interface through which the relay, the `audit` commands and the sweep read and write
// everything the relay keeps: the hash-chained audit log, the signed checkpoints of its head, and
// the session blobs (the relay's copies of .cast files and signed manifests).
//
// Today's implementation is files in the data directory (file-store.ts); a PostgreSQL store
// implements the same interface so that several relays share one chain. Hence:
//   - everything is async (a database is a round trip away);
//   - an append may name the head it expects; if another writer got there first the append is
//     refused with AppendConflictError and nothing is written, so two relays can race safely
//     (the loser re-reads the head and tries again);
//   - `subscribe` is a catch-up subscription (entries after a seq, then new ones as they come),
//     which a database implements with LISTEN/NOTIFY plus a read of what it missed.
// Nothing here knows about HTTP: callers hand blobs in as bytes or an async iterable of chunks.
// The contract every implementation meets is test/relay/server/store/store-contract.ts.
import type { Readable } from 'node:stream';
import type { AuditEntry, AuditEvent } from '../../../contract/audit-chain.ts';
import type { SignedCheckpoint } from '../../../contract/checkpoint.ts';
import { HkError, ExitCode, isHkError } from '../../../errors.ts';

export type ChainHead = { seq: number; hash: string };

/** Inclusive seq bounds; either may be left out. */
export type SeqRange = { fromSeq?: number; toSeq?: number };

/** The first entry that does not chain, as a check of the whole log finds it. */
export type BrokenEntry = {
  seq: number | null;
  /** Where, in the store's own terms (a file and line, a table and row). */
  where: string;
  message: string;
  /** True when it is the last entry: what a crash mid-write leaves. */
  isLast: boolean;
};

export type ChainCheck = { head: ChainHead; entries: number; broken: BrokenEntry | null };

/** Session blobs: the .cast as uploaded, the manifest as signed, and the relay's own record of a gateway session. */
export type BlobKind = 'cast' | 'manifest' | 'record';
export type BlobDigest = { sha256: string; size: number };
export type StoredBlob = { size: number; open(): Readable };

export type StoreHealth = { writable: true } | { writable: false; problem: string };

export type Subscription = { close(): void };

/** What an auditor's tool needs: reading, never writing. */
export interface AuditStoreReader {
  /** Where the store is, for messages (a data directory, a database URL without secrets). */
  readonly location: string;
  /** The entry the next append chains after (seq 0 and the genesis hash when empty). */
  head(): Promise<ChainHead>;
  /** Entries in seq order within `range`, as written (parsed, version-checked, not chain-checked). */
  read(range?: SeqRange): AsyncIterable<AuditEntry>;
  /** Walks the whole log from the first entry, checking every link; stops at the first bad one. */
  checkChain(onEntry?: (entry: AuditEntry) => void): Promise<ChainCheck>;
  /** Every checkpoint kept, oldest first, as signed (not verified here). */
  checkpoints(): AsyncIterable<SignedCheckpoint>;
  getBlob(kind: BlobKind, sessionId: string): Promise<StoredBlob | null>;
  /** Session ids holding a blob of this kind. */
  listBlobs(kind: BlobKind): AsyncIterable<string>;
  close(): Promise<void>;
}

export interface RelayStore extends AuditStoreReader {
  /**
   * True when `subscribe` delivers an entry only once it is durable (a store shared by several
   * relays delivers what the others committed): the relay then wakes its waiters on delivery.
   * Left out, entries are delivered when sealed and are durable once their append resolves.
   */
  readonly deliveredWhenDurable?: boolean;
  /**
   * Seals `events` as the next entries and resolves, with the entries, once they are durable.
   * With `expectSeq`, the append happens only if the head is still that seq; otherwise it
   * rejects with AppendConflictError and writes nothing. A failed write rejects with a
   * TemporaryError (exit 75, HTTP 503) and leaves nothing of these events behind.
   */
  append(events: readonly AuditEvent[], options?: { expectSeq?: number }): Promise<AuditEntry[]>;
  /**
   * Appends the one event `build` makes for the place it lands on (the seq it gets and the hash
   * before it), built while the chain is held. A store shared by several writers offers this, so
   * an event that names its own place (a session's manifest) is not refused over and over on a
   * busy chain, as a head read before an `expectSeq` append would be. `build` runs synchronously;
   * what it throws refuses this append alone.
   */
  appendAtHead?(build: (chain: { seq: number; prev: string }) => AuditEvent): Promise<AuditEntry>;
  /**
   * Calls `listener` with every entry after `afterSeq`, in seq order, then with each new one.
   * An entry is delivered once its place in the chain is fixed; a store whose writes can fail
   * after that (the file store seals before it writes, for group commit) calls `onRollback`
   * with the head it went back to, and the entries after it are as if never delivered.
   */
  subscribe(afterSeq: number, listener: (entry: AuditEntry) => void, onRollback?: (head: ChainHead) => void): Promise<Subscription>;
  addCheckpoint(checkpoint: SignedCheckpoint): Promise<void>;
  /** Keeps a blob whole or not at all; `content` is read to its end. */
  putBlob(kind: BlobKind, sessionId: string, content: Uint8Array | AsyncIterable<Uint8Array>): Promise<BlobDigest>;
  /** Whether the log can be written now (a store that failed a write tries again to find out). */
  health(): Promise<StoreHealth>;
}

/** Another writer appended first: re-read the head and decide again. Retryable (exit 75, HTTP 503). */
export class AppendConflictError extends HkError {
  constructor(readonly expectedSeq: number, readonly actualSeq: number) {
    super('ERR_STORE_APPEND_CONFLICT', `the audit log's head moved (expected #${expectedSeq}, it is #${actualSeq}): another writer appended first`, ExitCode.temporary);
  }
}

/**
 * An event that may happen once in the log (an approval used, a request reviewed) happened
 * already, in entry `heldBySeq`, written by another relay: catch up to it and decide again.
 * Nothing of the refused append was written. Retryable (exit 75, HTTP 503) if it reaches a caller.
 */
export class ClaimTakenError extends HkError {
  constructor(readonly claim: string, readonly heldBySeq: number) {
    super('ERR_STORE_CLAIM_TAKEN', `${claim} was recorded already, by entry #${heldBySeq}: another relay got there first`, ExitCode.temporary);
  }
}

export function isClaimTaken(error: unknown): error is ClaimTakenError {
  return isHkError(error) && error.code === 'ERR_STORE_CLAIM_TAKEN';
}

export function isAppendConflict(error: unknown): error is AppendConflictError {
  return isHkError(error) && error.code === 'ERR_STORE_APPEND_CONFLICT';
}
