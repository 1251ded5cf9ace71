// `<dir>/relay-log/`: a copy of the demo relay's audit log and signed checkpoints beside the
// recordings. The relay's data directory is a temp dir that goes with the demo; without this copy
// an evidence bundle made afterwards could not hold the audit log, and would be partial. The
// relay's keys are not copied: the public ones are jwks.json, the private ones stay in the temp dir.
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIT_LOG_FILE } from '../relay/server/store/file-store.ts';
import { CHECKPOINTS_FILE } from '../relay/server/store/checkpoint-file.ts';

export const RELAY_LOG_DIR = 'relay-log';

/** Copies what `audit export --data` reads; returns the directory. */
export async function copyRelayLog(relayDataDir: string, recordingsDir: string): Promise<string> {
  const to = join(recordingsDir, RELAY_LOG_DIR);
  await mkdir(to, { recursive: true, mode: 0o755 });
  await copyFile(join(relayDataDir, AUDIT_LOG_FILE), join(to, AUDIT_LOG_FILE));
  await copyFile(join(relayDataDir, CHECKPOINTS_FILE), join(to, CHECKPOINTS_FILE)).catch((error: NodeJS.ErrnoException) => {
    // A relay that has not signed a checkpoint yet has no such file.
    if (error.code !== 'ENOENT') throw error;
  });
  return to;
}
