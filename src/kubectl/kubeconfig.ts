// Which cluster, context and namespace a kubectl command line will talk to, read the way kubectl
// reads kubeconfig: --kubeconfig, else every file in KUBECONFIG (first one to set a value wins),
// else ~/.kube/config; --context/--cluster/--namespace override. The namespace matters for
// policy (prod or not), so a file that cannot be read or parsed is an error, never a guess.
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';
import { projectYaml, type YamlProjection } from '../config/yaml-cache.ts';
import { ConfigError } from '../errors.ts';
import type { CommandIntent } from './intent.ts';

export interface KubeTarget {
  context: string | null;
  cluster: string | null;
  server: string | null;
  /** The namespace the command acts in when it names none: the context's, else "default". */
  namespace: string;
}

/**
 * The part of a kubeconfig file that decides the target: names, servers and namespaces, never
 * users or credentials (this is what the YAML cache stores). Entries without a string name are
 * dropped, as kubectl can never select them.
 */
interface KubeconfigFile {
  currentContext: string | null;
  contexts: { name: string; cluster: string | null; namespace: string | null }[];
  clusters: { name: string; server: string | null }[];
}

const targetFields: YamlProjection<KubeconfigFile> = {
  name: 'kubeconfig-target',
  project(document) {
    const doc = isObject(document) ? document : {};
    return {
      currentContext: str(doc['current-context']),
      contexts: namedEntries(doc.contexts, 'context').map(({ name, body }) => ({ name, cluster: str(body.cluster), namespace: str(body.namespace) })),
      clusters: namedEntries(doc.clusters, 'cluster').map(({ name, body }) => ({ name, server: str(body.server) })),
    };
  },
  storable: () => true,
};

function namedEntries(list: unknown, bodyKey: string): { name: string; body: Record<string, unknown> }[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    if (!isObject(entry) || typeof entry.name !== 'string') return [];
    const body = entry[bodyKey];
    return [{ name: entry.name, body: isObject(body) ? body : {} }];
  });
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function kubeconfigPaths(intent: CommandIntent, env: NodeJS.ProcessEnv): string[] {
  const explicit = intent.flags.kubeconfig;
  if (typeof explicit === 'string' && explicit !== '') return [explicit];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean);
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

function readKubeconfig(path: string, required: boolean, cacheDir: string | null): KubeconfigFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // kubectl itself skips KUBECONFIG entries that do not exist.
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError('ERR_KUBECONFIG', `cannot read kubeconfig ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return projectYaml(text, targetFields, cacheDir);
  } catch (error) {
    throw new ConfigError('ERR_KUBECONFIG', `kubeconfig ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** `cacheDir`: where parsed kubeconfig files are kept (see yaml-cache.ts); null reads without. */
export function resolveKubeTarget(intent: CommandIntent, env: NodeJS.ProcessEnv, cacheDir: string | null = null): KubeTarget {
  const explicitFile = typeof intent.flags.kubeconfig === 'string' && intent.flags.kubeconfig !== '';
  const files = kubeconfigPaths(intent, env)
    .map((path) => readKubeconfig(path, explicitFile, cacheDir))
    .filter((file): file is KubeconfigFile => file !== null);
  // As kubectl merges KUBECONFIG: the first file to set a value wins.
  const context = intent.context ?? files.map((f) => f.currentContext).find((name) => name !== null) ?? null;
  const contextEntry = files.flatMap((f) => f.contexts).find((entry) => entry.name === context);
  const cluster = (typeof intent.flags.cluster === 'string' ? intent.flags.cluster : null) ?? contextEntry?.cluster ?? null;
  const clusterEntry = files.flatMap((f) => f.clusters).find((entry) => entry.name === cluster);
  const server = (typeof intent.flags.server === 'string' ? intent.flags.server : null) ?? clusterEntry?.server ?? null;
  const namespace = intent.namespace || contextEntry?.namespace || 'default';
  return { context, cluster, server, namespace };
}

