// Signed checkpoints as JSON lines (`<dataDir>/checkpoints.jsonl`, one flattened JWS a line),
// appended and fsync'd one at a time. The same writer appends to the optional second copy
// named in relay.yaml, so the anchor survives someone who can rewrite the data directory.
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isFlattenedJws, type SignedCheckpoint } from '../../../contract/checkpoint.ts';
import { ConfigError } from '../../../errors.ts';
import { readLogLines } from './log-lines.ts';

export const CHECKPOINTS_FILE = 'checkpoints.jsonl';

/** Appends one line; a failed write is cut back off, so the file never keeps half a checkpoint. */
export async function appendCheckpointLine(file: string, checkpoint: SignedCheckpoint): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const handle = await open(file, 'a', 0o600);
  try {
    const before = (await handle.stat()).size;
    const line = Buffer.from(`${JSON.stringify({ payload: checkpoint.payload, protected: checkpoint.protected, signature: checkpoint.signature })}\n`);
    try {
      let written = 0;
      while (written < line.length) written += (await handle.write(line, written, line.length - written)).bytesWritten;
      await handle.sync();
    } catch (error) {
      await handle.truncate(before).catch(() => {});
      throw error;
    }
  } finally {
    await handle.close();
  }
}

/** Every checkpoint in `file`, oldest first (none if there is no file); a line that is not one stops it with an error. */
export async function* readCheckpointLines(file: string): AsyncGenerator<SignedCheckpoint> {
  let lineNumber = 0;
  try {
    for await (const line of readLogLines(file)) {
      lineNumber += 1;
      if (!line.terminated) return; // a crash mid-write: not a checkpoint
      let parsed: unknown;
      try {
        parsed = JSON.parse(line.text);
      } catch {
        parsed = null;
      }
      if (!isFlattenedJws(parsed)) throw new ConfigError('ERR_CHECKPOINT_UNREADABLE', `${file}: line ${lineNumber} is not a signed checkpoint (a JWS in flattened JSON)`);
      yield parsed;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
}
