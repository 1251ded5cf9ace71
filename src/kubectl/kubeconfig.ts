// Which cluster, context and namespace a kubectl command line will talk to, read the way kubectl
// reads kubeconfig (client-go tools/clientcmd, loader.go and client_config.go):
// - files: `--kubeconfig` alone (it must exist); else every entry of KUBECONFIG (empty entries
//   ignored, duplicates once, missing files skipped); else ~/.kube/config when it exists;
// - merge: the first file to set current-context wins; contexts and clusters are maps by name
//   and the first file to define a name wins with its whole entry (later files' fields for the
//   same name are discarded, not merged);
// - selection: `--context` (non-empty) over current-context; `--cluster` over the context's
//   cluster; `--server` over the cluster's server; `-n` (non-empty) over the context's
//   namespace, else (inside a pod) the pod's namespace, else "default".
// Files are YAML 1.1 as go-yaml v2 reads them (anchors, aliases, `<<` merge keys, yes/no
// booleans). Where this reading could differ from kubectl's — a parse problem, a value that is
// not a string, a key spelt in another case, a name defined twice in one file — kubectl itself
// is asked for the merged config (`kubectl config view -o json`); if it cannot say, the command
// is refused. The namespace decides policy (prod or not), so nothing here is a guess.
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { projectYaml, type YamlProjection } from '../config/yaml-cache.ts';
import { ConfigError } from '../errors.ts';
import type { KubeconfigFacts } from './connection-overrides.ts';
import type { CommandIntent } from './intent.ts';

export interface KubeTarget {
  context: string | null;
  cluster: string | null;
  server: string | null;
  /** The namespace the command acts in when it names none: the context's, else "default". */
  namespace: string;
  /** What the relay needs to tell an override from a selection in the agent's own kubeconfig. */
  facts: KubeconfigFacts;
}

/**
 * The part of a kubeconfig that decides the target: names, servers and namespaces, never users
 * or credentials (this is what the YAML cache stores), and whether kubectl might read it otherwise.
 */
interface KubeconfigView {
  currentContext: string | null;
  contexts: { name: string; cluster: string | null; namespace: string | null }[];
  clusters: { name: string; server: string | null }[];
  /** Why this reading might differ from kubectl's; null when it cannot. */
  uncertain: string | null;
}

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);

/** Reads one file's view, noting the first thing that makes it uncertain. */
class ViewReader {
  uncertain: string | null = null;

  doubt(why: string): void {
    this.uncertain ??= why;
  }

  /** kubectl decodes kubeconfig with case-sensitive keys; another spelling is read one way here and maybe another there. */
  caseVariants(fields: Fields, key: string, where: string): void {
    for (const written of Object.keys(fields)) {
      if (written !== key && written.toLowerCase() === key.toLowerCase()) this.doubt(`${where} has a key "${written}" spelt unlike "${key}"`);
    }
  }

  /** Go's JSON decoding into kubeconfig's structs: exact key names, strings or null. */
  string(fields: Fields, key: string, where: string): string | null {
    this.caseVariants(fields, key, where);
    const value = fields[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') {
      this.doubt(`${where}.${key} is not a string`);
      return null;
    }
    return value;
  }

  object(fields: Fields, key: string, where: string): Fields {
    this.caseVariants(fields, key, where);
    const value = fields[key];
    if (value === undefined || value === null) return {};
    if (!isObject(value)) this.doubt(`${where}.${key} is not a mapping`);
    return isObject(value) ? value : {};
  }

  named(fields: Fields, listKey: string, bodyKey: string): { name: string; body: Fields }[] {
    const list = fields[listKey];
    this.caseVariants(fields, listKey, 'the file');
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      this.doubt(`${listKey} is not a list`);
      return [];
    }
    const seen = new Set<string>();
    return list.flatMap((entry: unknown, index) => {
      const where = `${listKey}[${index}]`;
      if (!isObject(entry)) {
        this.doubt(`${where} is not a mapping`);
        return [];
      }
      const name = this.string(entry, 'name', where) ?? '';
      // client-go refuses a list with a name twice ("duplicate name … in list").
      if (seen.has(name)) this.doubt(`${listKey} names "${name}" twice`);
      seen.add(name);
      return [{ name, body: this.object(entry, bodyKey, where) }];
    });
  }
}

