// Who a request runs as: k8s.io/apiserver/pkg/authentication/user.Info, and the well-known
// names the apiserver gives special meaning to.

export type UserInfo = {
  name: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
};

export const SYSTEM_MASTERS = 'system:masters';
export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';

export const anonymousUser = (): UserInfo => ({ name: ANONYMOUS, uid: '', groups: [ALL_UNAUTHENTICATED], extra: {} });

/**
 * The AuthenticatedGroupAdder: every authenticated user but system:anonymous also gets
 * system:authenticated, unless it already names system:authenticated or system:unauthenticated.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === ANONYMOUS) return user;
  if (user.groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) return user;
  return { ...user, groups: [...user.groups, ALL_AUTHENTICATED] };
}

const SA_PREFIX = 'system:serviceaccount:';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** serviceaccount.SplitUsername: `system:serviceaccount:<ns>:<name>` with valid names, else undefined. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) return undefined;
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) return undefined;
  return { namespace, name };
}

export const serviceAccountUsername = (namespace: string, name: string) => `${SA_PREFIX}${namespace}:${name}`;
export const serviceAccountGroups = (namespace: string) => ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
