// Where an evidence bundle goes: a directory, or a .tar.gz written as a stream (tar-stream →
// gzip → file), so that thousands of recordings pass through without being held in memory.
// Generated files (logs, report, page) are written as text streams; for the tarball they are
// spooled to a private temporary file first, because a tar header needs the size up front.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { openRegular } from '../../files/regular-file.ts';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';

export interface TextFile {
  write(text: string): Promise<void>;
  end(): Promise<void>;
}

export interface BundleSink {
  /**
   * Copies a file into the bundle under `name` (a relative path with / separators). `contents`,
   * when the caller has already read the file, spares a second read where that helps.
   */
  addFile(name: string, source: string, contents?: Buffer | null): Promise<void>;
  textFile(name: string): Promise<TextFile>;
  close(): Promise<void>;
  /** Removes what was written so far (after a failure). */
  abort(): Promise<void>;
}

/** Text is handed to the file in blocks of about this size: a line each would be a write each. */
const TEXT_BLOCK_CHARS = 64 * 1024;

function textStream(path: string, onEnd: () => Promise<void> = async () => {}): TextFile {
  const stream: WriteStream = createWriteStream(path, { mode: 0o644 });
  const failed = once(stream, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => {});
  let block = '';
  const flush = async () => {
    const text = block;
    block = '';
    if (text !== '' && !stream.write(text)) await Promise.race([once(stream, 'drain'), failed]);
  };
  return {
    async write(text) {
      block += text;
      if (block.length >= TEXT_BLOCK_CHARS) await flush();
    },
    async end() {
      await flush();
      stream.end();
      await Promise.race([once(stream, 'finish'), failed]);
      await onEnd();
    },
  };
}

export async function directorySink(root: string): Promise<BundleSink> {
  await mkdir(root, { recursive: true });
  const made = new Set<string>();
  const parent = async (path: string) => {
    const dir = dirname(path);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
  };
  return {
    async addFile(name, source) {
      const target = join(root, name);
      await parent(target);
      // Regular files only, as in the tarball: never copied through a link.
      await pipeline((await openRegular(source)).createReadStream(), createWriteStream(target));
    },
    async textFile(name) {
      const target = join(root, name);
      await parent(target);
      return textStream(target);
    },
    close: async () => {},
    abort: async () => {},
  };
}

/**
 * tar-stream hands over each 512-byte header, small file and padding as its own chunk, and gzip
 * pays a native call per chunk: for thousands of small recordings that call, not compression,
 * was the cost. Gathered into blocks of this size, the calls are few.
 */
const GZIP_INPUT_BYTES = 64 * 1024;
/** Files up to this size go into the tarball from one read. */
const WHOLE_FILE_BYTES = 1024 * 1024;

function batched(bytes: number): Transform {
  let chunks: Buffer[] = [];
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= bytes) {
        this.push(Buffer.concat(chunks, size));
        chunks = [];
        size = 0;
      }
      done();
    },
    flush(done) {
      if (size > 0) this.push(Buffer.concat(chunks, size));
      done();
    },
  });
}

export async function tarGzSink(file: string, mtime: Date): Promise<BundleSink> {
  const pack = tarStream.pack();
  const done = pipeline(pack, batched(GZIP_INPUT_BYTES), createGzip(), createWriteStream(file, { mode: 0o644 }));
  done.catch(() => {});
  const spool = await mkdtemp(join(tmpdir(), 'hk-export-'));
  let spooled = 0;
  // tar entries go in one at a time; callers may overlap, so entries queue up here.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void>): Promise<void> => {
    const next = queue.then(task);
    queue = next.catch(() => {});
    return next;
  };
  const addFile = (name: string, source: string, contents?: Buffer | null): Promise<void> =>
    enqueue(async () => {
      if (contents) {
        await new Promise<void>((resolve, reject) => pack.entry({ name, size: contents.length, mtime, mode: 0o644, type: 'file' }, contents, (error) => (error ? reject(error) : resolve())));
        return;
      }
      // Regular files only: a recording swapped for a link since it was checked is not followed.
      const file = await openRegular(source);
      try {
        const { size } = await file.stat();
        // Most recordings and every manifest are small: one read of the whole file costs less
        // than a stream's open, reads, events and close.
        const whole = size <= WHOLE_FILE_BYTES ? await file.readFile() : null;
        await new Promise<void>((resolve, reject) => {
          const done = (error?: Error | null) => (error ? reject(error) : resolve());
          if (whole) pack.entry({ name, size: whole.length, mtime, mode: 0o644, type: 'file' }, whole, done);
          else file.createReadStream({ autoClose: false }).on('error', reject).pipe(pack.entry({ name, size, mtime, mode: 0o644, type: 'file' }, done));
        });
      } finally {
        await file.close();
      }
    });
  return {
    addFile,
    async textFile(name) {
      const path = join(spool, `${(spooled += 1)}.tmp`);
      return textStream(path, async () => {
        await addFile(name, path);
        await rm(path, { force: true });
      });
    },
    async close() {
      await queue;
      pack.finalize();
      await done;
      await rm(spool, { recursive: true, force: true });
    },
    async abort() {
      pack.destroy();
      await rm(spool, { recursive: true, force: true });
      await rm(file, { force: true });
    },
  };
}
