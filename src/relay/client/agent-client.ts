// The relay client as the agent's side uses it (governed runs, `hkubectl sync`): the relay from
// config (required), and the agent's login as the bearer token.
import { getValidToken, type ValidToken } from '../../auth/session-token.ts';
import { loadConfig } from '../../config/config.ts';
import { resolvePaths, type HkPaths } from '../../config/paths.ts';
import type { ConfigFlags, HkConfig } from '../../config/schema.ts';
import { ConfigError } from '../../errors.ts';
import { createRelayClient, type RelayClient } from './client.ts';

export type AgentRelay = { client: RelayClient; config: HkConfig; paths: HkPaths };

/** `settings`: the own flags that are also settings (--hk-relay…), laid over env twins and config.yaml. */
export function agentConfig(env: NodeJS.ProcessEnv, settings: ConfigFlags = {}): { config: HkConfig & { relay: string }; paths: HkPaths } {
  const paths = resolvePaths(env);
  const config = loadConfig(env, paths, settings, '--hk-');
  if (!config.relay) {
    throw new ConfigError('ERR_NO_RELAY', 'no policy relay is configured, so commands that reach a cluster cannot run', {
      hint: 'set HKUBECTL_RELAY (or --hk-relay, or "relay: URL" in config.yaml)',
    });
  }
  return { config: config as HkConfig & { relay: string }, paths };
}

/**
 * Reads the login before returning, so a missing or expired one fails here. Later relay calls
 * reuse that token while it is fresh; one made after (closing a session that outlived it) reads
 * the cache again, refreshing when due.
 */
export async function openAgentRelay(loaded: ReturnType<typeof agentConfig>, now: () => number = Date.now): Promise<AgentRelay> {
  const { config, paths } = loaded;
  let held: ValidToken | undefined;
  const token = async (): Promise<string> => {
    if (held === undefined || now() >= held.freshUntil) held = await getValidToken({ config, tokenDir: paths.tokenDir, now });
    return held.token;
  };
  const client = createRelayClient({ url: config.relay, token, ...(config.sources?.relay ? { urlSource: config.sources.relay } : {}) });
  await token();
  return { client, config, paths };
}
