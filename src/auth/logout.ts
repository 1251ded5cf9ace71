// Sign out: revoke the refresh token at the IdP where it offers revocation (RFC 7009), then
// forget the cached session. The local removal happens even when the IdP cannot be reached,
// and the result says so, because an unrevoked refresh token stays usable until it expires.
import * as oidc from 'openid-client';
import type { HkConfig } from '../config/schema.ts';
import { fromCache } from './idp-client.ts';
import { idpError } from './idp-errors.ts';
import { locateSession, tokenDirOf } from './session.ts';
import { currentLoginFile, readCurrentLogin, readSession, removeFile } from './token-cache.ts';

export type LogoutResult = {
  issuer: string;
  removed: boolean;
  revoked: 'yes' | 'not supported' | 'nothing to revoke' | `failed: ${string}`;
};

export async function logout(options: { config: HkConfig; tokenDir?: string; fetch?: typeof fetch }): Promise<LogoutResult> {
  const tokenDir = tokenDirOf(options.config, options.tokenDir);
  const { file, issuer, clientId } = await locateSession(options.config, tokenDir);
  const session = await readSession(file).catch(() => undefined); // a corrupt cache is removed all the same
  let revoked: LogoutResult['revoked'] = 'nothing to revoke';
  if (session && !session.server.revocation_endpoint) revoked = 'not supported';
  else if (session) {
    try {
      const client = fromCache(session, options.config.clientSecret, options.fetch);
      const token = session.refreshToken ?? session.accessToken;
      await oidc.tokenRevocation(client, token, { token_type_hint: session.refreshToken ? 'refresh_token' : 'access_token' });
      revoked = 'yes';
    } catch (error) {
      revoked = `failed: ${idpError(error, issuer, 'revocation').message}`;
    }
  }
  const removed = await removeFile(file);
  const current = await readCurrentLogin(tokenDir).catch(() => undefined);
  if (current?.issuer === issuer && current.clientId === clientId) await removeFile(currentLoginFile(tokenDir));
  return { issuer, removed, revoked };
}
