// The approver's connection to the relay, as `hkubectl approvals` makes it: the relay from their
// config.yaml, their login as the bearer token (refreshed when due, e.g. with --keep-running).
import { getValidToken } from '../auth/session-token.ts';
import { loadConfig } from '../config/config.ts';
import { resolvePaths } from '../config/paths.ts';
import { createRelayClient, type RelayClient } from '../relay/client/client.ts';

export function approverRelayClient(configDir: string, relayUrl: string, ca?: string): RelayClient {
  const env = { HKUBECTL_CONFIG_DIR: configDir };
  const paths = resolvePaths(env);
  const config = loadConfig(env, paths);
  return createRelayClient({ url: relayUrl, ...(ca ? { ca } : {}), token: async () => (await getValidToken({ config, tokenDir: paths.tokenDir })).token });
}
