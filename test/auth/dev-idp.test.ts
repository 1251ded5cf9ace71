import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/auth/dev-idp.ts';
import type { DevIdp } from '../../src/auth/dev-idp.ts';

let idp: DevIdp;
let client: oidc.Configuration;
beforeAll(async () => {
  idp = await startDevIdp({ pollInterval: 0.1 });
  client = await oidc.discovery(new URL(idp.issuer), idp.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
});
afterAll(() => idp.stop());

const start = () => oidc.initiateDeviceAuthorization(client, { scope: 'openid offline_access email groups' });

describe('startDevIdp', () => {
  it('publishes discovery with the device flow, refresh tokens and revocation on 127.0.0.1', () => {
    const metadata = client.serverMetadata();
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(metadata.device_authorization_endpoint).toBe(`${idp.issuer}/device/auth`);
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token']));
    expect(metadata.revocation_endpoint).toBeDefined();
  });

  it.each([
    ['agent-7', ['agents']], ['alice', ['approvers']], ['bob', ['approvers']],
  ])('signs in preset user %s with groups %j and a refresh token', async (username, groups) => {
    const authorization = await start();
    const tokens = oidc.pollDeviceAuthorizationGrant(client, authorization);
    await idp.approveDeviceCode(authorization.user_code, username);
    const result = await tokens;
    expect(result.claims()).toMatchObject({ sub: username, groups, aud: idp.clientId, iss: idp.issuer });
    expect(result.refresh_token).toBeDefined();
  });

  it('refuses a wrong password at the login step', async () => {
    const authorization = await start();
    await expect(idp.approveDeviceCode(authorization.user_code, 'alice', { password: 'guess' }))
      .rejects.toThrow('sign-in as alice was refused');
  });

  it('refuses an unknown user', async () => {
    const authorization = await start();
    await expect(idp.approveDeviceCode(authorization.user_code, 'mallory')).rejects.toThrow('sign-in as mallory was refused');
  });

  it('refuses a user code it never issued', async () => {
    await expect(idp.approveDeviceCode('BCDF-GHJK', 'alice')).rejects.toThrow('the IdP refused user code BCDF-GHJK');
  });

  it('answers access_denied to the polling client after a denial', async () => {
    const authorization = await start();
    const tokens = oidc.pollDeviceAuthorizationGrant(client, authorization).catch((error: unknown) => error);
    await idp.denyDeviceCode(authorization.user_code);
    expect(await tokens).toMatchObject({ error: 'access_denied' });
  });

  it('does not let a user code be confirmed twice', async () => {
    const authorization = await start();
    const tokens = oidc.pollDeviceAuthorizationGrant(client, authorization);
    await idp.approveDeviceCode(authorization.user_code, 'bob');
    await tokens;
    await expect(idp.approveDeviceCode(authorization.user_code, 'alice')).rejects.toThrow('refused user code');
  });
});
