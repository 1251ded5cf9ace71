// Finding the real kubectl: HKUBECTL_KUBECTL, else the first `kubectl` on PATH that is not
// hkubectl itself (agents often get a `kubectl` symlink to hkubectl placed first on PATH).
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';

export interface LocateOptions {
  env: NodeJS.ProcessEnv;
  /** Path of the running hkubectl entry script (process.argv[1]). */
  selfPath: string;
}

function realOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function searchPath(name: string, env: NodeJS.ProcessEnv, skipReal: string | null): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (!isExecutableFile(candidate)) continue;
    if (skipReal !== null && realOrNull(candidate) === skipReal) continue;
    return candidate;
  }
  return null;
}

export function locateKubectl({ env, selfPath }: LocateOptions): string {
  const self = realOrNull(selfPath);
  const explicit = env.HKUBECTL_KUBECTL;
  if (explicit) {
    const path = isAbsolute(explicit) || explicit.includes('/') ? resolve(explicit) : searchPath(explicit, env, null);
    if (path === null || !isExecutableFile(path)) {
      throw new ConfigError('ERR_KUBECTL_NOT_FOUND', `HKUBECTL_KUBECTL=${explicit} is not an executable file`, {
        hint: 'point HKUBECTL_KUBECTL at the real kubectl binary',
      });
    }
    if (self !== null && realOrNull(path) === self) {
      throw new ConfigError('ERR_KUBECTL_IS_SELF', `HKUBECTL_KUBECTL=${explicit} is hkubectl itself`, {
        hint: 'point HKUBECTL_KUBECTL at the real kubectl binary, not at hkubectl',
      });
    }
    return path;
  }
  const found = searchPath('kubectl', env, self);
  if (found === null) {
    throw new ConfigError('ERR_KUBECTL_NOT_FOUND', 'kubectl was not found on PATH', {
      hint: 'install kubectl or set HKUBECTL_KUBECTL to its path',
    });
  }
  return found;
}
