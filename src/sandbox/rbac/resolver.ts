// The rule resolver (pkg/registry/rbac/validation/rule.go VisitRulesFor): the rules that apply to
// a user in a namespace are those of every ClusterRoleBinding naming the user, one of its groups
// or its service account, then of every RoleBinding in that namespace that does. A binding whose
// role does not exist grants nothing; its error is reported with a refusal, as the apiserver does.
//
// Bindings are indexed by subject as the store changes, so a decision looks up the user's name
// and groups instead of scanning every binding: 1,000 bindings cost what 10 do.
import type { KubeObject } from '../object.ts';
import type { Change, Store } from '../store.ts';
import type { UserInfo } from '../auth/user.ts';
import { splitServiceAccountUsername } from '../auth/user.ts';
import type { PolicyRule } from './rules.ts';
import { policyRule } from './rules.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export type Subject = { kind: string; name: string; namespace?: string };
export type RoleRef = { kind: string; name: string };
type Binding = { kind: 'ClusterRoleBinding' | 'RoleBinding'; name: string; namespace: string; roleRef: RoleRef; subjects: Subject[]; keys: string[] };

/** Where an allowing rule came from, worded as the apiserver's describers word it. */
export type RuleSource = { binding: Binding; subject: Subject };

export type RuleVisitor = (source: RuleSource | undefined, rule: PolicyRule | undefined, error: string | undefined) => boolean;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function subjectsOf(obj: KubeObject): Subject[] {
  const raw = Array.isArray(obj.subjects) ? obj.subjects : [];
  return raw
    .filter((s: unknown): s is Record<string, unknown> => typeof s === 'object' && s !== null)
    .map((s: Record<string, unknown>) => ({ kind: str(s.kind), name: str(s.name), ...(str(s.namespace) ? { namespace: str(s.namespace) } : {}) }));
}

/** The index keys a subject is found under; a service account without a namespace in a ClusterRoleBinding matches no one. */
function subjectKey(subject: Subject, bindingNamespace: string): string | undefined {
  switch (subject.kind) {
    case 'User': return `User\0${subject.name}`;
    case 'Group': return `Group\0${subject.name}`;
    case 'ServiceAccount': {
      const namespace = subject.namespace ?? bindingNamespace;
      return namespace === '' ? undefined : `ServiceAccount\0${namespace}\0${subject.name}`;
    }
    default: return undefined;
  }
}

function userKeys(user: UserInfo): string[] {
  const keys = [`User\0${user.name}`, ...user.groups.map((g) => `Group\0${g}`)];
  const sa = splitServiceAccountUsername(user.name);
  if (sa) keys.push(`ServiceAccount\0${sa.namespace}\0${sa.name}`);
  return keys;
}

/** rule.go appliesToUser: the first subject of the binding that is this user. */
function appliesTo(user: UserInfo, subjects: Subject[], bindingNamespace: string): Subject | undefined {
  return subjects.find((s) => {
    if (s.kind === 'User') return s.name === user.name;
    if (s.kind === 'Group') return user.groups.includes(s.name);
    if (s.kind === 'ServiceAccount') {
      const namespace = s.namespace ?? bindingNamespace;
      return namespace !== '' && user.name === `system:serviceaccount:${namespace}:${s.name}`;
    }
    return false;
  });
}

const notFound = (resource: string, name: string) => `${resource}.${RBAC_GROUP} "${name}" not found`;

export class RuleResolver {
  private readonly clusterRoles = new Map<string, PolicyRule[]>();
  private readonly roles = new Map<string, PolicyRule[]>(); // `<namespace>/<name>`
  private readonly bindings = new Map<string, Binding>(); // `<kind>/<namespace>/<name>`
  /** subject key → bindings naming it; ClusterRoleBindings under namespace '' */
  private readonly bySubject = new Map<string, Map<string, Map<string, Binding>>>(); // namespace → key → id → binding
  private readonly off: () => void;

  constructor(store: Store) {
    this.off = store.onChange((c) => this.apply(c));
  }

  stop(): void {
    this.off();
  }

