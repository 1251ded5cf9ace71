// The self reviews, so that `kubectl auth can-i`, `auth can-i --list` and `auth whoami` work as
// the caller (or whoever `--as` names): SelfSubjectAccessReview asks the authorizer about one
// request, SelfSubjectRulesReview lists the RBAC rules that apply in a namespace, and
// SelfSubjectReview says who the server thinks you are. Nothing is stored.
import type { UserInfo } from './auth/user.ts';
import { isPlainObject } from './object.ts';
import type { Authorizer } from './rbac/authorize.ts';
import type { RuleResolver } from './rbac/resolver.ts';
import type { Attributes, PolicyRule } from './rbac/rules.ts';
import type { ResourceType } from './resources.ts';
import { groupVersion } from './resources.ts';
import { StatusError, badRequest, status } from './status.ts';

export type ReviewDeps = { authorizer: Authorizer; rules: RuleResolver };

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const some = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => !(Array.isArray(v) ? v.length === 0 : v === '' || v === undefined))) as Partial<T>;

function invalid(t: ResourceType, field: string, detail: string): StatusError {
  return new StatusError(status(422, 'Invalid', `${t.kind}.${t.group} "" is invalid: ${field}: ${detail}`, { group: t.group, kind: t.kind, causes: [{ reason: 'FieldValueInvalid', message: detail, field }] }));
}

function accessReview(t: ResourceType, spec: Record<string, unknown>, user: UserInfo, deps: ReviewDeps) {
  const resource = isPlainObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nonResource = isPlainObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (resource && nonResource) throw invalid(t, 'spec.nonResourceAttributes', `Invalid value: ${JSON.stringify(nonResource)}: cannot be specified in combination with resourceAttributes`);
  if (!resource && !nonResource) throw invalid(t, 'spec.resourceAttributes', 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const a: Attributes = resource
    ? { verb: str(resource.verb), resourceRequest: true, path: '', apiGroup: str(resource.group), apiVersion: str(resource.version), namespace: str(resource.namespace), resource: str(resource.resource), subresource: str(resource.subresource), name: str(resource.name) }
    : { verb: str(nonResource!.verb), resourceRequest: false, path: str(nonResource!.path), apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '' };
  const decision = deps.authorizer.authorize(user, a);
  return { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
}

function rulesReview(spec: Record<string, unknown>, user: UserInfo, deps: ReviewDeps) {
  const resourceRules: Partial<PolicyRule>[] = [];
  const nonResourceRules: Partial<PolicyRule>[] = [];
  const errors: string[] = [];
  deps.rules.visitRulesFor(user, str(spec.namespace), (_source, rule, error) => {
    if (error !== undefined) errors.push(error);
    else if (rule) {
      if (rule.resources.length > 0) resourceRules.push(some({ verbs: rule.verbs, apiGroups: rule.apiGroups, resources: rule.resources, resourceNames: rule.resourceNames }));
      if (rule.nonResourceURLs.length > 0) nonResourceRules.push(some({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs }));
    }
    return true;
  });
  return {
    resourceRules, nonResourceRules, incomplete: errors.length > 0,
    ...(errors.length > 0 ? { evaluationError: errors.length === 1 ? errors[0] : `[${[...new Set(errors)].join(', ')}]` } : {}),
  };
}

/** The response to a POST of a review of kind `t`, evaluated for `user`. */
export function review(t: ResourceType, body: unknown, user: UserInfo, deps: ReviewDeps): Record<string, unknown> {
  if (!isPlainObject(body)) throw badRequest(`the body of the request was not a ${t.kind} object`);
  const spec = isPlainObject(body.spec) ? body.spec : {};
  const base = { kind: t.kind, apiVersion: groupVersion(t), metadata: { creationTimestamp: null } };
  switch (t.kind) {
    case 'SelfSubjectAccessReview':
      return { ...base, spec, status: accessReview(t, spec, user, deps) };
    case 'SelfSubjectRulesReview':
      return { ...base, spec, status: rulesReview(spec, user, deps) };
    case 'SelfSubjectReview':
      return { ...base, status: { userInfo: some({ username: user.name, uid: user.uid, groups: user.groups, ...(Object.keys(user.extra).length > 0 ? { extra: user.extra } : {}) }) } };
    default:
      throw badRequest(`${t.kind} is not a review`);
  }
}
