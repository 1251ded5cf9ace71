// Records parked on disk, read back by number: the export meets sessions in directory order and
// writes them in time order, and keeps what it needs from them for later checks. Holding those
// records in memory would cost a kilobyte or more a session; here each is a JSON line in a private
// temporary file, and memory keeps its offset and length (12 bytes), so tens of thousands of
// sessions cost well under a megabyte.
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordFile<T> {
  readonly count: number;
  /** Stores the record; returns its number (0, 1, 2…). */
  append(record: T): Promise<number>;
  read(index: number): Promise<T>;
  remove(): Promise<void>;
}

/** Writes are gathered to about this many bytes: one write for dozens of records, not one each. */
const WRITE_BATCH = 256 * 1024;

export async function recordFile<T>(name: string): Promise<RecordFile<T>> {
  const dir = await mkdtemp(join(tmpdir(), `hk-export-${name}-`));
  let file: FileHandle;
  try {
    file = await open(join(dir, `${name}.jsonl`), 'w+', 0o600);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const offsets = growableArray(Float64Array);
  const lengths = growableArray(Uint32Array);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Bytes appended so far (where the next record goes), and bytes on disk. */
  let appended = 0;
  let written = 0;
  // One write at a time, in order: a read that waits for a flush finds its bytes on disk.
  let flushed: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    flushed = flushed.then(async () => {
      if (pendingBytes === 0) return;
      const batch = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await file.write(batch, 0, batch.length, written);
      written += batch.length;
    });
    return flushed;
  };
  return {
    get count() {
      return offsets.length;
    },
    async append(record) {
      const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
      const index = offsets.push(appended) - 1;
      lengths.push(line.length);
      appended += line.length;
      pending.push(line);
      pendingBytes += line.length;
      if (pendingBytes >= WRITE_BATCH) await flush();
      return index;
    },
    async read(index) {
      const offset = offsets.at(index);
      const length = lengths.at(index);
      if (offset + length > written) await flush();
      const line = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.read(line, 0, length, offset);
      if (bytesRead !== length) throw new Error(`the export's temporary file in ${dir} was cut short`);
      return JSON.parse(line.toString('utf8')) as T;
    },
    async remove() {
      await file.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

type NumberArray = Float64Array | Uint32Array;

/** A typed array that grows by doubling: numbers without an object or a pointer each. */
export function growableArray(kind: { new (length: number): NumberArray }) {
  let items = new kind(1024);
  let length = 0;
  return {
    get length() {
      return length;
    },
    push(value: number): number {
      if (length === items.length) {
        const bigger = new kind(items.length * 2);
        bigger.set(items);
        items = bigger;
      }
      items[length] = value;
      length += 1;
      return length;
    },
    at(index: number): number {
      if (index < 0 || index >= length) throw new RangeError(`record ${index} of ${length}`);
      return items[index]!;
    },
  };
}
