// Whole files or none: written beside their final name, then renamed over it, so a reader never
// sees half of a manifest, a spool entry or a key set, and a process killed mid-write leaves the
// old file (or none) in place.
import { rename, writeFile } from 'node:fs/promises';

/** `mode` applies from the first byte: a private file is never readable by others, not even briefly. */
export async function writeFileAtomically(path: string, text: string, mode = 0o600): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}