function viewOf(document: unknown): KubeconfigView {
  const reader = new ViewReader();
  if (document !== null && document !== undefined && !isObject(document)) reader.doubt('the file is not a mapping');
  const doc = isObject(document) ? document : {};
  const view: KubeconfigView = {
    currentContext: reader.string(doc, 'current-context', 'the file') || null,
    contexts: reader.named(doc, 'contexts', 'context').map(({ name, body }) => ({
      name, cluster: reader.string(body, 'cluster', `context ${name}`), namespace: reader.string(body, 'namespace', `context ${name}`),
    })),
    clusters: reader.named(doc, 'clusters', 'cluster').map(({ name, body }) => ({ name, server: reader.string(body, 'server', `cluster ${name}`) })),
    uncertain: null,
  };
  view.uncertain = reader.uncertain;
  return view;
}

const kubeconfigView: YamlProjection<KubeconfigView> = {
  name: 'kubeconfig-view',
  project: viewOf,
  storable: () => true,
  strict: { version: '1.1' },
};

/** The last non-empty value of a flag: pflag keeps the last, clientcmd ignores empty ones. */
function lastFlag(intent: CommandIntent, name: string): string | null {
  const value = name === 'context' ? intent.context : intent.flags[name];
  const last = Array.isArray(value) ? value.at(-1) : value;
  return typeof last === 'string' && last !== '' ? last : null;
}

/** The files kubectl reads when no --kubeconfig is given, in precedence order. */
export function defaultKubeconfigPaths(env: NodeJS.ProcessEnv): string[] {
  if (env.KUBECONFIG) return [...new Set(env.KUBECONFIG.split(delimiter).filter((entry) => entry !== ''))];
  // client-go's homedir.HomeDir() on Linux is $HOME as it is, so an empty HOME means ./.kube/config.
  return [join(env.HOME ?? '', '.kube', 'config')];
}

export function kubeconfigPaths(intent: CommandIntent, env: NodeJS.ProcessEnv): string[] {
  const explicit = lastFlag(intent, 'kubeconfig');
  return explicit === null ? defaultKubeconfigPaths(env) : [explicit];
}

type FileRead = { path: string; view: KubeconfigView | null; problem: string | null };

