// Which cluster, context and namespace a kubectl command line will talk to, read the way kubectl
// reads kubeconfig: --kubeconfig, else every file in KUBECONFIG (first one to set a value wins),
// else ~/.kube/config; --context/--cluster/--namespace override. The namespace matters for
// policy (prod or not), so a file that cannot be read or parsed is an error, never a guess.
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';
import { parse } from 'yaml';
import { ConfigError } from '../errors.ts';
import type { CommandIntent } from './intent.ts';

export interface KubeTarget {
  context: string | null;
  cluster: string | null;
  server: string | null;
  /** The namespace the command acts in when it names none: the context's, else "default". */
  namespace: string;
}

type Named = { name?: unknown; [key: string]: unknown };

interface KubeconfigFile {
  'current-context'?: unknown;
  contexts?: Named[];
  clusters?: Named[];
}

export function kubeconfigPaths(intent: CommandIntent, env: NodeJS.ProcessEnv): string[] {
  const explicit = intent.flags.kubeconfig;
  if (typeof explicit === 'string' && explicit !== '') return [explicit];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean);
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

function readKubeconfig(path: string, required: boolean): KubeconfigFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // kubectl itself skips KUBECONFIG entries that do not exist.
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError('ERR_KUBECONFIG', `cannot read kubeconfig ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const doc = parse(text) as unknown;
    return doc !== null && typeof doc === 'object' ? (doc as KubeconfigFile) : {};
  } catch (error) {
    throw new ConfigError('ERR_KUBECONFIG', `kubeconfig ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

function findNamed(files: KubeconfigFile[], list: 'contexts' | 'clusters', name: string): Record<string, unknown> | null {
  for (const file of files) {
    for (const entry of Array.isArray(file[list]) ? file[list] : []) {
      if (entry && entry.name === name) {
        const body = entry[list === 'contexts' ? 'context' : 'cluster'];
        return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
      }
    }
  }
  return null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function resolveKubeTarget(intent: CommandIntent, env: NodeJS.ProcessEnv): KubeTarget {
  const explicitFile = typeof intent.flags.kubeconfig === 'string' && intent.flags.kubeconfig !== '';
  const files = kubeconfigPaths(intent, env)
    .map((path) => readKubeconfig(path, explicitFile))
    .filter((file): file is KubeconfigFile => file !== null);
  const context = intent.context ?? files.map((f) => str(f['current-context'])).find((name) => name !== null) ?? null;
  const contextBody = context === null ? null : findNamed(files, 'contexts', context);
  const cluster = (typeof intent.flags.cluster === 'string' ? intent.flags.cluster : null) ?? str(contextBody?.cluster);
  const clusterBody = cluster === null ? null : findNamed(files, 'clusters', cluster);
  const server = (typeof intent.flags.server === 'string' ? intent.flags.server : null) ?? str(clusterBody?.server);
  const namespace = intent.namespace || str(contextBody?.namespace) || 'default';
  return { context, cluster, server, namespace };
}
