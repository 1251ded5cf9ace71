// The relay's own record of a gateway session: what crossed the boundary, as the relay saw it,
// masked. Versioned JSON lines, one object a line, appended as things happen to
// `<dataDir>/gateway-records/<session>.jsonl`, so a relay killed mid-session leaves every line it
// wrote readable (at worst the last one torn). At session close the file becomes the session's
// 'record' blob and its digest goes into the signed manifest (`observed.record`).
//
// The format (every line's fields, by type) is src/contract/relay-record.ts.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObservedEvidence } from '../../../contract/manifest.ts';
import { recordFileName } from '../../../contract/manifest.ts';
import { RELAY_RECORD_VERSION } from '../../../contract/relay-record.ts';
import type { RelayStore } from '../store/store.ts';

export const RECORDS_DIR = 'gateway-records';
/** Masked bodies and stream frames up to this size are kept whole in the record; larger ones by digest. */
export const RECORD_INLINE_BYTES = 64 * 1024;

type Open = { stream: WriteStream; entries: number; closers: Set<(how: string) => void> };

export type RecordHeader = { cluster: string; subject: string };

/** The open records of this relay's gateway sessions, and the streams to end when a session closes. */
export class SessionRecords {
  private readonly open = new Map<string, Open>();
  private readonly finished = new Map<string, ObservedEvidence>();
  /** Set once the relay stops: what streams still report then is not written (their lines are ended). */
  private stopped = false;

  constructor(private readonly dir: string, private readonly now: () => number) {}

  private fileOf(sessionId: string): string {
    return join(this.dir, `${sessionId}.jsonl`);
  }

  private ensure(sessionId: string, header: RecordHeader): Open {
    let record = this.open.get(sessionId);
    if (!record) {
      // A file left by an earlier run of the relay (stopped or killed mid-session) is appended to, numbering on.
      const file = this.fileOf(sessionId);
      const entries = existsSync(file) ? readFileSync(file).reduce((lines, byte) => lines + (byte === 10 ? 1 : 0), 0) : 0;
      record = { stream: createWriteStream(file, { flags: 'a', mode: 0o600 }), entries, closers: new Set() };
      record.stream.on('error', () => {});
      this.open.set(sessionId, record);
      this.write(record, { type: 'header', session: sessionId, ...header });
    }
    return record;
  }

  private write(record: Open, line: Record<string, unknown>): void {
    record.entries += 1;
    record.stream.write(`${JSON.stringify({ v: RELAY_RECORD_VERSION, n: record.entries, t: new Date(this.now()).toISOString(), ...line })}\n`);
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  append(sessionId: string, header: RecordHeader, line: Record<string, unknown>): void {
    if (this.stopped || this.finished.has(sessionId)) return;
    this.write(this.ensure(sessionId, header), line);
  }

  /** A stream of the session (a watch, a followed log, a tunnel) that must end when the session does. */
  track(sessionId: string, header: RecordHeader, close: (how: string) => void): () => void {
    const record = this.ensure(sessionId, header);
    record.closers.add(close);
    return () => record.closers.delete(close);
  }

  /**
   * Ends the session's streams, closes its record and keeps it as the 'record' blob. Idempotent:
   * a close retried gets the same evidence. A record left by an earlier run of the relay (killed
   * mid-session) is picked up from its file.
   */
  async finish(sessionId: string, header: RecordHeader, store: Pick<RelayStore, 'putBlob'>): Promise<ObservedEvidence> {
    const done = this.finished.get(sessionId);
    if (done) return done;
    const record = this.ensure(sessionId, header);
    for (const close of record.closers) close('session-closed');
    this.write(record, { type: 'close', entries: record.entries + 1 });
    this.open.delete(sessionId);
    await new Promise<void>((resolve) => record.stream.end(resolve));
    const file = this.fileOf(sessionId);
    const entries = await countLines(file);
    const digest = await store.putBlob('record', sessionId, createReadStream(file));
    await rm(file, { force: true });
    const evidence: ObservedEvidence = { v: 1, mode: 'gateway', record: { file: recordFileName(sessionId), sha256: digest.sha256, size: digest.size, entries } };
    this.finished.set(sessionId, evidence);
    return evidence;
  }

  /** Ends every stream (the relay is stopping); records stay on disk for the next start. */
  async stopAll(): Promise<void> {
    for (const record of this.open.values()) {
      for (const close of record.closers) close('relay-stopped');
      await new Promise<void>((resolve) => record.stream.end(resolve));
    }
    this.stopped = true;
    this.open.clear();
  }
}

async function countLines(file: string): Promise<number> {
  if ((await stat(file)).size === 0) return 0;
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) for (const byte of chunk) if (byte === 10) lines += 1;
  return lines;
}

/** A body as the record keeps it: whole when small, else its digest; always its digest and size. */
export function recordedBody(masked: Buffer | null, sha256: string, size: number): Record<string, unknown> {
  return { size, sha256, ...(masked !== null && size <= RECORD_INLINE_BYTES ? { body: masked.toString('utf8') } : {}) };
}

/** Hash and size of what went out, and its first RECORD_INLINE_BYTES. */
export class OutgoingDigest {
  private readonly hash = createHash('sha256');
  size = 0;
  private kept: Buffer[] = [];
  private keptBytes = 0;

  add(chunk: Buffer): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (this.keptBytes <= RECORD_INLINE_BYTES) {
      this.kept.push(chunk);
      this.keptBytes += chunk.length;
    }
  }

  summary(): Record<string, unknown> {
    const sha256 = this.hash.digest('hex');
    return recordedBody(this.keptBytes <= RECORD_INLINE_BYTES ? Buffer.concat(this.kept) : null, sha256, this.size);
  }
}
