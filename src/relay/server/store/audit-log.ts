// The relay's append-only, hash-chained audit log (JSON lines, see audit-chain.ts).
//
// Durability: an entry's `durable` promise resolves only after its bytes are fsync'd, and the
// relay answers no HTTP request before that. Group commit: entries appended while a write+fsync
// is in flight are written together by the next one, so one fsync serves many decisions.
//
// A damaged last line (the relay died mid-write, or someone edited the file) stops the relay
// from starting: it is never skipped silently. With `repair`, the damaged tail is cut off and
// the cut itself is logged (its size and sha256) as the first new entry.
//
// A failed write (a full disk) leaves no torn line: see createWriter.
import { mkdir, open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, TemporaryError } from '../../../errors.ts';
import { AppendConflictError } from './store.ts';
import { GENESIS, sealEntry, sha256Hex, type AuditEntry, type SealableEvent } from '../../../contract/audit-chain.ts';
import type { RepairEvent } from '../../../contract/audit-events.ts';
import { describeBrokenLink, logExists, scanAuditLog, type ChainHead } from './audit-scan.ts';

export type Appended = { entry: AuditEntry; durable: Promise<void> };

/** The function that puts bytes in the file; tests of a failing disk may pass their own. */
export type WriteBytes = (handle: FileHandle, bytes: Buffer, offset: number, length: number) => Promise<{ bytesWritten: number }>;

export type AuditLog = {
  readonly file: string;
  /** The entry the next append chains after (sealed, perhaps not yet durable). */
  head(): ChainHead;
  /**
   * Seals the entry at once (so log order is call order); `durable` settles after fsync.
   * With `expectSeq`, throws AppendConflictError unless the head is still that seq.
   */
  append(event: SealableEvent, options?: { expectSeq?: number }): Appended;
  /** null while writes succeed; why the last one failed otherwise. */
  problem(): string | null;
  /** Settles once every entry sealed so far is durable (or refused). */
  flushed(): Promise<void>;
  /** Forgets a failed write once space is back (a probe write succeeded); the next append writes for real. */
  clearProblem(): void;
  close(): Promise<void>;
};

export type OpenAuditLogOptions = {
  file: string;
  /** Cut off a damaged last line (logging the cut) instead of refusing to start. */
  repair?: boolean;
  now?: () => Date;
  /** Receives every existing entry, in order, before the log accepts appends. */
  onEntry?: (entry: AuditEntry) => void;
  /** Told when a failed write took back sealed entries: the head is `head` again. */
  onRollback?: (head: ChainHead) => void;
  writeBytes?: WriteBytes;
};

type Waiter = { resolve: () => void; reject: (error: Error) => void };

export async function openAuditLog(options: OpenAuditLogOptions): Promise<AuditLog> {
  const { file } = options;
  const now = options.now ?? (() => new Date());
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let head: ChainHead = { seq: 0, hash: GENESIS };
  let repairEvent: RepairEvent | null = null;
  if (await logExists(file)) {
    const scan = await scanAuditLog(file, options.onEntry);
    head = scan.head;
    if (scan.broken) {
      const problem = describeBrokenLink(file, scan.broken);
      if (!scan.broken.isLast) {
        throw new ConfigError('ERR_AUDIT_LOG_BROKEN', `the audit log's hash chain is broken: ${problem}`, {
          hint: 'a line before the last one was changed or removed; this is not a crash artefact and is not repaired automatically — keep the file as evidence and investigate',
        });
      }
      if (!options.repair) {
        throw new ConfigError('ERR_AUDIT_LOG_TORN', `the audit log ends in a damaged line: ${problem}`, {
          hint: 'start the relay with --repair-log to cut that line off (the cut is recorded in the log), after keeping a copy of the file',
        });
      }
      const tail = (await readFile(file)).subarray(scan.broken.offset);
      await truncate(file, scan.broken.offset);
      repairEvent = {
        type: 'repair', truncatedAtByte: scan.broken.offset, truncatedBytes: tail.length,
        truncatedSha256: sha256Hex(tail), reason: scan.broken.message,
      };
    }
  }

  const handle = await open(file, 'a', 0o600);
  const length = (await handle.stat()).size;
  const log = createWriter({ file, handle, start: head, length, now, onRollback: options.onRollback ?? (() => {}), writeBytes: options.writeBytes ?? defaultWrite });
  if (repairEvent) await log.append(repairEvent).durable;
  return log;
}

