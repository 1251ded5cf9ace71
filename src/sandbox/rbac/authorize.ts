// The decision on one request: system:masters may do anything (the apiserver's privileged-group
// authorizer, ahead of RBAC); otherwise RBAC allows when some applicable rule matches, and the
// default is no. A refusal is the apiserver's Forbidden Status, word for word
// (endpoints/handlers/responsewriters/errors.go forbiddenMessage and apierrors.NewForbidden),
// with RBAC's reason (the roles it could not find) after a colon.
import type { Status } from '../status.ts';
import { status } from '../status.ts';
import type { UserInfo } from '../auth/user.ts';
import { SYSTEM_MASTERS } from '../auth/user.ts';
import type { RuleResolver } from './resolver.ts';
import { describeSource } from './resolver.ts';
import type { Attributes } from './rules.ts';
import { ruleAllows } from './rules.ts';

export type Decision = { allowed: boolean; reason: string };

/** utilerrors.NewAggregate(...).Error(): one message, or several in brackets, duplicates once. */
function aggregate(errors: string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

export class Authorizer {
  constructor(private readonly rules: RuleResolver) {}

  authorize(user: UserInfo, a: Attributes): Decision {
    if (user.groups.includes(SYSTEM_MASTERS)) return { allowed: true, reason: '' };
    let reason = '';
    let allowed = false;
    const errors: string[] = [];
    this.rules.visitRulesFor(user, a.namespace, (source, rule, error) => {
      if (error !== undefined) errors.push(error);
      else if (rule && source && ruleAllows(a, rule)) {
        allowed = true;
        reason = `RBAC: allowed by ${describeSource(source)}`;
        return false;
      }
      return true;
    });
    if (allowed) return { allowed, reason };
    return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregate(errors)}` : '' };
  }
}

// The apiserver keeps refusals from looking like HTML.
const sanitize = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function forbiddenMessage(user: UserInfo, a: Attributes): string {
  const who = JSON.stringify(user.name);
  if (!a.resourceRequest) return `User ${who} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource === '' ? a.resource : `${a.resource}/${a.subresource}`;
  const where = a.namespace === '' ? 'at the cluster scope' : `in the namespace ${JSON.stringify(a.namespace)}`;
  return `User ${who} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${where}`;
}

export function forbidden(user: UserInfo, a: Attributes, reason: string): Status {
  const message = sanitize(forbiddenMessage(user, a));
  const err = reason === '' ? message : `${message}: ${reason}`;
  const resource = a.resourceRequest ? a.resource : '';
  const qualified = a.apiGroup === '' ? resource : `${resource}.${a.apiGroup}`;
  const text = resource === '' && a.apiGroup === '' ? `forbidden: ${err}` : a.name === '' ? `${qualified} is forbidden: ${err}` : `${qualified} ${JSON.stringify(a.name)} is forbidden: ${err}`;
  const details: Status['details'] = {
    ...(a.name ? { name: a.name } : {}),
    ...(a.apiGroup ? { group: a.apiGroup } : {}),
    ...(resource ? { kind: resource } : {}),
  };
  return status(403, 'Forbidden', text, details);
}
