// Opening a recording, manifest or key file that an auditor's tool was pointed at: regular files
// only. A recordings directory is written by the agent's machine, which may be hostile: a
// `<session>.cast` that is a symbolic link to /etc/passwd or to the relay's private key, a FIFO
// that blocks the reader for ever, or a device must never be read as a recording. The check is
// made on the opened descriptor (O_NOFOLLOW, then fstat), so the file cannot be swapped between a
// check and the read.
import { constants, type Dirent, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { HkError, ExitCode } from '../errors.ts';

export type FileKind = 'file' | 'symlink' | 'directory' | 'fifo' | 'device' | 'socket' | 'other';

export function kindOf(entry: Stats | Dirent): FileKind {
  if (entry.isFile()) return 'file';
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'directory';
  if (entry.isFIFO()) return 'fifo';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'device';
  if (entry.isSocket()) return 'socket';
  return 'other';
}

const KIND_WORDS: Record<FileKind, string> = {
  file: 'a regular file', symlink: 'a symbolic link', directory: 'a directory', fifo: 'a FIFO (named pipe)',
  device: 'a device', socket: 'a socket', other: 'not a regular file',
};

export function describeKind(kind: FileKind): string {
  return KIND_WORDS[kind];
}

/** A path that names something other than a regular file: skipped, and said so. */
export class NotRegularFileError extends HkError {
  constructor(readonly path: string, readonly kind: FileKind) {
    super('ERR_NOT_REGULAR_FILE', `${path} is ${describeKind(kind)}, not a regular file: skipped`, ExitCode.usage, {
      hint: 'recordings, manifests and key files are read only from regular files; a link or special file there was not made by hkubectl',
      details: { path, kind },
    });
  }
}

export function isNotRegularFile(error: unknown): error is NotRegularFileError {
  return error instanceof HkError && error.code === 'ERR_NOT_REGULAR_FILE';
}

/** What is at `path`, without following a final symbolic link; null when nothing is. */
export async function kindAt(path: string): Promise<FileKind | null> {
  return lstat(path).then(kindOf, () => null);
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; on a regular file it
// changes nothing. O_NOCTTY: a terminal device must not become our controlling terminal.
const FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

/** Opens `path` for reading if, and only if, it is a regular file (not through a symlink). */
export async function openRegular(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, FLAGS);
  } catch (error) {
    // ELOOP: the final component is a symbolic link (O_NOFOLLOW). ENXIO: a socket, or a device.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENXIO' || code === 'EMLINK') throw new NotRegularFileError(path, (await kindAt(path)) ?? 'symlink');
    throw error;
  }
  const kind = kindOf(await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  }));
  if (kind !== 'file') {
    await handle.close();
    throw new NotRegularFileError(path, kind);
  }
  return handle;
}

export async function readRegular(path: string): Promise<Buffer> {
  const handle = await openRegular(path);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export async function readRegularText(path: string): Promise<string> {
  return (await readRegular(path)).toString('utf8');
}

/** A read stream over a regular file; it closes the file when it ends or is destroyed. */
export async function streamRegular(path: string, options: { highWaterMark?: number } = {}): Promise<NodeJS.ReadableStream & { destroy(): void }> {
  const handle = await openRegular(path);
  return handle.createReadStream({ autoClose: true, ...options });
}
