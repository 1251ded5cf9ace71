// Who is asking and where the command lands, as policy sees them.
import type { CommandIntent } from '../kubectl/intent.ts';
import type { Actor, Identity, Policy } from './types.ts';

/** The default policy's promise: anyone outside the approver groups is treated as an agent. */
export function actorOf(identity: Identity, policy: Pick<Policy, 'approverGroups'>): Actor {
  for (const group of identity.groups) if (policy.approverGroups.includes(group)) return 'human';
  return 'agent';
}

/**
 * kubectl's own fallback when neither -n nor the kubeconfig context names a namespace. The
 * wrapper resolves the context's namespace into the intent before asking the relay, so a null
 * here really means "default".
 */
export function effectiveNamespace(intent: Pick<CommandIntent, 'namespace'>): string {
  return intent.namespace ?? 'default';
}

/**
 * The namespaces a command touches, or 'all'. A command on Namespace objects touches the
 * namespaces it names (`label ns payments-prod …` is a change to production), or every namespace
 * when it names none.
 */
export function affectedNamespaces(intent: Pick<CommandIntent, 'namespace' | 'allNamespaces' | 'resources' | 'names'>): readonly string[] | 'all' {
  if (intent.resources.includes('namespaces')) return intent.names.length > 0 ? intent.names : 'all';
  return intent.allNamespaces ? 'all' : [effectiveNamespace(intent)];
}
