// Finding a session's files on disk and measuring them: which sessions a path names (a manifest,
// a .cast, or a directory of them), the sha256/size of a .cast (streamed), and its header.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageError } from '../errors.ts';
import type { AsciicastHeader } from './asciicast.ts';
import { parseHeader } from './cast-reader.ts';
import { castFileName, manifestFileName } from '../contract/manifest.ts';

export type SessionFiles = { session: string; dir: string; manifestPath: string | null; castPath: string | null };

const MANIFEST_SUFFIX = '.manifest.json';
const CAST_SUFFIX = '.cast';

async function exists(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}

async function pair(dir: string, session: string): Promise<SessionFiles> {
  const manifestPath = join(dir, manifestFileName(session));
  const castPath = join(dir, castFileName(session));
  return { session, dir, manifestPath: (await exists(manifestPath)) ? manifestPath : null, castPath: (await exists(castPath)) ? castPath : null };
}

/** Every session the paths name, each once: a directory gives all its manifests and recordings. */
export async function findSessions(paths: string[]): Promise<SessionFiles[]> {
  const found = new Map<string, SessionFiles>();
  for (const given of paths) {
    const path = resolve(given);
    const info = await stat(path).catch(() => null);
    if (info === null) throw new UsageError('ERR_NO_SUCH_PATH', `${given}: no such file or directory`);
    const sessions: Array<[string, string]> = [];
    if (info.isDirectory()) {
      for await (const entry of await opendir(path)) {
        if (!entry.isFile()) continue;
        if (entry.name.endsWith(MANIFEST_SUFFIX)) sessions.push([path, entry.name.slice(0, -MANIFEST_SUFFIX.length)]);
        else if (entry.name.endsWith(CAST_SUFFIX)) sessions.push([path, entry.name.slice(0, -CAST_SUFFIX.length)]);
      }
    } else if (path.endsWith(MANIFEST_SUFFIX)) {
      sessions.push([dirname(path), basename(path).slice(0, -MANIFEST_SUFFIX.length)]);
    } else if (path.endsWith(CAST_SUFFIX)) {
      sessions.push([dirname(path), basename(path).slice(0, -CAST_SUFFIX.length)]);
    } else {
      throw new UsageError('ERR_NOT_A_RECORDING', `${given} is neither a <session>.manifest.json, a <session>.cast nor a directory of them`);
    }
    for (const [dir, session] of sessions) {
      const key = join(dir, session);
      if (!found.has(key)) found.set(key, await pair(dir, session));
    }
  }
  return [...found.values()];
}

export type FileDigest = { sha256: string; size: number };

export function digestFile(path: string): Promise<FileDigest> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    let size = 0;
    createReadStream(path)
      .on('data', (chunk) => {
        hash.update(chunk);
        size += chunk.length;
      })
      .once('error', fail)
      .once('end', () => done({ sha256: hash.digest('hex'), size }));
  });
}

/** The first line of a .cast, parsed (the rest is not read). */
export async function readCastHeader(path: string): Promise<AsciicastHeader> {
  const stream = createReadStream(path);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) return parseHeader(path, line);
    return parseHeader(path, '');
  } finally {
    lines.close();
    stream.destroy();
  }
}
