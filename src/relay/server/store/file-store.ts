// The relay's store as files in its data directory — the embedded default:
//   audit.jsonl        the hash-chained log (audit-log.ts: group commit, fsync, no torn lines)
//   checkpoints.jsonl  signed checkpoints of the log's head (checkpoint-file.ts)
//   sessions/          the relay's copies of .cast files and signed manifests (session-blobs.ts)
// One relay per data directory (server.ts holds a lock); `audit` commands open it read-only
// with fileStoreReader, which never writes.
import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry } from '../../../contract/audit-chain.ts';
import { openAuditLog, type AuditLog, type WriteBytes } from './audit-log.ts';
import { auditEntries } from './audit-read.ts';
import { logExists, scanAuditLog } from './audit-scan.ts';
import { appendCheckpointLine, CHECKPOINTS_FILE, readCheckpointLines } from './checkpoint-file.ts';
import { listBlobs, readBlob, SESSIONS_DIR, writeBlob } from './session-blobs.ts';
import type { AuditStoreReader, ChainCheck, ChainHead, RelayStore, SeqRange, StoreHealth, Subscription } from './store.ts';
import { GENESIS } from '../../../contract/audit-chain.ts';

export const AUDIT_LOG_FILE = 'audit.jsonl';

export type FileStoreOptions = {
  dataDir: string;
  /** Cut off a damaged last audit-log line (logging the cut) instead of refusing to start. */
  repair?: boolean;
  now?: () => Date;
  /** Receives every existing entry, in order, while the log is opened (its chain is checked then anyway). */
  onEntry?: (entry: AuditEntry) => void;
  /** For tests of a failing disk that cannot make one. */
  writeBytes?: WriteBytes;
};

export type FileStore = RelayStore & { readonly log: AuditLog };

type Listener = { deliver(entry: AuditEntry): void; rollback(head: ChainHead): void };

/** Reads a data directory without opening anything for writing. */
export function fileStoreReader(dataDir: string): AuditStoreReader {
  const file = join(dataDir, AUDIT_LOG_FILE);
  const sessions = join(dataDir, SESSIONS_DIR);
  return {
    location: dataDir,
    async head() {
      if (!(await logExists(file))) return { seq: 0, hash: GENESIS };
      return (await scanAuditLog(file)).head;
    },
    read: (range?: SeqRange) => auditEntries(file, range),
    checkChain: (onEntry) => checkFileChain(file, onEntry),
    checkpoints: () => readCheckpointLines(join(dataDir, CHECKPOINTS_FILE)),
    getBlob: (kind, sessionId) => readBlob(sessions, kind, sessionId),
    listBlobs: (kind) => listBlobs(sessions, kind),
    close: async () => {},
  };
}

async function checkFileChain(file: string, onEntry?: (entry: AuditEntry) => void): Promise<ChainCheck> {
  if (!(await logExists(file))) return { head: { seq: 0, hash: GENESIS }, entries: 0, broken: null };
  const scan = await scanAuditLog(file, onEntry);
  const broken = scan.broken === null ? null : { seq: scan.broken.seq, where: `${file}: line ${scan.broken.lineNumber}`, message: scan.broken.message, isLast: scan.broken.isLast };
  return { head: scan.head, entries: scan.entries, broken };
}

export async function openFileStore(options: FileStoreOptions): Promise<FileStore> {
  const { dataDir } = options;
  const reader = fileStoreReader(dataDir);
  const listeners = new Set<Listener>();
  const log = await openAuditLog({
    file: join(dataDir, AUDIT_LOG_FILE),
    repair: options.repair ?? false,
    ...(options.now ? { now: options.now } : {}),
    ...(options.onEntry ? { onEntry: options.onEntry } : {}),
    ...(options.writeBytes ? { writeBytes: options.writeBytes } : {}),
    onRollback: (head) => {
      for (const listener of listeners) listener.rollback(head);
    },
  });

  return {
    ...reader,
    log,
    head: async () => log.head(),
    append(events, appendOptions = {}) {
      // Sealed here, synchronously and in call order, and handed to listeners at once: the
      // relay's state never lags its own writes (see RelayStore.subscribe for a shared store).
      try {
        const appended = events.map((event, index) => log.append(event, index === 0 && appendOptions.expectSeq !== undefined ? { expectSeq: appendOptions.expectSeq } : {}));
        for (const { entry } of appended) for (const listener of listeners) listener.deliver(entry);
        return Promise.all(appended.map(({ durable }) => durable)).then(() => appended.map(({ entry }) => entry));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async subscribe(afterSeq, listener, onRollback = () => {}): Promise<Subscription> {
      // Live entries after the head as it is now are buffered while the ones before it are read
      // back from the file (once durable), so none is missed or delivered twice.
      const liveFrom = log.head().seq;
      let buffered: AuditEntry[] | null = [];
      const entry: Listener = {
        deliver: (sealed) => (buffered ? buffered.push(sealed) : listener(sealed)),
        rollback: (head) => {
          if (buffered) buffered = buffered.filter((sealed) => sealed.seq <= head.seq);
          onRollback(head);
        },
      };
      listeners.add(entry);
      if (afterSeq < liveFrom) {
        await log.flushed();
        for await (const old of auditEntries(log.file, { fromSeq: afterSeq + 1, toSeq: liveFrom })) listener(old);
      }
      const pending = buffered;
      buffered = null;
      for (const sealed of pending) listener(sealed);
      return { close: () => listeners.delete(entry) };
    },
    addCheckpoint: (checkpoint) => appendCheckpointLine(join(dataDir, CHECKPOINTS_FILE), checkpoint),
    putBlob: (kind, sessionId, content) => writeBlob(join(dataDir, SESSIONS_DIR), kind, sessionId, content),
    async health(): Promise<StoreHealth> {
      if (log.problem() !== null && (await probeWrite(dataDir))) log.clearProblem();
      const problem = log.problem();
      return problem === null ? { writable: true } : { writable: false, problem };
    },
    close: () => log.close(),
  };
}

/** Whether a few KiB can be written and fsync'd in the data directory now (space came back). */
async function probeWrite(dataDir: string): Promise<boolean> {
  const probe = join(dataDir, `.write-probe.${randomUUID()}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    try {
      await handle.write(Buffer.alloc(4096, 0x20));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch {
    return false;
  } finally {
    await rm(probe, { force: true });
  }
}
