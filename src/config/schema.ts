// The one list of hkubectl settings. Each comes from config.yaml (`key`), an env twin (`env`)
// or a command-line flag of the same name as `key`; flags beat env, env beats the file.
// To add a setting, add an entry here: validation, env lookup and typing follow from it.

export type SettingKind = 'string' | 'url' | 'path' | 'duration';

export type SettingSpec = {
  /** Name in config.yaml and, prefixed with --, on the command line. */
  key: string;
  env: string;
  kind: SettingKind;
  help: string;
  default?: string;
};

export const configSchema = {
  issuer: { key: 'issuer', env: 'HKUBECTL_ISSUER', kind: 'url', help: 'OIDC issuer URL of the identity provider' },
  clientId: { key: 'client-id', env: 'HKUBECTL_CLIENT_ID', kind: 'string', help: 'OAuth client id registered for hkubectl at the identity provider' },
  clientSecret: { key: 'client-secret', env: 'HKUBECTL_CLIENT_SECRET', kind: 'string', help: 'client secret, only for confidential clients (public clients need none)' },
  scope: { key: 'scope', env: 'HKUBECTL_SCOPE', kind: 'string', help: 'space-separated scopes to request', default: 'openid offline_access email groups' },
  audience: { key: 'audience', env: 'HKUBECTL_AUDIENCE', kind: 'string', help: 'resource indicator (RFC 8707) for a JWT access token to present instead of the ID token' },
  relay: { key: 'relay', env: 'HKUBECTL_RELAY', kind: 'url', help: 'URL of the policy relay' },
  recordings: { key: 'recordings', env: 'HKUBECTL_RECORDINGS', kind: 'path', help: 'directory for session recordings' },
  wait: { key: 'wait', env: 'HKUBECTL_WAIT', kind: 'duration', help: 'how long to wait for an approval, e.g. 5m' },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof configSchema;

type ValueOfKind<K extends SettingKind> = K extends 'duration' ? number : string;

export type HkConfig = {
  [P in SettingName]: ValueOfKind<(typeof configSchema)[P]['kind']> | undefined;
} & {
  scope: string;
  /** The config.yaml that was read, or would have been. */
  configFile: string;
  /** Where each value came from, as the user would name it: `--hk-relay`, `HKUBECTL_RELAY`, `relay in /…/config.yaml`. */
  sources?: Partial<Record<SettingName, string>>;
};

/** Flag values as commander hands them over, keyed by setting name. */
export type ConfigFlags = Partial<Record<SettingName, string | undefined>>;
