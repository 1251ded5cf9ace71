// The relay client as the approver and audit commands use it: URL from --relay, HKUBECTL_RELAY
// or config.yaml, token from the user's hkubectl login (refreshed when about to expire).
import { getValidToken } from '../../auth/session-token.ts';
import { loadConfig } from '../../config/config.ts';
import { resolvePaths } from '../../config/paths.ts';
import { ConfigError } from '../../errors.ts';
import { createRelayClient, type RelayClient } from './client.ts';

export function relayClientFor(flags: { relay?: string }, env: NodeJS.ProcessEnv): RelayClient {
  const paths = resolvePaths(env);
  const config = loadConfig(env, paths, { relay: flags.relay });
  if (!config.relay) {
    throw new ConfigError('ERR_NO_RELAY', 'no policy relay is configured', { hint: 'pass --relay URL, set HKUBECTL_RELAY, or add "relay: URL" to config.yaml' });
  }
  return createRelayClient({
    url: config.relay,
    ...(config.sources?.relay ? { urlSource: config.sources.relay } : {}),
    // Per call: a watching inbox outlives its token, and getValidToken refreshes it.
    token: async () => (await getValidToken({ config, tokenDir: paths.tokenDir })).token,
  });
}
