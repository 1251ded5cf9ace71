// The relay's own copies of session files, in `<dataDir>/sessions/` (0600): the .cast as the
// wrapper uploaded it and the manifest as the relay signed it, so that a deletion on the
// wrapper's machine is visible and an auditor can replay from the relay.
//
// A blob streams to a temporary file (never whole in memory), hashed and counted as it goes,
// and is renamed into place only once complete and fsync'd: a torn upload leaves no copy.
// Nothing here knows about HTTP; the routes turn a request body into chunks (upload-body.ts).
import { createHash, randomUUID } from 'node:crypto';
import { constants, createReadStream, openSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { castFileName, manifestFileName, recordFileName } from '../../../contract/manifest.ts';
import { isNotRegularFile, openRegular } from '../../../files/regular-file.ts';
import type { BlobDigest, BlobKind, StoredBlob } from './store.ts';

export const SESSIONS_DIR = 'sessions';

const READ_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

const FILE_NAME: Record<BlobKind, (sessionId: string) => string> = { cast: castFileName, manifest: manifestFileName, record: recordFileName };

export const blobPath = (dir: string, kind: BlobKind, sessionId: string): string => join(dir, FILE_NAME[kind](sessionId));

/** Writes, hashes and counts `content`, then fsyncs and renames into place. */
export async function writeBlob(dir: string, kind: BlobKind, sessionId: string, content: Uint8Array | AsyncIterable<Uint8Array>): Promise<BlobDigest> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = blobPath(dir, kind, sessionId);
  const part = `${target}.${randomUUID()}.part`;
  const handle = await open(part, 'wx', 0o600);
  const hash = createHash('sha256');
  let size = 0;
  const write = async (chunk: Uint8Array): Promise<void> => {
    size += chunk.length;
    hash.update(chunk);
    let written = 0;
    while (written < chunk.length) written += (await handle.write(chunk, written)).bytesWritten;
  };
  try {
    if (content instanceof Uint8Array) await write(content);
    else for await (const chunk of content) await write(chunk);
    await handle.sync();
    await handle.close();
    await rename(part, target);
    return { sha256: hash.digest('hex'), size };
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(part, { force: true });
    throw error;
  }
}

/**
 * A kept copy, if it is a regular file. Anything else standing under its name (a symbolic link to
 * a key file, a FIFO, a device) is not the relay's copy and is never served: it reads as absent.
 */
export async function readBlob(dir: string, kind: BlobKind, sessionId: string): Promise<StoredBlob | null> {
  const path = blobPath(dir, kind, sessionId);
  let size: number;
  try {
    const handle = await openRegular(path);
    size = (await handle.stat()).size;
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || isNotRegularFile(error)) return null;
    throw error;
  }
  // O_NOFOLLOW again: a link put in its place since the check is not followed either.
  return { size, open: () => createReadStream(path, { fd: openSync(path, READ_NO_FOLLOW) }) };
}

export async function* listBlobs(dir: string, kind: BlobKind): AsyncGenerator<string> {
  const suffix = FILE_NAME[kind]('');
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  for (const name of names.sort()) if (name.endsWith(suffix) && name.length > suffix.length) yield name.slice(0, -suffix.length);
}
