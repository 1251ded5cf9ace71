// Where the auditor's sessions come from: a recordings directory, or a relay (its copies are
// fetched into a private temporary directory first, so that everything downstream reads files).
import { recordingsDir, loadJwks } from './recordings-dir.ts';
import type { OpenedSource } from './relay-mirror.ts';

export type { OpenedSource } from './relay-mirror.ts';

export async function openSessionSource(
  source: string | undefined, jwksFile: string | undefined, progress: (line: string) => void, env: NodeJS.ProcessEnv,
): Promise<OpenedSource> {
  if (source !== undefined && /^https?:\/\//.test(source)) {
    const { mirrorRelaySessions } = await import('./relay-mirror.ts');
    return mirrorRelaySessions(source, jwksFile, progress, env);
  }
  const dir = recordingsDir(source, env);
  return { dir, jwks: await loadJwks(jwksFile, dir), label: dir, close: async () => {} };
}
