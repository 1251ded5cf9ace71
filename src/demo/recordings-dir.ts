// The demo's recordings directory must hold no earlier recordings: each run has its own relay
// (fresh signing key, audit log starting again at #1), so one jwks.json could not verify both
// runs' manifests. A second run into the default directory gets a subdirectory of its own; a
// --dir the user named must be free of earlier recordings.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, UsageError } from '../errors.ts';

const RECORDING = /\.(cast|manifest\.json)$/;

function earlierRecordings(dir: string, shown: string): string[] {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return readdirSync(dir).filter((name) => RECORDING.test(name));
  } catch (error) {
    throw new ConfigError('ERR_DEMO_DIR', `cannot use ${shown} for the recordings: ${(error as Error).message}`, { hint: 'pass another --dir' });
  }
}

/** The directory this run writes to, and how to show it. */
export function prepareRecordingsDir(dir: string, shown: string, chosen: boolean, now: Date = new Date()): { dir: string; shown: string } {
  const earlier = earlierRecordings(dir, shown);
  if (earlier.length === 0) return { dir, shown };
  if (!chosen) {
    const run = `run-${now.toISOString().replace(/[:.]/g, '-')}`;
    const next = { dir: join(dir, run), shown: join(shown, run) };
    if (earlierRecordings(next.dir, next.shown).length === 0) return next;
  }
  throw new UsageError('ERR_DEMO_DIR_NOT_EMPTY', `${shown} already holds ${earlier.length} recording file${earlier.length === 1 ? '' : 's'} of an earlier run`, {
    hint: 'pass another --dir, or move those files away, to run the demo again',
  });
}
