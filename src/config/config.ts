// Reads config.yaml once, validates it at the boundary, then lays env twins and flags over it.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { parseDuration } from './duration.ts';
import type { HkPaths } from './paths.ts';
import { configSchema } from './schema.ts';
import type { ConfigFlags, HkConfig, SettingName, SettingSpec } from './schema.ts';
import { projectYaml, type YamlProjection } from './yaml-cache.ts';

type Env = Record<string, string | undefined>;

type Source = { label: string; baseDir: string };

// The wrapper reads config.yaml before every kubectl call, so the parsed document is cached
// (yaml-cache.ts), except one holding the client secret: that stays in config.yaml alone.
const wholeDocument: YamlProjection<unknown> = {
  name: 'config',
  project: (document) => document,
  storable: (document) => document !== null && typeof document === 'object' && !Array.isArray(document) && !('client-secret' in document),
};

/**
 * With `paths.cacheDir`, a config.yaml parsed before is read from the cache. `flagPrefix` is how
 * the flags were spelt, so an error names the one the user typed (`--relay` of an own command,
 * `--hk-relay` on a kubectl command line).
 */
export function loadConfig(
  env: Env, paths: Pick<HkPaths, 'configFile'> & Partial<Pick<HkPaths, 'cacheDir'>>, flags: ConfigFlags = {}, flagPrefix = '--',
): HkConfig {
  const file = readConfigFile(paths.configFile, paths.cacheDir ?? null);
  const sources: Partial<Record<SettingName, string>> = {};
  const config: Record<string, unknown> = { configFile: paths.configFile, sources };
  const fileSource = { label: paths.configFile, baseDir: dirname(paths.configFile) };
  for (const [name, spec] of Object.entries(configSchema) as [SettingName, SettingSpec][]) {
    const flag = flags[name];
    const fromEnv = env[spec.env];
    let value: unknown;
    if (flag !== undefined) {
      value = coerce(spec, flag, { label: `${flagPrefix}${spec.key}`, baseDir: process.cwd() });
      sources[name] = `${flagPrefix}${spec.key}`;
    } else if (fromEnv !== undefined && fromEnv !== '') {
      value = coerce(spec, fromEnv, { label: spec.env, baseDir: process.cwd() });
      sources[name] = spec.env;
    } else if (file[spec.key] !== undefined) {
      value = coerce(spec, file[spec.key], fileSource);
      sources[name] = `"${spec.key}" in ${paths.configFile}`;
    } else if (spec.default !== undefined) {
      value = spec.default;
    }
    config[name] = value;
  }
  return config as HkConfig;
}

function readConfigFile(path: string, cacheDir: string | null): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError('ERR_CONFIG_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = projectYaml(text, wholeDocument, cacheDir);
  } catch (error) {
    throw new ConfigError('ERR_CONFIG_INVALID', `${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError('ERR_CONFIG_INVALID', `${path} must be a mapping of settings, e.g. "issuer: https://idp.example"`);
  }
  const known = new Set(Object.values(configSchema).map((spec: SettingSpec) => spec.key));
  for (const key of Object.keys(document)) {
    if (!known.has(key)) {
      throw new ConfigError('ERR_CONFIG_UNKNOWN_KEY', `unknown setting "${key}" in ${path}`, {
        hint: `known settings: ${[...known].join(', ')}`,
      });
    }
  }
  return document as Record<string, unknown>;
}

function coerce(spec: SettingSpec, raw: unknown, source: Source): string | number {
  const fail = (expected: string): never => {
    throw new ConfigError('ERR_CONFIG_INVALID', `setting "${spec.key}" from ${source.label} must be ${expected}, got ${JSON.stringify(raw)}`);
  };
  if (spec.kind === 'duration') {
    if (typeof raw === 'number' && raw >= 0) return raw * 1000;
    return (typeof raw === 'string' ? parseDuration(raw) : undefined) ?? fail('a duration like 90s, 5m or 1h');
  }
  if (typeof raw !== 'string' || raw === '') return fail('a non-empty string');
  if (spec.kind === 'url') {
    // Kept verbatim: an OIDC issuer must match the token's `iss` exactly, trailing slash included.
    if (!/^https?:$/.test(parseUrl(raw)?.protocol ?? '')) return fail('an http(s) URL');
    return raw;
  }
  if (spec.kind === 'path') {
    const expanded = raw === '~' || raw.startsWith('~/') ? homedir() + raw.slice(1) : raw;
    return isAbsolute(expanded) ? expanded : resolve(source.baseDir, expanded);
  }
  return raw;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
