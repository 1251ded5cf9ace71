// Token claims → the identity every decision, approval and recording names. Shared by the
// relay's verifier (on verified claims) and the client's `whoami` hint (on its own cached token).

export type Identity = {
  subject: string;
  email?: string;
  groups: string[];
  issuer: string;
};

export type ClaimMapping = {
  /** Claim holding group names; dotted paths reach nested claims (Keycloak's `realm_access.roles`). */
  groupsClaim?: string;
  /** Prepended to every group, so groups from different issuers cannot collide ("bank:"). */
  groupsPrefix?: string;
};

export function identityFromClaims(claims: Record<string, unknown>, mapping: ClaimMapping = {}): Identity {
  const raw = lookup(claims, mapping.groupsClaim ?? 'groups');
  // Some IdPs send a single group as a plain string; anything else non-list means "no groups".
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const groups = list.filter((g): g is string => typeof g === 'string').map((g) => (mapping.groupsPrefix ?? '') + g);
  const identity: Identity = { subject: String(claims.sub ?? ''), groups, issuer: String(claims.iss ?? '') };
  if (typeof claims.email === 'string') identity.email = claims.email;
  return identity;
}

function lookup(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
