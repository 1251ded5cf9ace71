// Where the auditor's sessions come from: a recordings directory, or a relay (its copies are
// fetched into a private temporary directory first, so that everything downstream reads files).
import { stat } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { recordingsDir, loadJwks } from './recordings-dir.ts';
import type { Jwks } from './verification.ts';

export interface OpenedSource {
  dir: string;
  jwks: Jwks | null;
  label: string;
  close(): Promise<void>;
}

export async function openSessionSource(source: string | undefined, jwksFile: string | undefined, progress: (line: string) => void, mine = false): Promise<OpenedSource> {
  if (mine || (source !== undefined && /^https?:\/\//.test(source))) {
    const { mirrorRelaySessions } = await import('./relay-mirror.ts');
    return mirrorRelaySessions(source, jwksFile, progress, mine);
  }
  const dir = recordingsDir(source);
  // Said here, on the command line, rather than as an error on the page.
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new ConfigError('ERR_NO_RECORDINGS_DIR', `${dir}: no such directory`, { hint: 'pass the recordings directory (or set HKUBECTL_RECORDINGS), or a relay URL' });
  if (!info.isDirectory()) throw new ConfigError('ERR_NO_RECORDINGS_DIR', `${dir} is not a directory`, { hint: 'pass the directory that holds the .cast and .manifest.json files' });
  return { dir, jwks: await loadJwks(jwksFile, dir), label: dir, close: async () => {} };
}
