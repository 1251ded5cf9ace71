// The relay's append-only, hash-chained audit log (JSON lines, see audit-chain.ts).
//
// Durability: an entry's `durable` promise resolves only after its bytes are fsync'd, and the
// relay answers no HTTP request before that. Group commit: entries appended while a write+fsync
// is in flight are written together by the next one, so one fsync serves many decisions.
//
// A damaged last line (the relay died mid-write, or someone edited the file) stops the relay
// from starting: it is never skipped silently. With `repair`, the damaged tail is cut off and
// the cut itself is logged (its size and sha256) as the first new entry.
import { mkdir, open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, TemporaryError } from '../../../errors.ts';
import { GENESIS, sealEntry, sha256Hex, type AuditEntry, type SealableEvent } from '../../../contract/audit-chain.ts';
import type { RepairEvent } from '../../../contract/audit-events.ts';
import { describeBrokenLink, logExists, scanAuditLog, type ChainHead } from './audit-scan.ts';

export type Appended = { entry: AuditEntry; durable: Promise<void> };

export type AuditLog = {
  readonly file: string;
  head(): ChainHead;
  /** Seals the entry at once (so log order is call order); `durable` settles after fsync. */
  append(event: SealableEvent): Appended;
  close(): Promise<void>;
};

export type OpenAuditLogOptions = {
  file: string;
  /** Cut off a damaged last line (logging the cut) instead of refusing to start. */
  repair?: boolean;
  now?: () => Date;
  /** Receives every existing entry, in order, before the log accepts appends. */
  onEntry?: (entry: AuditEntry) => void;
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
  const log = createWriter(file, handle, head, now);
  if (repairEvent) await log.append(repairEvent).durable;
  return log;
}

function createWriter(file: string, handle: FileHandle, start: ChainHead, now: () => Date): AuditLog {
  let head = start;
  let batch: string[] = [];
  let waiters: Waiter[] = [];
  let flushing: Promise<void> | null = null;
  let failure: Error | null = null;

  async function flush(): Promise<void> {
    while (batch.length > 0) {
      const lines = batch.join('');
      const settled = waiters;
      batch = [];
      waiters = [];
      try {
        await writeAll(handle, Buffer.from(lines));
        await handle.sync();
        for (const waiter of settled) waiter.resolve();
      } catch (error) {
        // Fail closed: after a failed write the file's tail is unknown, so nothing more is accepted.
        failure = new TemporaryError('ERR_AUDIT_LOG_WRITE', `cannot write the audit log ${file}: ${(error as Error).message}`, { cause: error });
        for (const waiter of [...settled, ...waiters]) waiter.reject(failure);
        batch = [];
        waiters = [];
      }
    }
    flushing = null;
  }

  return {
    file,
    head: () => head,
    append(event) {
      if (failure) throw failure;
      const { line, entry } = sealEntry(event, head.seq + 1, now().toISOString(), head.hash);
      head = { seq: entry.seq, hash: entry.hash };
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

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
    written += bytesWritten;
  }
}
