// A cross-process lock around token refresh. Many hkubectl processes started at once by an
// agent must not each spend the (rotating) refresh token: the second use would be rejected and,
// at most IdPs, revoke the whole grant. proper-lockfile uses mkdir, which is atomic on every
// local and network file system, and takes over locks left behind by a killed process.
import lockfile from 'proper-lockfile';
import { TemporaryError } from '../errors.ts';

const STALE_MS = 15_000;

export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      lockfilePath: `${file}.lock`,
      stale: STALE_MS,
      // Waiters poll; a refresh on a healthy IdP takes well under a second.
      retries: { retries: 120, factor: 1.2, minTimeout: 15, maxTimeout: 250 },
      // A refresh slower than STALE_MS loses exclusivity; the atomic write still keeps the
      // file whole, so there is nothing better to do than carry on.
      onCompromised: () => {},
    });
  } catch (error) {
    throw new TemporaryError('ERR_TOKEN_CACHE_LOCKED', `the token cache ${file} stayed locked by another hkubectl process`, {
      cause: error, hint: 'try again; if it persists, remove the stale lock directory ' + `${file}.lock`,
    });
  }
  try {
    return await work();
  } finally {
    await release().catch(() => {});
  }
}
