// Where recordings are and which one the auditor means: `--dir`, HKUBECTL_RECORDINGS, config
// `recordings`, else `<data dir>/recordings` (where the wrapper writes them). A target is a .cast
// or manifest path, or a session id looked up in that directory.
import { opendir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config/config.ts';
import { resolvePaths } from '../config/paths.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { describeKind, kindAt, readRegularText } from '../files/regular-file.ts';
import { sessionOfName } from '../recording/session-files.ts';
import { showUntrusted } from '../contract/show-untrusted.ts';
import type { Jwks } from './verification.ts';

export function recordingsDir(flagDir: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flagDir !== undefined) return resolve(flagDir);
  const paths = resolvePaths(env);
  return loadConfig(env, paths).recordings ?? join(paths.dataDir, 'recordings');
}

export interface RecordingTarget {
  session: string;
  dir: string;
  castPath: string;
  manifestPath: string | null;
}

const SESSION_ID = /^[A-Za-z0-9._-]+$/;

export async function resolveTarget(target: string, dir: string): Promise<RecordingTarget> {
  let session: string;
  let where: string;
  if (target.endsWith('.cast') || target.endsWith('.manifest.json')) {
    const path = resolve(target);
    session = basename(path).replace(/\.cast$|\.manifest\.json$/, '');
    where = dirname(path);
  } else {
    if (!SESSION_ID.test(target) || target.startsWith('.')) throw new UsageError('ERR_BAD_SESSION_ID', `"${showUntrusted(target)}" is neither a .cast file nor a session id`);
    session = target;
    where = dir;
  }
  const castPath = join(where, `${session}.cast`);
  const manifestPath = join(where, `${session}.manifest.json`);
  const [castKind, manifestKind] = await Promise.all([kindAt(castPath), kindAt(manifestPath)]);
  // Only regular files are recordings: a link or special file named like one is refused, saying what it is.
  for (const [path, kind] of [[castPath, castKind], [manifestPath, manifestKind]] as const) {
    if (kind !== null && kind !== 'file') {
      throw new UsageError('ERR_NOT_REGULAR_FILE', `${showUntrusted(path)} is ${describeKind(kind)}, not a regular file: not replayed`, {
        hint: 'recordings are read only from regular files; a link or special file in a recordings directory was not written by hkubectl',
      });
    }
  }
  if (castKind === null && manifestKind === null) {
    throw new UsageError('ERR_NO_RECORDING', target === session ? `no recording of session ${showUntrusted(session)} in ${dir}` : `no recording at ${showUntrusted(resolve(target))}`, {
      hint: 'pass --dir with the recordings directory, or the path of the .cast file',
    });
  }
  return { session, dir: where, castPath, manifestPath: manifestKind === 'file' ? manifestPath : null };
}

/** The relay's public keys: --jwks FILE, else jwks.json beside the recordings (as `hkubectl demo` writes). */
export async function loadJwks(file: string | undefined, dir: string): Promise<Jwks | null> {
  const path = file ?? join(dir, 'jwks.json');
  let text: string;
  try {
    text = await readRegularText(path);
  } catch (error) {
    if (file === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError('ERR_JWKS_UNREADABLE', `cannot read the relay's JWKS ${path}: ${(error as Error).message}`);
  }
  const jwks = JSON.parse(text) as Jwks;
  if (!Array.isArray(jwks?.keys)) throw new ConfigError('ERR_JWKS_INVALID', `${path} is not a JWKS (no "keys" array)`);
  return jwks;
}


/** Whether `dir` holds anything named like a session's file (what `play` would list). */
export async function hasRecordings(dir: string): Promise<boolean> {
  for await (const entry of await opendir(dir)) if (sessionOfName(entry.name) !== null) return true;
  return false;
}
