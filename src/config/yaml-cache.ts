// What hkubectl needs from a YAML file (kubeconfig, config.yaml), kept as JSON named by the
// sha256 of the file's text. The yaml library costs about 25 ms to load and warm up, more than
// everything else a governed run does before it asks the relay, and these files rarely change;
// a changed file has another hash, so a stale answer is impossible. The cache is best effort:
// an entry that cannot be read or written is parsed again, never an error. It holds no
// credentials: a projection says what may be stored.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface YamlProjection<T> {
  /** Names the projection in the cache; change it when the shape of `project`'s result changes. */
  name: string;
  /** What hkubectl keeps from the parsed document; throws for a document it cannot use. */
  project(document: unknown): T;
  /** False for a result that must not be written to disk, such as one holding a secret. */
  storable(result: T): boolean;
  /**
   * Read as this YAML version (kubeconfig: '1.1', as kubectl's go-yaml v2 reads it: merge keys,
   * yes/no booleans, 0-prefixed octals), and refuse, by throwing, a document the yaml library
   * only warns about (an unknown tag): a reading that may differ from the consumer's is no reading.
   */
  strict?: { version: '1.1' | '1.2' };
}

/** Entries beyond this many are removed, oldest first: a few kubeconfigs and one config.yaml. */
const MAX_ENTRIES = 32;
const FORMAT = 1;

/**
 * `text` parsed as YAML and projected. Parse errors are thrown as the yaml library words them
 * (callers add the file name). With `cacheDir` null, nothing is read or written.
 */
export function projectYaml<T>(text: string, projection: YamlProjection<T>, cacheDir: string | null): T {
  const entry = cacheDir === null ? null : join(cacheDir, `${projection.name}-${createHash('sha256').update(text).digest('hex')}.json`);
  if (entry !== null) {
    const cached = readEntry<T>(entry);
    if (cached !== undefined) return cached;
  }
  const result = projection.project(parseYaml(text, projection.strict));
  if (entry !== null && projection.storable(result)) writeEntry(entry, result);
  return result;
}

// Loaded on a cache miss only, synchronously so that config loading stays a plain function.
function parseYaml(text: string, strict: YamlProjection<unknown>['strict']): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  if (strict === undefined) return yaml.parse(text);
  const document = yaml.parseDocument(text, { version: strict.version, uniqueKeys: true, prettyErrors: false });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem !== undefined) throw new Error(problem.message);
  // toJS refuses alias bombs (more than maxAliasCount expansions) by throwing.
  return document.toJS({ maxAliasCount: 100 });
}

function readEntry<T>(entry: string): T | undefined {
  try {
    const stored = JSON.parse(readFileSync(entry, 'utf8')) as { v?: unknown; result?: T };
    return stored.v === FORMAT && 'result' in stored ? stored.result : undefined;
  } catch {
    return undefined;
  }
}

function writeEntry(entry: string, result: unknown): void {
  const cacheDir = dirname(entry);
  const temporary = `${entry}.tmp-${process.pid}`;
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    writeFileSync(temporary, JSON.stringify({ v: FORMAT, result }), { mode: 0o600 });
    renameSync(temporary, entry);
    prune(cacheDir);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing more to do: the next run parses again.
    }
  }
}

function prune(cacheDir: string): void {
  const entries = readdirSync(cacheDir).filter((name) => name.endsWith('.json'));
  if (entries.length <= MAX_ENTRIES) return;
  const byAge = entries
    .map((name) => ({ name, at: statSync(join(cacheDir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.at - b.at);
  for (const { name } of byAge.slice(0, entries.length - MAX_ENTRIES)) rmSync(join(cacheDir, name), { force: true });
}
