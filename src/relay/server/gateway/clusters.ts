// The clusters the relay brokers (relay.yaml `clusters:`): where each API server is, the CA that
// signs it, and the relay's own credential for it. The credential only needs the right to
// impersonate the agents (the relay forwards as them); the agents never hold one.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../../errors.ts';
import { normalServer } from '../../../policy/clusters.ts';

/** The relay's credential for one cluster, read. */
export type ClusterCredential = { token: string } | { certPem: string; keyPem: string };

/** A cluster as the gateway uses it: everything read and checked. `startRelay({ clusters })` takes these. */
export type ClusterTarget = {
  /** The name agents' kubeconfigs use for it (their cluster entry), and the gateway path: /gateway/<name>. */
  name: string;
  /** The API server, e.g. https://10.0.0.1:6443 (a path prefix is kept). */
  server: string;
  /** PEM of the CA that signs the API server's certificate; absent: the system's roots. */
  caPem?: string;
  credential: ClusterCredential;
};

/** relay.yaml's view of a cluster: files, not yet read. */
export type ClusterConfig = {
  name: string;
  /** null: the kubeconfig's server for its context. */
  server: string | null;
  caFile: string | null;
  credential:
    | { tokenFile: string }
    | { certFile: string; keyFile: string }
    | { kubeconfigFile: string; context: string | null };
};

/** Cluster names are one URL path segment, as kubeconfig cluster entries usually are. */
export const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError('ERR_CLUSTER_CREDENTIAL_UNREADABLE', `cannot read ${what} ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads the files a cluster entry names; a problem names the cluster and the file. */
export async function loadClusterTarget(config: ClusterConfig): Promise<ClusterTarget> {
  const caPem = config.caFile ? await readText(config.caFile, `the CA of cluster ${config.name},`) : undefined;
  const { credential } = config;
  if ('tokenFile' in credential) {
    const token = (await readText(credential.tokenFile, `the token of cluster ${config.name},`)).trim();
    if (!/^[\x21-\x7e]+$/.test(token)) throw new ConfigError('ERR_CLUSTER_CREDENTIAL_INVALID', `the token file ${credential.tokenFile} of cluster ${config.name} must hold one token on one line`);
    return withCa({ name: config.name, server: config.server!, credential: { token } }, caPem);
  }
  if ('certFile' in credential) {
    const certPem = await readText(credential.certFile, `the client certificate of cluster ${config.name},`);
    const keyPem = await readText(credential.keyFile, `the client key of cluster ${config.name},`);
    return withCa({ name: config.name, server: config.server!, credential: { certPem, keyPem } }, caPem);
  }
  const fromKubeconfig = await kubeconfigTarget(config.name, credential.kubeconfigFile, credential.context);
  return withCa({ ...fromKubeconfig, server: config.server ?? fromKubeconfig.server }, caPem ?? fromKubeconfig.caPem);
}

function withCa(target: ClusterTarget, caPem: string | undefined): ClusterTarget {
  return caPem === undefined ? target : { ...target, caPem };
}

type Named<T> = { name?: unknown } & { [key: string]: T | unknown };

/** A context of a kubeconfig file (the current one when none is named) → its server, CA and user credential. */
async function kubeconfigTarget(name: string, file: string, contextName: string | null): Promise<ClusterTarget> {
  const fail = (message: string) => new ConfigError('ERR_CLUSTER_KUBECONFIG_INVALID', `cluster ${name}: kubeconfig ${file}: ${message}`);
  let doc: Record<string, unknown>;
  try {
    doc = parseYaml(await readText(file, `the kubeconfig of cluster ${name},`), { maxAliasCount: 0 }) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fail(`not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object') throw fail('not a kubeconfig');
  const find = (list: unknown, wanted: string, field: string): Record<string, unknown> => {
    const entry = Array.isArray(list) ? (list as Named<unknown>[]).find((item) => item?.name === wanted) : undefined;
    const inner = entry?.[field];
    if (!inner || typeof inner !== 'object') throw fail(`no ${field} named ${JSON.stringify(wanted)}`);
    return inner as Record<string, unknown>;
  };
  const wanted = contextName ?? (typeof doc['current-context'] === 'string' ? doc['current-context'] : null);
  if (!wanted) throw fail('names no current-context; give the context in relay.yaml');
  const context = find(doc.contexts, wanted, 'context');
  const cluster = find(doc.clusters, String(context.cluster), 'cluster');
  const user = find(doc.users, String(context.user), 'user');
  const base = dirname(file);
  const path = (value: unknown) => (typeof value === 'string' ? (isAbsolute(value) ? value : resolve(base, value)) : null);
  const data = (value: unknown) => (typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : null);
  const server = typeof cluster.server === 'string' ? cluster.server : null;
  if (server === null || normalServer(server) === null) throw fail(`cluster ${JSON.stringify(String(context.cluster))} has no https server`);
  const caFile = path(cluster['certificate-authority']);
  const caPem = data(cluster['certificate-authority-data']) ?? (caFile ? await readText(caFile, `the CA of cluster ${name},`) : null);
  let credential: ClusterCredential;
  const tokenFile = path(user.tokenFile);
  if (typeof user.token === 'string' && user.token !== '') credential = { token: user.token };
  else if (tokenFile) credential = { token: (await readText(tokenFile, `the token of cluster ${name},`)).trim() };
  else {
    const certFile = path(user['client-certificate']);
    const keyFile = path(user['client-key']);
    const certPem = data(user['client-certificate-data']) ?? (certFile ? await readText(certFile, `the client certificate of cluster ${name},`) : null);
    const keyPem = data(user['client-key-data']) ?? (keyFile ? await readText(keyFile, `the client key of cluster ${name},`) : null);
    if (certPem === null || keyPem === null) throw fail(`user ${JSON.stringify(String(context.user))} has neither a token nor a client certificate and key (exec plugins and auth providers are not run by the relay)`);
    credential = { certPem, keyPem };
  }
  return { name, server, ...(caPem === null ? {} : { caPem }), credential };
}

/**
 * The relay's cluster for a submitted command: the kubeconfig cluster entry's name first, then
 * the reported cluster as a name or a server URL. Null: the relay does not broker it.
 */
export function targetCluster(clusters: readonly ClusterTarget[], reported: { kubeCluster?: string | null; cluster?: string | null }): ClusterTarget | null {
  if (reported.kubeCluster) {
    const byEntry = clusters.find((cluster) => cluster.name === reported.kubeCluster);
    if (byEntry) return byEntry;
  }
  const named = reported.cluster;
  if (!named) return null;
  const server = normalServer(named);
  return clusters.find((cluster) => cluster.name === named || (server !== null && normalServer(cluster.server) === server)) ?? null;
}

/** Names are unique, servers are http(s) URLs: checked once, for clusters given in code too. */
export function checkClusterTargets(clusters: readonly ClusterTarget[]): void {
  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (!CLUSTER_NAME.test(cluster.name)) throw new ConfigError('ERR_CLUSTER_INVALID', `cluster name ${JSON.stringify(cluster.name)} must be letters, digits, ".", "_" or "-"`);
    if (seen.has(cluster.name)) throw new ConfigError('ERR_CLUSTER_INVALID', `cluster ${cluster.name} is listed twice`);
    seen.add(cluster.name);
    if (normalServer(cluster.server) === null) throw new ConfigError('ERR_CLUSTER_INVALID', `cluster ${cluster.name}: server ${JSON.stringify(cluster.server)} is not an http(s) URL`);
  }
}
