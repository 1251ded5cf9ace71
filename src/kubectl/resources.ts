// Canonical resource names: lower-case plural with API group, as the apiserver's discovery names
// them (`deployments.apps`). Command lines are resolved with kubectl's own rules
// (resource-resolve.ts); this module names resources written in policy documents.
import { builtinResolver } from './resource-resolve.ts';

// Not kubectl short names (`kubectl get crb` fails on a stock cluster), but what people write in
// policies and chats; accepted in policy documents only, never on a command line.
const POLICY_ALIASES: Record<string, string> = {
  crb: 'clusterrolebindings.rbac.authorization.k8s.io',
  rb: 'rolebindings.rbac.authorization.k8s.io',
  cr: 'clusterroles.rbac.authorization.k8s.io',
};

/**
 * `po` → `pods`, `deploy` → `deployments.apps`, `Deployment.v1.apps` → `deployments.apps`, for a
 * name written in a policy. A name kubectl would only know from a cluster's discovery (a CRD's
 * resource) is kept as written, lower-cased.
 */
export function canonicalResource(written: string): string {
  const lower = written.toLowerCase();
  return builtinResolver.resolve(written).canonical ?? builtinResolver.resolve(lower).canonical ?? POLICY_ALIASES[lower] ?? lower;
}
