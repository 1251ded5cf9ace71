import { describe, expect, it } from 'vitest';
import { chooseBearer } from '../../src/auth/bearer.ts';

const jwt = (payload: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
const idToken = jwt({ aud: 'hkubectl', iat: 1000, exp: 1600 });

describe('chooseBearer', () => {
  it('presents the ID token by default, with its own iat and exp', () => {
    expect(chooseBearer({ idToken, accessToken: 'opaque' }, undefined, 0))
      .toEqual({ kind: 'id_token', token: idToken, issuedAt: 1000, expiresAt: 1600 });
  });

  it('presents a JWT access token issued for the configured audience', () => {
    const accessToken = jwt({ aud: ['https://relay', 'other'], iat: 1000, exp: 1300 });
    expect(chooseBearer({ idToken, accessToken }, 'https://relay', 0)).toMatchObject({ kind: 'access_token', expiresAt: 1300 });
  });

  it('falls back to the ID token when the access token is opaque or for another audience', () => {
    expect(chooseBearer({ idToken, accessToken: 'opaque' }, 'https://relay', 0)?.kind).toBe('id_token');
    expect(chooseBearer({ idToken, accessToken: jwt({ aud: 'elsewhere' }) }, 'https://relay', 0)?.kind).toBe('id_token');
  });

  it('has nothing to present without an ID token or a matching access token', () => {
    expect(chooseBearer({ accessToken: 'opaque' }, undefined, 0)).toBeUndefined();
  });
});
