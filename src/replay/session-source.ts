// Where the auditor's sessions come from: a recordings directory, or a relay (its copies are
// fetched into a private temporary directory first, so that everything downstream reads files).
import { recordingsDir, loadJwks } from './recordings-dir.ts';
import type { Jwks } from './verification.ts';

export interface OpenedSource {
  dir: string;
  jwks: Jwks | null;
  label: string;
  close(): Promise<void>;
}

export async function openSessionSource(source: string | undefined, jwksFile: string | undefined, progress: (line: string) => void): Promise<OpenedSource> {
  if (source !== undefined && /^https?:\/\//.test(source)) {
    const { mirrorRelaySessions } = await import('./relay-mirror.ts');
    return mirrorRelaySessions(source, jwksFile, progress);
  }
  const dir = recordingsDir(source);
  return { dir, jwks: await loadJwks(jwksFile, dir), label: dir, close: async () => {} };
}
