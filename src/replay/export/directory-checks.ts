// Every session in a recordings directory, verified a few at a time and handed on as each one is
// done (in no set order), so a directory of thousands of sessions is never held in memory at
// once. The sessions are those `hkubectl verify DIR` checks: each manifest, and each .cast that
// has no manifest beside it. Checking several manifests against each other (two claiming one
// audit-log entry) is left to the caller: see chain-claims.ts.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.ts';
import { manifestFileName } from '../../contract/manifest.ts';
import { kindAt } from '../../files/regular-file.ts';
import { recordingEntries, type SkippedFile } from '../../recording/session-files.ts';
import { checkSession, type Jwks, type SessionCheck } from '../verification.ts';
import { unordered } from './concurrency.ts';

/** Enough to keep libuv's four file-system threads busy; more would only queue there. */
const IN_FLIGHT = 4;

/** `onSkipped` hears of every entry named like a session's file that is not a regular file. */
export function checkedSessions(dir: string, jwks: Jwks | null, onSkipped: (entry: SkippedFile) => void = () => {}): AsyncGenerator<SessionCheck> {
  return unordered(sessionPaths(dir, onSkipped), IN_FLIGHT, (path) => checkSession(path, jwks));
}

async function* sessionPaths(dir: string, onSkipped: (entry: SkippedFile) => void): AsyncGenerator<string> {
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new UsageError('ERR_NO_SUCH_PATH', `${dir}: no such file or directory`);
  if (!info.isDirectory()) {
    // A single manifest or .cast: checkSession says what is wrong if it is neither.
    yield dir;
    return;
  }
  for await (const entry of recordingEntries(dir)) {
    if (entry.skipped) {
      onSkipped(entry.skipped);
      continue;
    }
    if (entry.manifest) {
      yield join(dir, entry.name);
    } else {
      // A .cast with a manifest is that manifest's session, checked once, through the manifest.
      const manifest = join(dir, manifestFileName(entry.session));
      const kind = await kindAt(manifest);
      // (A manifest that is a link or special file is reported when its own entry comes up.)
      if (kind !== 'file') yield join(dir, entry.name);
    }
  }
}
