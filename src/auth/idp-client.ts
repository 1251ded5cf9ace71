// openid-client configuration for one issuer+client: by discovery at login, from the cached
// endpoints afterwards. Plain http is only accepted on loopback (the dev IdP); a bank's IdP is
// always reached over TLS.
import * as oidc from 'openid-client';
import { ConfigError } from '../errors.ts';
import { idpError } from './idp-errors.ts';
import type { CachedSession } from './token-cache.ts';

export type IdpSettings = { issuer: string; clientId: string; clientSecret?: string };

export async function discover(settings: IdpSettings, fetchImpl?: typeof fetch): Promise<oidc.Configuration> {
  const url = issuerUrl(settings.issuer);
  try {
    return await oidc.discovery(url, settings.clientId, undefined, clientAuth(settings), {
      execute: isInsecureAllowed(url) ? [oidc.allowInsecureRequests] : [],
      ...(fetchImpl ? { [oidc.customFetch]: fetchImpl as oidc.CustomFetch } : {}),
      timeout: 15,
    });
  } catch (error) {
    throw idpError(error, settings.issuer, 'discovery');
  }
}

/** A configuration from what login remembered, without a network round trip. */
export function fromCache(session: CachedSession, clientSecret: string | undefined, fetchImpl?: typeof fetch): oidc.Configuration {
  const config = new oidc.Configuration(
    session.server as oidc.ServerMetadata, session.clientId, undefined,
    clientAuth({ issuer: session.issuer, clientId: session.clientId, clientSecret }),
  );
  if (isInsecureAllowed(issuerUrl(session.issuer))) oidc.allowInsecureRequests(config);
  if (fetchImpl) config[oidc.customFetch] = fetchImpl as oidc.CustomFetch;
  config.timeout = 15;
  return config;
}

function clientAuth(settings: IdpSettings): oidc.ClientAuth {
  return settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None();
}

function issuerUrl(issuer: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError('ERR_ISSUER_INVALID', `the issuer ${JSON.stringify(issuer)} is not a URL`);
  }
  if (url.protocol !== 'https:' && !isInsecureAllowed(url)) {
    throw new ConfigError('ERR_ISSUER_INSECURE', `the issuer ${issuer} must use https (plain http is allowed on loopback only)`);
  }
  return url;
}

function isInsecureAllowed(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
