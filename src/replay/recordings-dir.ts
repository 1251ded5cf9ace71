// Where recordings are and which one the auditor means: `--dir`, HKUBECTL_RECORDINGS, config
// `recordings`, else `<data dir>/recordings` (where the wrapper writes them). A target is a .cast
// or manifest path, or a session id looked up in that directory.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config/config.ts';
import { resolvePaths } from '../config/paths.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { checkDirectory, type Jwks, type SessionCheck } from './verification.ts';

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

export function resolveTarget(target: string, dir: string): RecordingTarget {
  if (target.endsWith('.cast') || target.endsWith('.manifest.json')) {
    const path = resolve(target);
    const session = basename(path).replace(/\.cast$|\.manifest\.json$/, '');
    const castPath = join(dirname(path), `${session}.cast`);
    const manifestPath = join(dirname(path), `${session}.manifest.json`);
    if (!existsSync(castPath) && !existsSync(manifestPath)) throw new UsageError('ERR_NO_RECORDING', `no recording at ${path}`);
    return { session, dir: dirname(path), castPath, manifestPath: existsSync(manifestPath) ? manifestPath : null };
  }
  if (!SESSION_ID.test(target) || target.startsWith('.')) throw new UsageError('ERR_BAD_SESSION_ID', `"${target}" is neither a .cast file nor a session id`);
  const castPath = join(dir, `${target}.cast`);
  const manifestPath = join(dir, `${target}.manifest.json`);
  if (!existsSync(castPath) && !existsSync(manifestPath)) {
    throw new UsageError('ERR_NO_RECORDING', `no recording of session ${target} in ${dir}`, { hint: 'pass --dir with the recordings directory, or the path of the .cast file' });
  }
  return { session: target, dir, castPath, manifestPath: existsSync(manifestPath) ? manifestPath : null };
}

/** The relay's public keys: --jwks FILE, else jwks.json beside the recordings (as `hkubectl demo` writes). */
export async function loadJwks(file: string | undefined, dir: string): Promise<Jwks | null> {
  const path = file ?? join(dir, 'jwks.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (file === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError('ERR_JWKS_UNREADABLE', `cannot read the relay's JWKS ${path}: ${(error as Error).message}`);
  }
  const jwks = JSON.parse(text) as Jwks;
  if (!Array.isArray(jwks?.keys)) throw new ConfigError('ERR_JWKS_INVALID', `${path} is not a JWKS (no "keys" array)`);
  return jwks;
}

/** Every session in `dir` (manifests, and recordings that have none), verified. */
export async function* sessionsIn(dir: string, jwks: Jwks | null): AsyncGenerator<SessionCheck> {
  yield* await checkDirectory(dir, jwks);
}
