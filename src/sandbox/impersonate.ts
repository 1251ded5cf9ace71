// Impersonation headers as the apiserver's WithImpersonation filter reads them (v1.32):
// Impersonate-User (a `system:serviceaccount:<ns>:<name>` user is the service account),
// Impersonate-Group (repeatable), Impersonate-Extra-<key> and Impersonate-Uid. The caller needs
// the `impersonate` verb on each thing asked for — users, groups, serviceaccounts (in their
// namespace), userextras/<key> and uids (group authentication.k8s.io) — checked one by one; the
// first refusal is a 403 naming it. Groups, extras or a uid without a user are refused before
// any check, with the apiserver's plain-text 500. The impersonated user gets
// system:authenticated unless a group says otherwise; no group is inherited from the caller.
import type { Attributes } from './rbac/rules.ts';
import type { UserInfo } from './auth/user.ts';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS, serviceAccountGroups, serviceAccountUsername, splitServiceAccountUsername } from './auth/user.ts';

export type ImpersonationHeaders = Record<string, string[] | undefined>;

type Request = { kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra' | 'UID'; namespace: string; name: string; apiVersion: string; fieldPath: string };

export type Impersonation =
  | { kind: 'none' }
  | { kind: 'as'; user: UserInfo }
  | { kind: 'forbidden'; attributes: Attributes; reason: string }
  | { kind: 'invalid'; message: string };

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';

function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Go's %v of a v1.ObjectReference, for the error text the apiserver returns. */
const goStruct = (r: Request) => `{${[r.kind, r.namespace, r.name, '', r.apiVersion, '', r.fieldPath].join(' ')}}`;

function requestsFrom(headers: ImpersonationHeaders): Request[] | { error: string } {
  const requests: Request[] = [];
  const requestedUser = headers[USER]?.[0] ?? '';
  const hasUser = requestedUser !== '';
  if (hasUser) {
    const sa = splitServiceAccountUsername(requestedUser);
    requests.push(sa ? { kind: 'ServiceAccount', namespace: sa.namespace, name: sa.name, apiVersion: '', fieldPath: '' } : { kind: 'User', namespace: '', name: requestedUser, apiVersion: '', fieldPath: '' });
  }
  const groups = headers[GROUP] ?? [];
  for (const group of groups) requests.push({ kind: 'Group', namespace: '', name: group, apiVersion: '', fieldPath: '' });
  let hasExtra = false;
  for (const header of Object.keys(headers).filter((h) => h.startsWith(EXTRA_PREFIX)).sort()) {
    hasExtra = true;
    const key = unescapeExtraKey(header.slice(EXTRA_PREFIX.length).toLowerCase());
    for (const value of headers[header] ?? []) requests.push({ kind: 'UserExtra', namespace: '', name: value, apiVersion: 'authentication.k8s.io/v1', fieldPath: key });
  }
  const uid = headers[UID]?.[0] ?? '';
  if (uid !== '') requests.push({ kind: 'UID', namespace: '', name: uid, apiVersion: 'authentication.k8s.io/v1', fieldPath: '' });
  if ((groups.length > 0 || hasExtra || uid !== '') && !hasUser) {
    return { error: `requested [${requests.map(goStruct).join(' ')}] without impersonating a user` };
  }
  return requests;
}

export function impersonate(requestor: UserInfo, headers: ImpersonationHeaders, allowed: (user: UserInfo, a: Attributes) => { allowed: boolean; reason: string }): Impersonation {
  const requests = requestsFrom(headers);
  if (!Array.isArray(requests)) return { kind: 'invalid', message: requests.error };
  if (requests.length === 0) return { kind: 'none' };
  const groupsSpecified = (headers[GROUP] ?? []).length > 0;
  let username = '';
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  let uid = '';
  for (const r of requests) {
    const attributes: Attributes = {
      verb: 'impersonate', resourceRequest: true, path: '',
      apiGroup: r.apiVersion === '' ? '' : 'authentication.k8s.io', apiVersion: r.apiVersion === '' ? '' : 'v1',
      namespace: r.namespace, resource: '', subresource: '', name: r.name,
    };
    switch (r.kind) {
      case 'ServiceAccount':
        attributes.resource = 'serviceaccounts';
        username = serviceAccountUsername(r.namespace, r.name);
        if (!groupsSpecified) groups = serviceAccountGroups(r.namespace);
        break;
      case 'User':
        attributes.resource = 'users';
        username = r.name;
        break;
      case 'Group':
        attributes.resource = 'groups';
        groups.push(r.name);
        break;
      case 'UserExtra':
        attributes.resource = 'userextras';
        attributes.subresource = r.fieldPath;
        (extra[r.fieldPath] ??= []).push(r.name);
        break;
      case 'UID':
        attributes.resource = 'uids';
        uid = r.name;
        break;
    }
    const decision = allowed(requestor, attributes);
    if (!decision.allowed) return { kind: 'forbidden', attributes, reason: decision.reason };
  }
  if (username !== ANONYMOUS) {
    if (!groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) groups.push(ALL_UNAUTHENTICATED);
  return { kind: 'as', user: { name: username, uid, groups, extra } };
}
