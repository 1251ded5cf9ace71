// The token cache: one 0600 JSON file per issuer+client in a 0700 directory, like ~/.ssh.
// Files with looser permissions are refused, not fixed: someone else may already have read them.
// Writes go to a temp file that is fsync'd and renamed over the old one, so a reader never sees
// a torn file, even with many hkubectl processes refreshing around it.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors.ts';

export type CachedSession = {
  v: 1;
  issuer: string;
  clientId: string;
  scope: string;
  audience?: string;
  /** Endpoints remembered at login so that a refresh costs one request, not a discovery too. */
  server: { issuer: string; token_endpoint: string; revocation_endpoint?: string };
  idToken?: string;
  accessToken: string;
  refreshToken?: string;
  bearer: 'id_token' | 'access_token';
  /** Of the bearer token, seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /** When this file was written, ms since the epoch; tells a waiting process someone refreshed. */
  savedAt: number;
};

export type CurrentLogin = { v: 1; issuer: string; clientId: string };

const loginHint = 'run `hkubectl login` to sign in again';

export function sessionFile(tokenDir: string, issuer: string, clientId: string): string {
  const key = createHash('sha256').update(`${issuer}\n${clientId}`).digest('hex').slice(0, 32);
  return join(tokenDir, `${key}.json`);
}

export const currentLoginFile = (tokenDir: string): string => join(tokenDir, 'current.json');

export async function readSession(file: string): Promise<CachedSession | undefined> {
  const value = await readPrivateJson(file);
  if (value === undefined) return undefined;
  if (!isSession(value)) {
    throw new ConfigError('ERR_TOKEN_CACHE_CORRUPT', `the token cache ${file} is corrupted`, { hint: loginHint });
  }
  return value;
}

export async function readCurrentLogin(tokenDir: string): Promise<CurrentLogin | undefined> {
  const file = currentLoginFile(tokenDir);
  const value = await readPrivateJson(file) as Partial<CurrentLogin> | undefined;
  if (value === undefined) return undefined;
  if (value.v !== 1 || typeof value.issuer !== 'string' || typeof value.clientId !== 'string') {
    throw new ConfigError('ERR_TOKEN_CACHE_CORRUPT', `${file} is corrupted`, { hint: loginHint });
  }
  return value as CurrentLogin;
}

export async function writePrivateJson(file: string, value: unknown): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await assertPrivate(dir, 'directory');
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync(); // make the rename itself durable
  } finally {
    await dirHandle.close();
  }
}

export async function removeFile(file: string): Promise<boolean> {
  try {
    await rm(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

// Synchronous on purpose: two small files are read before every relay call, and each async step
// (open, stat, read, close) would wait for an event-loop turn while the wrapper is busy starting up.
async function readPrivateJson(file: string): Promise<unknown> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError('ERR_TOKEN_CACHE_UNREADABLE', `cannot read the token cache ${file}: ${(error as Error).message}`);
  }
  try {
    assertPrivateStats(statSync(dirname(file)), dirname(file), 'directory');
    assertPrivateStats(fstatSync(fd), file, 'file');
    const text = readFileSync(fd, 'utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw new ConfigError('ERR_TOKEN_CACHE_CORRUPT', `the token cache ${file} is corrupted (not JSON)`, { hint: loginHint });
    }
  } finally {
    closeSync(fd);
  }
}

async function assertPrivate(path: string, what: 'file' | 'directory'): Promise<void> {
  assertPrivateStats(await stat(path), path, what);
}

function assertPrivateStats(stats: { mode: number; uid: number }, path: string, what: 'file' | 'directory'): void {
  const mode = stats.mode & 0o777;
  const wanted = what === 'file' ? '600' : '700';
  if (mode & 0o077) {
    throw new ConfigError('ERR_TOKEN_CACHE_INSECURE',
      `refusing to use the token cache: ${what} ${path} is accessible by other users (mode ${mode.toString(8).padStart(3, '0')})`,
      { hint: `run \`chmod ${wanted} ${path}\` if nobody else could have read it, otherwise remove it and \`hkubectl login\` again` });
  }
  if (process.getuid && stats.uid !== process.getuid()) {
    throw new ConfigError('ERR_TOKEN_CACHE_INSECURE', `refusing to use the token cache: ${what} ${path} belongs to another user`);
  }
}

function isSession(value: unknown): value is CachedSession {
  const s = value as Partial<CachedSession> | null;
  return typeof s === 'object' && s !== null && s.v === 1
    && typeof s.issuer === 'string' && typeof s.clientId === 'string' && typeof s.accessToken === 'string'
    && typeof s.expiresAt === 'number' && typeof s.issuedAt === 'number' && typeof s.savedAt === 'number'
    && (s.bearer === 'id_token' || s.bearer === 'access_token')
    && typeof s.server === 'object' && s.server !== null && typeof s.server.token_endpoint === 'string'
    && (s.bearer === 'access_token' || typeof s.idToken === 'string');
}
