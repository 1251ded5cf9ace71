// RBAC's escalation prevention (pkg/registry/rbac/{role,clusterrole,rolebinding,
// clusterrolebinding}/policybased and validation/policy_comparator.go): whoever may write Roles or
// bindings still cannot grant more than they hold. A Role or ClusterRole written by someone
// without the `escalate` verb on it must ask only for rules its author already has (in the
// Role's namespace, or cluster-wide for a ClusterRole); a binding written by someone without
// `bind` on its role must point at a role whose rules the author has. system:masters is exempt.
// A dry run is checked the same way.
import type { UserInfo } from '../auth/user.ts';
import { SYSTEM_MASTERS } from '../auth/user.ts';
import type { KubeObject } from '../object.ts';
import type { ResourceType } from '../resources.ts';
import { StatusError, status } from '../status.ts';
import type { Authorizer } from './authorize.ts';
import type { RuleResolver } from './resolver.ts';
import { RBAC_GROUP, rulesFor } from './resolver.ts';
import type { PolicyRule } from './rules.ts';
import { policyRule } from './rules.ts';

const has = (set: string[], item: string) => set.includes(item);
const hasAll = (set: string[], items: string[]) => items.every((i) => set.includes(i));

/** One verb on one group/resource/name, or on one URL (BreakdownRule). */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const atom = (p: Partial<PolicyRule>): PolicyRule => ({ verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...p });
  for (const group of rule.apiGroups) {
    for (const resource of rule.resources) {
      for (const verb of rule.verbs) {
        if (rule.resourceNames.length > 0) for (const name of rule.resourceNames) out.push(atom({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] }));
        else out.push(atom({ verbs: [verb], apiGroups: [group], resources: [resource] }));
      }
    }
  }
  for (const url of rule.nonResourceURLs) for (const verb of rule.verbs) out.push(atom({ verbs: [verb], nonResourceURLs: [url] }));
  return out;
}

function resourceCoversAll(set: string[], covers: string[]): boolean {
  if (has(set, '*') || hasAll(set, covers)) return true;
  return covers.every((path) => has(set, path) || (path.includes('/') && has(set, `*/${path.slice(path.indexOf('/') + 1)}`)));
}

function nonResourceURLCovers(owner: string, sub: string): boolean {
  return owner === sub || (owner.endsWith('*') && sub.startsWith(owner.replace(/\*+$/, '')));
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourceCoversAll(owner.resources, sub.resources);
  const urls = sub.nonResourceURLs.every((u) => owner.nonResourceURLs.some((o) => nonResourceURLCovers(o, u)));
  const names = sub.resourceNames.length === 0 ? owner.resourceNames.length === 0 : owner.resourceNames.length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return verbs && groups && resources && names && urls;
}

/** Covers: the atomic rules of `servant` that no rule of `owner` covers. */
export function uncovered(owner: PolicyRule[], servant: PolicyRule[]): PolicyRule[] {
  return servant.flatMap(breakdown).filter((atom) => !owner.some((o) => ruleCovers(o, atom)));
}

/** CompactRules then CompactString, sorted: how the apiserver lists the rights missing. */
function describeMissing(missing: PolicyRule[]): string[] {
  const simple = new Map<string, PolicyRule>();
  const rest: PolicyRule[] = [];
  for (const r of missing) {
    if (r.nonResourceURLs.length > 0 || r.resourceNames.length > 1 || r.apiGroups.length !== 1 || r.resources.length !== 1) {
      rest.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups[0], r.resources[0], r.resourceNames[0] ?? null]);
    const seen = simple.get(key);
    if (seen) seen.verbs.push(...r.verbs);
    else simple.set(key, { ...r, verbs: [...r.verbs] });
  }
  const q = (list: string[]) => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
  const compact = (r: PolicyRule) => `{${[
    r.apiGroups.length > 0 ? `APIGroups:${q(r.apiGroups)}` : '',
    r.resources.length > 0 ? `Resources:${q(r.resources)}` : '',
    r.nonResourceURLs.length > 0 ? `NonResourceURLs:${q(r.nonResourceURLs)}` : '',
    r.resourceNames.length > 0 ? `ResourceNames:${q(r.resourceNames)}` : '',
    r.verbs.length > 0 ? `Verbs:${q(r.verbs)}` : '',
  ].filter(Boolean).join(', ')}}`;
  return [...new Set([...rest, ...simple.values()].map(compact))].sort();
}

const forbiddenWrite = (t: ResourceType, name: string, message: string) =>
  new StatusError(status(403, 'Forbidden', `${t.resource}.${RBAC_GROUP}${name ? ` ${JSON.stringify(name)}` : ''} is forbidden: ${message}`, { ...(name ? { name } : {}), group: RBAC_GROUP, kind: t.resource }));

export type EscalationDeps = { rules: RuleResolver; authorizer: Authorizer };

/**
 * A guard for writes of RBAC objects by `user` through a request that addressed `requestName`
 * (empty on create): throws the apiserver's Forbidden when the write would escalate.
 */
export function escalationGuard(deps: EscalationDeps, user: UserInfo, requestName: string): (t: ResourceType, obj: KubeObject) => void {
  const allowed = (verb: string, resource: string, namespace: string, name: string) =>
    deps.authorizer.authorize(user, { verb, resourceRequest: true, path: '', apiGroup: RBAC_GROUP, apiVersion: '*', namespace, resource, subresource: '', name }).allowed;

  const confirmNoEscalation = (t: ResourceType, name: string, namespace: string, rules: PolicyRule[]) => {
    const owner = rulesFor(deps.rules, user, namespace);
    const missing = uncovered(owner.rules, rules);
    if (missing.length === 0) return;
    let message = `user ${JSON.stringify(user.name)} (groups=[${user.groups.map((g) => JSON.stringify(g)).join(' ')}]) is attempting to grant RBAC permissions not currently held:\n${describeMissing(missing).join('\n')}`;
    if (owner.errors.length > 0) message += `; resolution errors: [${owner.errors.join(' ')}]`;
    throw forbiddenWrite(t, name, message);
  };

  return (t, obj) => {
    if (t.group !== RBAC_GROUP || user.groups.includes(SYSTEM_MASTERS)) return;
    const name = obj.metadata.name ?? '';
    const namespace = t.namespaced ? (obj.metadata.namespace ?? '') : '';
    if (t.kind === 'Role' || t.kind === 'ClusterRole') {
      if (allowed('escalate', t.resource, namespace, requestName)) return;
      confirmNoEscalation(t, name, namespace, (Array.isArray(obj.rules) ? obj.rules : []).map(policyRule));
      return;
    }
    const ref = { kind: String(obj.roleRef?.kind ?? ''), name: String(obj.roleRef?.name ?? '') };
    const roleResource = ref.kind === 'Role' ? 'roles' : ref.kind === 'ClusterRole' ? 'clusterroles' : '';
    if (roleResource !== '' && allowed('bind', roleResource, namespace, ref.name)) return;
    const rules = deps.rules.roleRules(ref, namespace);
    if (typeof rules === 'string') throw forbiddenWrite(t, name, rules);
    confirmNoEscalation(t, name, namespace, rules);
  };
}
