// Where an evidence bundle goes: a directory, or a .tar.gz written as a stream (tar-stream →
// gzip → file), so that thousands of recordings pass through without being held in memory.
// Generated files (logs, report, page) are written as text streams; for the tarball they are
// spooled to a private temporary file first, because a tar header needs the size up front.
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';

export interface TextFile {
  write(text: string): Promise<void>;
  end(): Promise<void>;
}

export interface BundleSink {
  /** Copies a file into the bundle under `name` (a relative path with / separators). */
  addFile(name: string, source: string): Promise<void>;
  textFile(name: string): Promise<TextFile>;
  close(): Promise<void>;
  /** Removes what was written so far (after a failure). */
  abort(): Promise<void>;
}

function textStream(path: string, onEnd: () => Promise<void> = async () => {}): TextFile {
  const stream: WriteStream = createWriteStream(path, { mode: 0o644 });
  const failed = once(stream, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => {});
  return {
    async write(text) {
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), failed]);
    },
    async end() {
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
      await copyFile(source, target);
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

export async function tarGzSink(file: string, mtime: Date): Promise<BundleSink> {
  const pack = tarStream.pack();
  const done = pipeline(pack, createGzip(), createWriteStream(file, { mode: 0o644 }));
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
  const addFile = (name: string, source: string): Promise<void> =>
    enqueue(async () => {
      const { size } = await stat(source);
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ name, size, mtime, mode: 0o644, type: 'file' }, (error) => (error ? reject(error) : resolve()));
        createReadStream(source).on('error', reject).pipe(entry);
      });
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
