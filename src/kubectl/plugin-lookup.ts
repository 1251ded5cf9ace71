// Which `kubectl-<name>` file kubectl will exec, found as kubectl finds it: Go's exec.LookPath
// over the PATH kubectl is given (an empty entry means the working directory; relative entries
// are used too, since kubectl ignores exec.ErrDot; a name holding `/` is taken as a path),
// executable regular files only, longest name first. Runs on the agent's machine.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { pluginCandidates, type PluginRef } from './plugins.ts';

function isExecutableFile(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function lookPath(file: string, env: NodeJS.ProcessEnv, cwd: string): string | null {
  // Go stats such a name as given, so the kernel resolves `..` (no lexical clean as for PATH entries).
  if (file.includes('/')) return isExecutableFile(`${cwd}/${file}`) ? `${cwd}/${file}` : null;
  for (const entry of (env.PATH ?? '').split(delimiter)) {
    const candidate = resolve(cwd, entry === '' ? '.' : entry, file);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/**
 * The plugin kubectl will run for these arguments, with the sha256 of its bytes; null when the
 * first word is a kubectl command or no such file exists (kubectl then says "unknown command").
 */
export function findPlugin(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string = process.cwd()): PluginRef | null {
  for (const name of pluginCandidates(argv, env) ?? []) {
    const path = lookPath(`kubectl-${name}`, env, cwd);
    if (path === null) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      // An executable that cannot be read cannot be named by its hash, and the relay binds to the hash.
      throw new ConfigError('ERR_PLUGIN_UNREADABLE', `kubectl would run the plugin ${path}, which hkubectl cannot read to hash: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        hint: 'nothing was run; make the plugin file readable, or remove it from PATH',
      });
    }
    return { name, path, sha256: sha256Hex(bytes) };
  }
  return null;
}

/**
 * node:crypto is loaded only when a plugin is hashed: this module is on the pass-through path,
 * which every kubectl call starts, and loading crypto there cost a few ms of each start-up.
 */
function sha256Hex(bytes: Buffer): string {
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(bytes).digest('hex');
}
