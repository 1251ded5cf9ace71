// Where the auditor's sessions come from: a recordings directory, or a relay (its copies are
// fetched into a private temporary directory first, so that everything downstream reads files).
import { stat } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { recordingsDir, loadJwks } from './recordings-dir.ts';
import type { OpenedSource } from './relay-mirror.ts';

export type { OpenedSource } from './relay-mirror.ts';

/** `mine`: only the caller's own sessions, from the relay (an agent replaying what it did). */
export async function openSessionSource(
  source: string | undefined, jwksFile: string | undefined, progress: (line: string) => void, env: NodeJS.ProcessEnv, mine = false,
): Promise<OpenedSource> {
  if (mine || (source !== undefined && /^https?:\/\//.test(source))) {
    const { mirrorRelaySessions } = await import('./relay-mirror.ts');
    return mirrorRelaySessions(source, jwksFile, progress, env, mine);
  }
  const dir = recordingsDir(source, env);
  // Said here, on the command line, rather than as an error on the page.
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new ConfigError('ERR_NO_RECORDINGS_DIR', `${dir}: no such directory`, { hint: 'pass the recordings directory (or set HKUBECTL_RECORDINGS), or a relay URL' });
  if (!info.isDirectory()) throw new ConfigError('ERR_NO_RECORDINGS_DIR', `${dir} is not a directory`, { hint: 'pass the directory that holds the .cast and .manifest.json files' });
  return { dir, jwks: await loadJwks(jwksFile, dir), label: dir, close: async () => {} };
}
