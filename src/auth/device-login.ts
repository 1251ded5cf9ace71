// RFC 8628 device authorization grant: the one step where a person signs the agent in.
// openid-client does the polling, honouring `interval` and adding 5 s on each `slow_down`.
import * as oidc from 'openid-client';
import { ConfigError } from '../errors.ts';
import { discover } from './idp-client.ts';
import type { IdpSettings } from './idp-client.ts';
import { deviceCodeExpired, idpError } from './idp-errors.ts';
import { identityOf, sessionFromTokens } from './session.ts';
import type { SessionIdentity } from './session.ts';
import { currentLoginFile, sessionFile, writePrivateJson } from './token-cache.ts';
import type { CurrentLogin } from './token-cache.ts';

export type DevicePrompt = {
  verificationUri: string;
  verificationUriComplete?: string;
  userCode: string;
  /** Seconds the code stays valid. */
  expiresIn: number;
};

export type LoginOptions = {
  settings: IdpSettings & { scope: string; audience?: string };
  tokenDir: string;
  /** Show the code to whoever will confirm it; called once, before polling starts. */
  onPrompt: (prompt: DevicePrompt) => void;
  fetch?: typeof fetch;
  now?: () => number;
  signal?: AbortSignal;
};

export async function deviceLogin(options: LoginOptions): Promise<SessionIdentity> {
  const { settings } = options;
  const now = options.now ?? Date.now;
  const client = await discover(settings, options.fetch);
  const server = client.serverMetadata();
  if (!server.device_authorization_endpoint) {
    throw new ConfigError('ERR_DEVICE_FLOW_UNSUPPORTED', `the identity provider at ${settings.issuer} does not offer the device authorization grant`);
  }
  const resource: Record<string, string> = settings.audience ? { resource: settings.audience } : {};
  let authorization;
  try {
    authorization = await oidc.initiateDeviceAuthorization(client, { scope: settings.scope, ...resource });
  } catch (error) {
    throw idpError(error, settings.issuer, 'device authorization');
  }
  options.onPrompt({
    verificationUri: authorization.verification_uri,
    ...(authorization.verification_uri_complete ? { verificationUriComplete: authorization.verification_uri_complete } : {}),
    userCode: authorization.user_code,
    expiresIn: authorization.expires_in,
  });
  const deadline = now() + authorization.expires_in * 1000;
  let tokens;
  try {
    tokens = await oidc.pollDeviceAuthorizationGrant(client, authorization, resource, options.signal ? { signal: options.signal } : undefined);
  } catch (error) {
    // openid-client stops polling at the end of the code's lifetime by timing out rather than
    // with the IdP's expired_token; to the person at the terminal both mean the same.
    const timedOut = (error as { code?: string }).code === 'OAUTH_TIMEOUT' && now() >= deadline - 1000;
    throw timedOut ? deviceCodeExpired(error) : idpError(error, settings.issuer, 'device login');
  }
  const session = sessionFromTokens(tokens, {
    issuer: settings.issuer,
    clientId: settings.clientId,
    scope: settings.scope,
    ...(settings.audience ? { audience: settings.audience } : {}),
    server: {
      issuer: server.issuer,
      token_endpoint: server.token_endpoint!,
      ...(server.revocation_endpoint ? { revocation_endpoint: server.revocation_endpoint } : {}),
    },
  }, now());
  await writePrivateJson(sessionFile(options.tokenDir, settings.issuer, settings.clientId), session);
  const current: CurrentLogin = { v: 1, issuer: settings.issuer, clientId: settings.clientId };
  await writePrivateJson(currentLoginFile(options.tokenDir), current);
  return identityOf(session);
}