function readFile(path: string, required: boolean, cacheDir: string | null, cwd: string): FileRead | null {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // kubectl skips KUBECONFIG entries (and a ~/.kube/config) that do not exist.
    if (!required && code === 'ENOENT') return null;
    throw new ConfigError('ERR_KUBECONFIG', `cannot read kubeconfig ${path}: ${code ?? String(error)}`);
  }
  try {
    return { path, view: projectYaml(text, kubeconfigView, cacheDir), problem: null };
  } catch (error) {
    return { path, view: null, problem: `kubeconfig ${path} is not valid YAML as kubectl reads it: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** client-go's merge: first current-context, first entry of each name (whole). */
function merge(views: readonly KubeconfigView[]): KubeconfigView {
  const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Map<string, T>();
    for (const entry of lists.flat()) if (!seen.has(entry.name)) seen.set(entry.name, entry);
    return [...seen.values()];
  };
  return {
    currentContext: views.map((view) => view.currentContext).find((name) => name !== null) ?? null,
    contexts: firstByName(views.map((view) => view.contexts)),
    clusters: firstByName(views.map((view) => view.clusters)),
    uncertain: null,
  };
}

export interface KubectlOracle {
  /** The real kubectl, asked where this reading cannot be sure; null refuses instead. */
  kubectlPath: string | null;
  cwd?: string;
  /** Where a pod's service-account token and namespace are mounted (client-go's in-cluster config). */
  serviceAccountDir?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * client-go's in-cluster config (merged_client_builder.go): inside a pod, kubectl takes the
 * namespace from POD_NAMESPACE or the mounted service account whenever the kubeconfig's context
 * sets none, and talks to the in-cluster API server when there is no kubeconfig at all.
 */
function inClusterOf(env: NodeJS.ProcessEnv, dir: string): { namespace: string; server: string } | null {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const token = statSync(join(dir, 'token'), { throwIfNoEntry: false });
  if (!host || !port || token === undefined || token.isDirectory()) return null;
  let mounted = '';
  try {
    mounted = readFileSync(join(dir, 'namespace'), 'utf8').trim();
  } catch {
    // No namespace file: kubectl falls back to "default".
  }
  return { namespace: env.POD_NAMESPACE || mounted || 'default', server: `https://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

/** kubectl's own merged reading of the same files (`config view -o json`: credentials redacted). */
function askKubectl(oracle: KubectlOracle, explicit: string | null, env: NodeJS.ProcessEnv, why: string): KubeconfigView {
  const refuse = (detail: string): never => {
    throw new ConfigError('ERR_KUBECONFIG', `cannot tell which namespace and cluster kubectl will use: ${why}${detail}`, {
      hint: 'nothing was run; fix the kubeconfig (kubectl config view shows how kubectl reads it)',
    });
  };
  if (oracle.kubectlPath === null) return refuse('');
  const args = ['config', 'view', '-o', 'json', ...(explicit === null ? [] : ['--kubeconfig', explicit])];
  const answer = spawnSync(oracle.kubectlPath, args, { env, cwd: oracle.cwd, encoding: 'utf8', timeout: 15_000 });
  if (answer.status !== 0) return refuse(`; kubectl says: ${(answer.stderr || String(answer.error ?? '')).trim().split('\n')[0]}`);
  let document: unknown;
  try {
    document = JSON.parse(answer.stdout);
  } catch {
    return refuse('; kubectl config view did not print JSON');
  }
  const view = viewOf(document);
  return view.uncertain === null ? view : refuse(`; kubectl's own reading is unclear too (${view.uncertain})`);
}

function realpathOrNull(path: string, cwd: string): string | null {
  try {
    return realpathSync(resolve(cwd, path));
  } catch {
    return null;
  }
}

/**
 * `cacheDir`: where parsed kubeconfig files are kept (see yaml-cache.ts); null reads without.
 * `oracle`: the kubectl to ask when a file could be read otherwise than here.
 */
export function resolveKubeTarget(intent: CommandIntent, env: NodeJS.ProcessEnv, cacheDir: string | null = null, oracle: KubectlOracle = { kubectlPath: null }): KubeTarget {
  const cwd = oracle.cwd ?? process.cwd();
  const explicit = lastFlag(intent, 'kubeconfig');
  const reads = kubeconfigPaths(intent, env)
    .map((path) => readFile(path, explicit !== null, cacheDir, cwd))
    .filter((read): read is FileRead => read !== null);
  const doubt = reads
    .map((read) => read.problem ?? (read.view?.uncertain ? `kubeconfig ${read.path}: ${read.view.uncertain}` : null))
    .find((why): why is string => why !== null);
  const merged = doubt === undefined ? merge(reads.map((read) => read.view as KubeconfigView)) : askKubectl(oracle, explicit, env, doubt);

  const context = lastFlag(intent, 'context') ?? merged.currentContext;
  const contextEntry = context === null ? undefined : merged.contexts.find((entry) => entry.name === context);
  const cluster = lastFlag(intent, 'cluster') ?? contextEntry?.cluster ?? null;
  const clusterEntry = cluster === null ? undefined : merged.clusters.find((entry) => entry.name === cluster);
  const inCluster = inClusterOf(env, oracle.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  const noKubeconfig = merged.currentContext === null && merged.contexts.length === 0 && merged.clusters.length === 0;
  const server = lastFlag(intent, 'server') ?? clusterEntry?.server ?? (noKubeconfig && context === null && cluster === null ? inCluster?.server : null) ?? null;
  const namespace = intent.namespace || contextEntry?.namespace || inCluster?.namespace || 'default';

  const own = new Set(defaultKubeconfigPaths(env).map((path) => realpathOrNull(path, cwd)).filter((path) => path !== null));
  const explicitReal = explicit === null ? null : realpathOrNull(explicit, cwd);
  const facts: KubeconfigFacts = {
    kubeconfigIsOwn: explicitReal !== null && own.has(explicitReal),
    currentContext: merged.currentContext,
  };
  return { context, cluster, server, namespace, facts };
}