  private apply(change: Change): void {
    if (change.resource.group !== RBAC_GROUP) return;
    const obj = change.object;
    const name = obj.metadata.name ?? '';
    const namespace = obj.metadata.namespace ?? '';
    const gone = change.type === 'DELETED';
    switch (change.resource.kind) {
      case 'ClusterRole':
        if (gone) this.clusterRoles.delete(name);
        else this.clusterRoles.set(name, (Array.isArray(obj.rules) ? obj.rules : []).map(policyRule));
        break;
      case 'Role':
        if (gone) this.roles.delete(`${namespace}/${name}`);
        else this.roles.set(`${namespace}/${name}`, (Array.isArray(obj.rules) ? obj.rules : []).map(policyRule));
        break;
      case 'ClusterRoleBinding': case 'RoleBinding': {
        const kind = change.resource.kind;
        const id = `${kind}/${namespace}/${name}`;
        this.unindex(id);
        if (!gone) this.index(id, { kind, name, namespace, roleRef: { kind: str(obj.roleRef?.kind), name: str(obj.roleRef?.name) }, subjects: subjectsOf(obj), keys: [] });
        break;
      }
    }
  }

  private index(id: string, binding: Binding): void {
    const scope = binding.kind === 'ClusterRoleBinding' ? '' : binding.namespace;
    let byKey = this.bySubject.get(scope);
    if (!byKey) this.bySubject.set(scope, (byKey = new Map()));
    for (const subject of binding.subjects) {
      const key = subjectKey(subject, scope);
      if (key === undefined || binding.keys.includes(key)) continue;
      binding.keys.push(key);
      let ids = byKey.get(key);
      if (!ids) byKey.set(key, (ids = new Map()));
      ids.set(id, binding);
    }
    this.bindings.set(id, binding);
  }

  private unindex(id: string): void {
    const old = this.bindings.get(id);
    if (!old) return;
    const byKey = this.bySubject.get(old.kind === 'ClusterRoleBinding' ? '' : old.namespace);
    for (const key of old.keys) {
      const ids = byKey?.get(key);
      ids?.delete(id);
      if (ids?.size === 0) byKey!.delete(key);
    }
    this.bindings.delete(id);
  }

  private candidates(scope: string, user: UserInfo): Binding[] {
    const byKey = this.bySubject.get(scope);
    if (!byKey) return [];
    const found = new Map<string, Binding>();
    for (const key of userKeys(user)) for (const [id, b] of byKey.get(key) ?? []) found.set(id, b);
    return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The rules of the role a binding refers to, or why there are none (GetRoleReferenceRules). */
  roleRules(ref: RoleRef, namespace: string): PolicyRule[] | string {
    if (ref.kind === 'ClusterRole') return this.clusterRoles.get(ref.name) ?? notFound('clusterrole', ref.name);
    if (ref.kind === 'Role') return (namespace !== '' && this.roles.get(`${namespace}/${ref.name}`)) || notFound('role', ref.name);
    return `unsupported role reference kind: "${ref.kind}"`;
  }

  /** Calls `visit` with each rule that applies (or an error), until it returns false. */
  visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): void {
    const scopes: [string, Binding[]][] = [['', this.candidates('', user)]];
    if (namespace !== '') scopes.push([namespace, this.candidates(namespace, user)]);
    for (const [scope, bindings] of scopes) {
      for (const binding of bindings) {
        const subject = appliesTo(user, binding.subjects, scope);
        if (!subject) continue;
        const rules = this.roleRules(binding.roleRef, scope);
        if (typeof rules === 'string') {
          if (!visit(undefined, undefined, rules)) return;
          continue;
        }
        for (const rule of rules) if (!visit({ binding, subject }, rule, undefined)) return;
      }
    }
  }
}

/** RulesFor: every rule that applies to the user in the namespace, and the roles that could not be found. */
export function rulesFor(resolver: RuleResolver, user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  resolver.visitRulesFor(user, namespace, (_source, rule, error) => {
    if (error !== undefined) errors.push(error);
    else if (rule) rules.push(rule);
    return true;
  });
  return { rules, errors };
}

/** clusterRoleBindingDescriber / roleBindingDescriber. */
export function describeSource(source: RuleSource): string {
  const { binding, subject } = source;
  const who = subject.kind === 'ServiceAccount'
    ? `${subject.kind} "${subject.name}/${subject.namespace ?? binding.namespace}"`
    : `${subject.kind} "${subject.name}"`;
  const name = binding.kind === 'RoleBinding' ? `${binding.name}/${binding.namespace}` : binding.name;
  return `${binding.kind} "${name}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${who}`;
}
