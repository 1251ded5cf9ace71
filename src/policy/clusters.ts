// The clusters a policy knows, and which of them a command runs against. The wrapper reports the
// cluster from the agent's kubeconfig (its server URL, or its name when there is none), and the
// agent controls that file: a name is only trusted when it is one the policy lists. So, once any
// rule names clusters, a cluster the policy does not list (or none reported) is decided as the
// most sensitive it could be: every restricting rule that names clusters applies to it, and an
// allow rule only when it allows `*` — the cautious reading match.ts gives `-A` for namespaces.
import { compileGlobs } from './glob.ts';
import type { KnownCluster, Policy } from './types.ts';
import { join, type YamlNode, type YamlReader } from './yaml-reader.ts';

const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function readClusters(reader: YamlReader, node: YamlNode): KnownCluster[] {
  const clusters: KnownCluster[] = [];
  const names = new Set<string>();
  (reader.seq(node, 'clusters') ?? []).forEach((item, index) => {
    const path = `clusters[${index}]`;
    const fields = reader.map(item, path, ['name', 'server']);
    if (fields === null) return;
    if (!fields.has('name')) reader.problem(item, join(path, 'name'), 'required (the name rules use in match.clusters)');
    const name = fields.has('name') ? reader.string(fields.get('name'), join(path, 'name')) : null;
    if (name !== null && !CLUSTER_NAME.test(name)) reader.problem(fields.get('name')!, join(path, 'name'), 'letters, digits, ".", "_" and "-" only');
    else if (name !== null && names.has(name)) reader.problem(fields.get('name')!, join(path, 'name'), `"${name}" is listed twice`);
    const server = fields.has('server') ? reader.string(fields.get('server'), join(path, 'server')) : null;
    const normal = server === null ? null : normalServer(server);
    if (server !== null && normal === null) reader.problem(fields.get('server')!, join(path, 'server'), 'must be the API server\'s https:// (or http://) URL, as in kubeconfig');
    if (name !== null) {
      names.add(name);
      clusters.push({ name, server: normal });
    }
  });
  return clusters;
}

/** A server URL as kubectl would reach it: scheme and host lower-cased, default port and trailing slash dropped. */
export function normalServer(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Whether any rule names clusters: only then does the reported cluster matter. */
export function namesClusters(policy: Pick<Policy, 'rules'>): boolean {
  return policy.rules.some((rule) => rule.match.clusters !== null);
}

/** The policy's name for the reported cluster, or null when the policy does not know it. */
export function knownCluster(policy: Pick<Policy, 'clusters'>, reported: string | null | undefined): string | null {
  if (!reported) return null;
  const server = normalServer(reported);
  const found = policy.clusters.find((cluster) => (server !== null ? cluster.server === server : cluster.name === reported));
  return found?.name ?? null;
}

/** Literal cluster names in a rule that the policy does not list: a typo that would never match. */
export function unlistedClusterPatterns(patterns: readonly string[], clusters: readonly KnownCluster[]): string[] {
  return patterns.filter((pattern) => !/[*?]/.test(pattern) && !clusters.some((cluster) => compileGlobs([pattern])(cluster.name)));
}
