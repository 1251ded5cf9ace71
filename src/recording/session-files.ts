// Finding a session's files on disk and measuring them: which sessions a path names (a manifest,
// a .cast, or a directory of them), the sha256/size of a .cast (streamed), and its header. Only
// regular files count (regular-file.ts): anything else named like a recording is skipped, and
// the skip is reported, so an auditor learns that something odd sits in the directory.
import { createHash } from 'node:crypto';
import { opendir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageError } from '../errors.ts';
import type { AsciicastHeader } from './asciicast.ts';
import { parseHeader } from './cast-reader.ts';
import { castFileName, manifestFileName } from '../contract/manifest.ts';
import { relayRecordFileName } from '../contract/relay-record.ts';
import { describeKind, kindAt, kindOf, streamRegular, type FileKind } from '../files/regular-file.ts';

/** `recordPath`: the relay's record of a gateway session, when a copy sits beside the manifest. */
export type SessionFiles = { session: string; dir: string; manifestPath: string | null; castPath: string | null; recordPath?: string | null };

/** A directory entry named like a recording or manifest that is not a regular file. */
export type SkippedFile = { path: string; kind: FileKind; why: string };

export type FoundSessions = { sessions: SessionFiles[]; skipped: SkippedFile[] };

export const MANIFEST_SUFFIX = '.manifest.json';
export const CAST_SUFFIX = '.cast';

export function skippedFile(path: string, kind: FileKind): SkippedFile {
  return { path, kind, why: `${describeKind(kind)}, not a regular file` };
}

/** The session a file name belongs to, or null when it is neither a manifest nor a recording. */
export function sessionOfName(name: string): { session: string; manifest: boolean } | null {
  if (name.endsWith(MANIFEST_SUFFIX) && name.length > MANIFEST_SUFFIX.length) return { session: name.slice(0, -MANIFEST_SUFFIX.length), manifest: true };
  if (name.endsWith(CAST_SUFFIX) && name.length > CAST_SUFFIX.length) return { session: name.slice(0, -CAST_SUFFIX.length), manifest: false };
  return null;
}

/** A session's two files in `dir`, each kept only if it is a regular file; the others are skipped. */
export async function pairIn(dir: string, session: string, skipped: SkippedFile[]): Promise<SessionFiles> {
  const regular = async (path: string): Promise<string | null> => {
    const kind = await kindAt(path);
    if (kind === null) return null;
    if (kind === 'file') return path;
    skipped.push(skippedFile(path, kind));
    return null;
  };
  return {
    session, dir,
    manifestPath: await regular(join(dir, manifestFileName(session))),
    castPath: await regular(join(dir, castFileName(session))),
    recordPath: await regular(join(dir, relayRecordFileName(session))),
  };
}

/**
 * The names in a recordings directory that are sessions' files, as they come: regular files as
 * `file`, anything else named like one as `skipped`.
 */
export async function* recordingEntries(dir: string): AsyncGenerator<{ name: string; session: string; manifest: boolean; skipped: SkippedFile | null }> {
  for await (const entry of await opendir(dir)) {
    const named = sessionOfName(entry.name);
    if (named === null) continue;
    const kind = kindOf(entry);
    yield { name: entry.name, ...named, skipped: kind === 'file' ? null : skippedFile(join(dir, entry.name), kind) };
  }
}

/** Every session the paths name, each once: a directory gives all its manifests and recordings. */
export async function findSessions(paths: string[]): Promise<FoundSessions> {
  const found = new Map<string, SessionFiles>();
  const skipped: SkippedFile[] = [];
  for (const given of paths) {
    const path = resolve(given);
    const info = await stat(path).catch(() => null);
    if (info === null) throw new UsageError('ERR_NO_SUCH_PATH', `${given}: no such file or directory`);
    const sessions: Array<[string, string]> = [];
    if (info.isDirectory()) {
      for await (const entry of recordingEntries(path)) {
        // Both files of a session are looked at (and skipped if need be) when it is paired below.
        sessions.push([path, entry.session]);
      }
    } else {
      const named = sessionOfName(basename(path));
      if (named === null) throw new UsageError('ERR_NOT_A_RECORDING', `${given} is neither a <session>.manifest.json, a <session>.cast nor a directory of them`);
      sessions.push([dirname(path), named.session]);
    }
    for (const [dir, session] of sessions) {
      const key = join(dir, session);
      if (!found.has(key)) found.set(key, await pairIn(dir, session, skipped));
    }
  }
  const seen = new Set<string>();
  return {
    sessions: [...found.values()].filter((files) => files.manifestPath !== null || files.castPath !== null),
    skipped: skipped.filter((entry) => !seen.has(entry.path) && Boolean(seen.add(entry.path))),
  };
}

export type FileDigest = { sha256: string; size: number };

export async function digestFile(path: string): Promise<FileDigest> {
  const stream = await streamRegular(path);
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    let size = 0;
    stream
      .on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
      })
      .once('error', fail)
      .once('end', () => done({ sha256: hash.digest('hex'), size }));
  });
}

/** The first line of a .cast, parsed (the rest is not read). */
export async function readCastHeader(path: string): Promise<AsciicastHeader> {
  const stream = await streamRegular(path);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) return parseHeader(path, line);
    return parseHeader(path, '');
  } finally {
    lines.close();
    stream.destroy();
  }
}
