// What `hkubectl login` needs from the merged configuration, or a clear word on what is missing.
import type { HkConfig } from '../config/schema.ts';
import { ConfigError } from '../errors.ts';
import type { IdpSettings } from './idp-client.ts';

export type LoginSettings = IdpSettings & { scope: string; audience?: string };

export function loginSettings(config: HkConfig): LoginSettings {
  if (!config.issuer) {
    throw new ConfigError('ERR_NO_ISSUER', 'no identity provider configured', {
      hint: `pass --issuer, set HKUBECTL_ISSUER, or add "issuer:" to ${config.configFile}`,
    });
  }
  if (!config.clientId) {
    throw new ConfigError('ERR_NO_CLIENT_ID', 'no OAuth client id configured', {
      hint: `pass --client-id, set HKUBECTL_CLIENT_ID, or add "client-id:" to ${config.configFile}`,
    });
  }
  const settings: LoginSettings = { issuer: config.issuer, clientId: config.clientId, scope: config.scope };
  if (config.clientSecret) settings.clientSecret = config.clientSecret;
  if (config.audience) settings.audience = config.audience;
  return settings;
}
