// Every session in a recordings directory, verified a few at a time and handed on as each one is
// done (in no set order), so a directory of thousands of sessions is never held in memory at
// once. The sessions are those `hkubectl verify DIR` checks: each manifest, and each .cast that
// has no manifest beside it. Checking several manifests against each other (two claiming one
// audit-log entry) is left to the caller: see chain-claims.ts.
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.ts';
import { castFileName, manifestFileName } from '../../contract/manifest.ts';
import { checkSession, type Jwks, type SessionCheck } from '../verification.ts';
import { unordered } from './concurrency.ts';

/** Enough to keep libuv's four file-system threads busy; more would only queue there. */
const IN_FLIGHT = 4;
const MANIFEST_SUFFIX = manifestFileName('');
const CAST_SUFFIX = castFileName('');

export function checkedSessions(dir: string, jwks: Jwks | null): AsyncGenerator<SessionCheck> {
  return unordered(sessionPaths(dir), IN_FLIGHT, (path) => checkSession(path, jwks));
}

async function* sessionPaths(dir: string): AsyncGenerator<string> {
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new UsageError('ERR_NO_SUCH_PATH', `${dir}: no such file or directory`);
  if (!info.isDirectory()) {
    // A single manifest or .cast: checkSession says what is wrong if it is neither.
    yield dir;
    return;
  }
  for await (const entry of await opendir(dir)) {
    if (!entry.isFile()) continue;
    if (entry.name.endsWith(MANIFEST_SUFFIX)) {
      yield join(dir, entry.name);
    } else if (entry.name.endsWith(CAST_SUFFIX)) {
      // A .cast with a manifest is that manifest's session, checked once, through the manifest.
      const manifest = join(dir, manifestFileName(entry.name.slice(0, -CAST_SUFFIX.length)));
      if (!(await isFile(manifest))) yield join(dir, entry.name);
    }
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}
