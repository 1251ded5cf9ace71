import { describe, expect, it } from 'vitest';
import { identityFromClaims } from '../../src/auth/identity.ts';

const base = { sub: 'agent-7', iss: 'https://idp.bank.example' };

describe('identityFromClaims', () => {
  it('maps sub, email, groups and iss', () => {
    expect(identityFromClaims({ ...base, email: 'a@b.example', groups: ['agents'] }))
      .toEqual({ subject: 'agent-7', email: 'a@b.example', groups: ['agents'], issuer: 'https://idp.bank.example' });
  });

  it('reads groups from a configured, possibly nested, claim and prefixes them', () => {
    const claims = { ...base, realm_access: { roles: ['approvers', 'ops'] } };
    expect(identityFromClaims(claims, { groupsClaim: 'realm_access.roles', groupsPrefix: 'kc:' }).groups)
      .toEqual(['kc:approvers', 'kc:ops']);
  });

  it('accepts a single group given as a string and drops non-string entries', () => {
    expect(identityFromClaims({ ...base, groups: 'agents' }).groups).toEqual(['agents']);
    expect(identityFromClaims({ ...base, groups: ['a', 7, null, 'b'] }).groups).toEqual(['a', 'b']);
  });

  it('has no groups and no email when the token carries none', () => {
    const identity = identityFromClaims(base);
    expect(identity.groups).toEqual([]);
    expect('email' in identity).toBe(false);
  });
});
