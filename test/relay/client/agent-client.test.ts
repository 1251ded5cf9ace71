// The relay client a governed run uses, against a real relay and a real login (dev IdP).
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllowAnswer } from '../../../src/contract/relay-api.ts';
import { agentConfig, openAgentRelay } from '../../../src/relay/client/agent-client.ts';
import { startWorld, type World } from '../fixtures.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('openAgentRelay', () => {
  it('reuses the login it read while the token is fresh, and reads the token cache again once it is not', async () => {
    const relay = await world.relay();
    // A copy of agent-7's login, so that removing its tokens leaves the other tests' alone.
    const configDir = await mkdtemp(join(world.root, 'agent-copy-'));
    await cp(world.configDirs['agent-7'], configDir, { recursive: true });
    const env = { HKUBECTL_CONFIG_DIR: configDir, HKUBECTL_DATA_DIR: join(configDir, 'data'), HKUBECTL_RELAY: relay.url };
    let clock = Date.now();
    const { client } = await openAgentRelay(agentConfig(env), () => clock);
    try {
      await rm(join(configDir, 'tokens'), { recursive: true });
      const first = await client.submit({ argv: ['get', 'pods', '-n', 'dev'] });
      const second = await client.submit({ argv: ['get', 'pods', '-n', 'dev'] });
      expect([first.decision, second.decision]).toEqual(['allow', 'allow']);
      expect((first as AllowAnswer).sessionId).not.toBe((second as AllowAnswer).sessionId);

      clock += 24 * 3600 * 1000;
      await expect(client.submit({ argv: ['get', 'pods', '-n', 'dev'] })).rejects.toMatchObject({ code: 'ERR_NOT_LOGGED_IN' });
    } finally {
      await client.close();
    }
  });
});
