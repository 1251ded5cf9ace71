// The resolver agrees with the real kubectl: for each spelling, kubectl v1.32 is run against the
// sandbox API server (whose discovery the resolver is given too), and the resource it requests
// (read from its -v=6 request log) is the one the resolver names — or both find none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResourceResolver } from '../../src/kubectl/resource-resolve.ts';
import type { ApiResource } from '../../src/kubectl/resource-table.ts';
import { RESOURCES } from '../../src/sandbox/resources.ts';
import { startHarness, type Harness } from '../sandbox/harness.ts';

const sandboxTable: ApiResource[] = RESOURCES.map((r) => ({
  group: r.group, version: r.version, name: r.resource, singularName: r.singular, kind: r.kind,
  shortNames: r.shortNames ?? [], namespaced: r.namespaced, categories: r.categories ?? [],
}));
const resolver = createResourceResolver(sandboxTable);

const SPELLINGS = [
  'ns', 'namespace', 'Namespace', 'NAMESPACES', 'namespaces.', 'namespaces.v1.', 'ns.v1.', 'Namespace.v1.', 'NS', 'namespaces.v2.',
  'clusterrolebindings.v1.rbac.authorization.k8s.io', 'clusterrolebinding.rbac.authorization.k8s.io', 'ClusterRoleBinding',
  'clusterrolebindings.v1.', 'clusterrolebindings.rbac', 'rolebindings.rbac', 'RoleBinding.rbac.authorization.k8s.io', 'crb',
  'deploy', 'deployments.v1.apps', 'deployments.v1.', 'deploy.ap', 'deployments.ap', 'Deployments.APPS', 'secret.v1.', 'Secret',
  'secrets.', 'po', 'PO', 'pods.v1.apps', 'widgets', 'jobs.batch', 'job.v1.batch',
];

/** The resource of kubectl's list request, as `plural` or `plural.group`; null if it found none. */
function requested(stderr: string): string | null {
  const match = /GET https:\/\/[^/]+\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/[^/]+)?\/([a-z]+)\?limit=/.exec(stderr);
  if (match === null) return null;
  return match[1] === undefined ? (match[2] as string) : `${match[2]}.${match[1]}`;
}

describe('resource spellings, the resolver against the real kubectl', () => {
  let harness: Harness;
  beforeAll(async () => { harness = await startHarness(); });
  afterAll(async () => { await harness.stop(); });

  it.each(SPELLINGS)('kubectl get %s', async (spelling) => {
    const result = await harness.kubectl(['get', spelling, '-v=6']);
    const kubectlSays = result.code === 0 ? requested(result.stderr) : null;
    if (result.code !== 0) expect(result.stderr).toMatch(/doesn't have a resource type|no matches for kind/);
    expect(resolver.resolve(spelling).canonical).toBe(kubectlSays);
  });
});
