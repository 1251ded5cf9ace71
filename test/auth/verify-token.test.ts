import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, TokenRejectedError } from '../../src/auth/verify-token.ts';
import { TemporaryError } from '../../src/errors.ts';
import { newKey, startTestIssuer } from './fixtures/test-issuer.ts';
import type { TestIssuer } from './fixtures/test-issuer.ts';

let idp: TestIssuer;
let other: TestIssuer;
beforeAll(async () => {
  [idp, other] = await Promise.all([startTestIssuer(), startTestIssuer()]);
});
afterAll(async () => {
  await Promise.all([idp.stop(), other.stop()]);
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (extra: Record<string, unknown> = {}) => ({ sub: 'agent-7', aud: 'hkubectl', email: 'agent-7@bank.example', groups: ['agents'], ...extra });

function verifier(extra: Partial<Parameters<typeof createTokenVerifier>[0]> = {}) {
  return createTokenVerifier({
    issuers: [
      { issuer: idp.issuer, audience: 'hkubectl' },
      { issuer: other.issuer, audience: 'relay', groupsClaim: 'roles', groupsPrefix: 'other:' },
    ],
    ...extra,
  });
}

async function rejection(promise: Promise<unknown>): Promise<TokenRejectedError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TokenRejectedError);
  return error as TokenRejectedError;
}

describe('createTokenVerifier', () => {
  it('accepts a token signed by a trusted issuer and maps its claims to an identity', async () => {
    const identity = await verifier().verify(await idp.sign(claims()));
    expect(identity).toEqual({ subject: 'agent-7', email: 'agent-7@bank.example', groups: ['agents'], issuer: idp.issuer });
  });

  it('trusts several issuers, each with its own audience, groups claim and prefix', async () => {
    const token = await other.sign({ sub: 'svc', aud: 'relay', roles: ['approvers'] });
    expect(await verifier().verify(token)).toMatchObject({ subject: 'svc', groups: ['other:approvers'], issuer: other.issuer });
  });

  it('rejects an expired token and says so', async () => {
    const error = await rejection(verifier().verify(await idp.sign(claims(), { expiresIn: Math.floor(Date.now() / 1000) - 120 })));
    expect(error.reason).toBe('expired');
    expect(error.code).toBe('ERR_TOKEN_EXPIRED');
    expect(error.exitCode).toBe(77);
  });

  it('accepts a token that expired within the clock tolerance (clock skew)', async () => {
    const token = await idp.sign(claims(), { expiresIn: Math.floor(Date.now() / 1000) - 5 });
    await expect(verifier({ clockToleranceSec: 30 }).verify(token)).resolves.toMatchObject({ subject: 'agent-7' });
  });

  it('rejects a token that is not valid yet', async () => {
    const token = await idp.sign(claims({ nbf: Math.floor(Date.now() / 1000) + 600 }));
    expect((await rejection(verifier().verify(token))).reason).toBe('not_yet_valid');
  });

  it('rejects a token issued for another audience', async () => {
    const error = await rejection(verifier().verify(await idp.sign(claims({ aud: 'someone-else' }))));
    expect(error.reason).toBe('wrong_audience');
  });

  it('rejects a token from an issuer it does not trust', async () => {
    const token = await idp.sign(claims({ iss: 'https://evil.example' }));
    expect((await rejection(verifier().verify(token))).reason).toBe('unknown_issuer');
  });

  it('rejects a forged token: right kid, wrong private key', async () => {
    const forger = await newKey();
    const token = await idp.sign(claims(), { key: { ...forger, kid: idp.current.kid } });
    expect((await rejection(verifier().verify(token))).reason).toBe('bad_signature');
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await idp.sign(claims())).split('.');
    const tampered = `${header}.${b64({ ...claims({ groups: ['approvers'] }), iss: idp.issuer, exp: 9_999_999_999 })}.${signature}`;
    expect((await rejection(verifier().verify(tampered))).reason).toBe('bad_signature');
  });

  it('rejects alg "none"', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(), iss: idp.issuer, exp: 9_999_999_999 })}.`;
    const error = await rejection(verifier().verify(token));
    expect(error.reason).toBe('alg_not_allowed');
    expect(error.message).toContain('"none"');
  });

  it('rejects HS256 signed with the public key as secret (algorithm confusion)', async () => {
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: idp.current.kid });
    const payload = b64({ ...claims(), iss: idp.issuer, exp: 9_999_999_999 });
    const secret = JSON.stringify(idp.current.publicJwk);
    const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    expect((await rejection(verifier().verify(`${header}.${payload}.${signature}`))).reason).toBe('alg_not_allowed');
  });

  it('rejects garbage as malformed without echoing it', async () => {
    const error = await rejection(verifier().verify('not-a-jwt-secret-stuff'));
    expect(error.reason).toBe('malformed');
    expect(error.message).not.toContain('secret-stuff');
  });

  it('rejects a token without a subject', async () => {
    const token = await idp.sign({ aud: 'hkubectl' });
    expect((await rejection(verifier().verify(token))).reason).toBe('missing_claim');
  });

  it('follows a JWKS rotation: refetches on an unknown kid, then rejects tokens of the retired key', async () => {
    const v = verifier({ jwksCooldownMs: 0 });
    const oldKey = idp.current;
    await v.verify(await idp.sign(claims()));
    const fetchesBefore = idp.jwksFetches;
    await idp.rotate();
    await expect(v.verify(await idp.sign(claims()))).resolves.toMatchObject({ subject: 'agent-7' });
    expect(idp.jwksFetches).toBe(fetchesBefore + 1);
    const stale = await idp.sign(claims(), { key: oldKey });
    expect((await rejection(v.verify(stale))).reason).toBe('unknown_key');
  });

  it('reuses the cached JWKS for tokens signed with a known key', async () => {
    const v = verifier();
    await v.verify(await idp.sign(claims()));
    const fetches = idp.jwksFetches;
    for (let i = 0; i < 5; i += 1) await v.verify(await idp.sign(claims()));
    expect(idp.jwksFetches).toBe(fetches);
  });

  it('reports an unreachable issuer as temporary, not as a bad token', async () => {
    const gone = await startTestIssuer();
    const token = await gone.sign(claims());
    await gone.stop();
    const v = createTokenVerifier({ issuers: [{ issuer: gone.issuer, audience: 'hkubectl' }] });
    const error = await v.verify(token).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TemporaryError);
    expect((error as TemporaryError).code).toBe('ERR_JWKS_UNAVAILABLE');
  });

  it('only allows the algorithms configured for an issuer', async () => {
    const v = createTokenVerifier({ issuers: [{ issuer: idp.issuer, audience: 'hkubectl', allowedAlgs: ['ES256'] }] });
    expect((await rejection(v.verify(await idp.sign(claims())))).reason).toBe('alg_not_allowed');
  });
});
