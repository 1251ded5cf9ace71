// Where hkubectl keeps its files, following the XDG Base Directory spec so that agents running
// under a service account or in a container can redirect everything with one variable.
import { homedir } from 'node:os';
import { join } from 'node:path';

export type HkPaths = {
  /** config.yaml and the token cache live here. */
  configDir: string;
  /** recordings, spools and other state live here. */
  dataDir: string;
  configFile: string;
  /** 0700 directory holding one 0600 token file per issuer+client. */
  tokenDir: string;
  /** Parsed YAML files (src/config/yaml-cache.ts); safe to delete at any time. */
  cacheDir: string;
};

type Env = Record<string, string | undefined>;

/** Resolve hkubectl's directories from the environment; no file system access. */
export function resolvePaths(env: Env = process.env, home: string = homedir()): HkPaths {
  const configDir = env.HKUBECTL_CONFIG_DIR
    || join(absoluteOr(env.XDG_CONFIG_HOME, join(home, '.config')), 'hkubectl');
  const dataDir = env.HKUBECTL_DATA_DIR
    || join(absoluteOr(env.XDG_DATA_HOME, join(home, '.local', 'share')), 'hkubectl');
  return {
    configDir,
    dataDir,
    configFile: join(configDir, 'config.yaml'),
    tokenDir: join(configDir, 'tokens'),
    cacheDir: join(dataDir, 'cache'),
  };
}

// The XDG spec says relative values are invalid and must be ignored.
function absoluteOr(value: string | undefined, fallback: string): string {
  return value && value.startsWith('/') ? value : fallback;
}
