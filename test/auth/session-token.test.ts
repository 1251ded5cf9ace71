import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/auth/dev-idp.ts';
import type { DevIdp } from '../../src/auth/dev-idp.ts';
import { getValidToken } from '../../src/auth/session-token.ts';
import { sessionFile } from '../../src/auth/token-cache.ts';
import type { CachedSession } from '../../src/auth/token-cache.ts';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import { ConfigError, TemporaryError } from '../../src/errors.ts';
import { configFor, loginAs } from './fixtures/login.ts';

let idp: DevIdp;
let configDir: string;
let tokenDir: string;
let file: string;
beforeAll(async () => {
  idp = await startDevIdp({ pollInterval: 0.1 });
});
afterAll(() => idp.stop());
beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'hk-session-'));
  tokenDir = join(configDir, 'tokens');
  file = sessionFile(tokenDir, idp.issuer, idp.clientId);
});
afterEach(() => rm(configDir, { recursive: true, force: true }));

const refreshes = () => idp.stats.tokenRequests.refresh_token ?? 0;
const readCache = async (): Promise<CachedSession> => JSON.parse(await readFile(file, 'utf8'));

/** As if time had passed: the cached token (in `path`) now expires in `seconds`. */
async function expireIn(seconds: number, path = file): Promise<CachedSession> {
  const session: CachedSession = JSON.parse(await readFile(path, 'utf8'));
  const shift = Math.floor(Date.now() / 1000) + seconds - session.expiresAt;
  await writeFile(path, JSON.stringify({ ...session, issuedAt: session.issuedAt + shift, expiresAt: session.expiresAt + shift }));
  return session;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(() => { throw new Error('expected a failure'); }, (error: Error) => error);
}

describe('getValidToken', () => {
  it('says "run hkubectl login" with exit 78 when nobody logged in', async () => {
    const error = await failure(getValidToken({ config: configFor(idp, configDir) }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'ERR_NOT_LOGGED_IN', exitCode: 78, message: 'not logged in — run `hkubectl login`' });
  });

  it('returns the cached ID token without contacting the IdP while it is fresh', async () => {
    await loginAs(idp, tokenDir, 'agent-7');
    const before = refreshes();
    const { token, identity } = await getValidToken({ config: configFor(idp, configDir) });
    expect(token).toBe((await readCache()).idToken);
    expect(identity).toMatchObject({ subject: 'agent-7', groups: ['agents'], issuer: idp.issuer, bearer: 'id_token' });
    expect(refreshes()).toBe(before);
  });

  it('finds the last login when no issuer is configured', async () => {
    await loginAs(idp, tokenDir, 'bob');
    const config = configFor(idp, configDir, { issuer: undefined, clientId: undefined });
    expect((await getValidToken({ config })).identity.subject).toBe('bob');
  });

  it('refreshes a token that is about to expire and keeps the cache private', async () => {
    await loginAs(idp, tokenDir, 'agent-7');
    const old = await readCache();
    await expireIn(20);
    const before = refreshes();
    const { token } = await getValidToken({ config: configFor(idp, configDir) });
    expect(refreshes()).toBe(before + 1);
    const fresh = await readCache();
    expect(token).toBe(fresh.idToken);
    expect(fresh.refreshToken).not.toBe(old.refreshToken); // public clients get rotating refresh tokens
    expect(fresh.expiresAt).toBeGreaterThan(Date.now() / 1000 + 60);
    expect((await import('node:fs')).statSync(file).mode & 0o777).toBe(0o600);
  });

  it('says "run hkubectl login" when the refresh token was revoked', async () => {
    await loginAs(idp, tokenDir, 'agent-7');
    const session = await readCache();
    const client = await oidc.discovery(new URL(idp.issuer), idp.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    await oidc.tokenRevocation(client, session.refreshToken!);
    await expireIn(-5);
    const error = await failure(getValidToken({ config: configFor(idp, configDir) }));
    expect(error).toMatchObject({ code: 'ERR_LOGIN_EXPIRED', exitCode: 78 });
    expect((error as ConfigError).hint).toBe('run `hkubectl login`');
  });

  it('exits 75 when the IdP is unreachable and the token has expired', async () => {
    const down = await startDevIdp({ pollInterval: 0.1 });
    await loginAs(down, tokenDir, 'agent-7');
    await down.stop();
    await expireIn(-5, sessionFile(tokenDir, down.issuer, down.clientId));
    const error = await failure(getValidToken({ config: configFor(down, configDir) }));
    expect(error).toBeInstanceOf(TemporaryError);
    expect(error).toMatchObject({ code: 'ERR_IDP_UNREACHABLE', exitCode: 75 });
  });

  it('keeps working on the current token while the IdP is down, if it has not expired yet', async () => {
    const down = await startDevIdp({ pollInterval: 0.1 });
    await loginAs(down, tokenDir, 'agent-7');
    await down.stop();
    const session = await expireIn(20, sessionFile(tokenDir, down.issuer, down.clientId));
    const { token } = await getValidToken({ config: configFor(down, configDir) });
    expect(token).toBe(session.idToken);
  });

  it('refuses a cache file readable by others and says which file and how to fix it', async () => {
    await loginAs(idp, tokenDir, 'agent-7');
    await chmod(file, 0o644);
    const error = await failure(getValidToken({ config: configFor(idp, configDir) }));
    expect(error).toMatchObject({ code: 'ERR_TOKEN_CACHE_INSECURE', exitCode: 78 });
    expect(error.message).toContain(`file ${file} is accessible by other users (mode 644)`);
    expect((error as ConfigError).hint).toContain(`chmod 600 ${file}`);
  });

  it('refuses a cache directory open to others', async () => {
    await loginAs(idp, tokenDir, 'agent-7');
    await chmod(tokenDir, 0o755);
    const error = await failure(getValidToken({ config: configFor(idp, configDir) }));
    expect(error.message).toContain(`directory ${tokenDir} is accessible by other users (mode 755)`);
  });

  it.each([
    ['truncated JSON', (text: string) => text.slice(0, text.length / 2)],
    ['valid JSON of the wrong shape', () => '{"v":1,"issuer":"x"}'],
    ['a future format version', (text: string) => text.replace('"v": 1', '"v": 2')],
  ])('calls a cache with %s corrupted and asks for a new login', async (_, corrupt) => {
    await loginAs(idp, tokenDir, 'agent-7');
    await writeFile(file, corrupt(await readFile(file, 'utf8')));
    const error = await failure(getValidToken({ config: configFor(idp, configDir) }));
    expect(error).toMatchObject({ code: 'ERR_TOKEN_CACHE_CORRUPT', exitCode: 78 });
    expect((error as ConfigError).hint).toContain('hkubectl login');
  });

  it('presents a JWT access token for the configured audience instead of the ID token', async () => {
    const audience = 'https://relay.bank.example';
    await loginAs(idp, tokenDir, 'alice', audience);
    const { token, identity } = await getValidToken({ config: configFor(idp, configDir, { audience }) });
    expect(identity.bearer).toBe('access_token');
    const verifier = createTokenVerifier({ issuers: [{ issuer: idp.issuer, audience }] });
    expect(await verifier.verify(token)).toMatchObject({ subject: 'alice', groups: ['approvers'] });
    await expect(createTokenVerifier({ issuers: [{ issuer: idp.issuer, audience: idp.clientId }] }).verify(token))
      .rejects.toMatchObject({ reason: 'wrong_audience' });
  });
});