const defaultWrite: WriteBytes = (handle, bytes, offset, length) => handle.write(bytes, offset, length);

type WriterParts = {
  file: string; handle: FileHandle; start: ChainHead; length: number; now: () => Date;
  onRollback: (head: ChainHead) => void; writeBytes: WriteBytes;
};

// A write that fails (a full disk, an I/O error) must leave the file as it was before it: the
// bytes of the failed batch are cut off again (ftruncate to the last length that was fsync'd,
// which needs no free space), the head goes back to the last durable entry, and every entry
// sealed after it is refused, since each chains on the ones refused. The log then accepts
// appends again, so service resumes by itself once space is back. Only a failed cut leaves the
// file's tail unknown: then the log refuses every write until the relay restarts (and its start
// scan finds the torn line).
function createWriter({ file, handle, start, length, now, onRollback, writeBytes }: WriterParts): AuditLog {
  let head = start;
  let durableHead = start;
  let durableLength = length;
  let batch: string[] = [];
  let batchHead = start;
  let waiters: Waiter[] = [];
  let flushing: Promise<void> | null = null;
  let problem: string | null = null;
  let broken: Error | null = null;

  async function flush(): Promise<void> {
    while (batch.length > 0) {
      const bytes = Buffer.from(batch.join(''));
      const settled = waiters;
      const written = batchHead;
      batch = [];
      waiters = [];
      try {
        await writeAll(handle, bytes, writeBytes);
        await handle.sync();
        durableLength += bytes.length;
        durableHead = written;
        problem = null;
        for (const waiter of settled) waiter.resolve();
      } catch (error) {
        const failure = new TemporaryError('ERR_AUDIT_LOG_WRITE', `cannot write the audit log ${file}: ${(error as Error).message}`, {
          cause: error, hint: 'the entry was not recorded and nothing changed; the relay accepts it again once the log can be written (free space on its data disk)',
        });
        problem = failure.message;
        try {
          await handle.truncate(durableLength);
          await handle.sync();
        } catch (cutError) {
          broken = new TemporaryError('ERR_AUDIT_LOG_WRITE', `cannot write the audit log ${file}, nor cut a failed write back off it: ${(cutError as Error).message}`, {
            cause: cutError, hint: 'restart the relay once the disk is healthy (it refuses to start on a damaged last line until --repair-log)',
          });
          problem = broken.message;
        }
        const refused = [...settled, ...waiters];
        batch = [];
        waiters = [];
        head = durableHead;
        batchHead = durableHead;
        onRollback(head);
        for (const waiter of refused) waiter.reject(failure);
      }
    }
    flushing = null;
  }

  return {
    file,
    head: () => head,
    problem: () => problem,
    async flushed() {
      while (flushing) await flushing;
    },
    clearProblem() {
      if (!broken) problem = null;
    },
    append(event, options = {}) {
      if (broken) throw broken;
      if (options.expectSeq !== undefined && options.expectSeq !== head.seq) throw new AppendConflictError(options.expectSeq, head.seq);
      const { line, entry } = sealEntry(event, head.seq + 1, now().toISOString(), head.hash);
      head = { seq: entry.seq, hash: entry.hash };
      batchHead = head;
      batch.push(`${line}\n`);
      const durable = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      flushing ??= flush();
      return { entry, durable };
    },
    async close() {
      await flushing;
      await handle.close();
    },
  };
}

async function writeAll(handle: FileHandle, bytes: Buffer, writeBytes: WriteBytes): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await writeBytes(handle, bytes, written, bytes.length - written);
    written += bytesWritten;
  }
}
