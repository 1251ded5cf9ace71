// A relay world (dev IdP, people signed in, one relay) as a test file's fixture, with the
// environment each person runs hkubectl in (fixtures.ts stays free of vitest: benches use it too).
import { afterAll, beforeAll } from 'vitest';
import type { Relay } from '../../src/relay/server/server.ts';
import { startWorld, type Person, type World } from './fixtures.ts';

export type WorldForTests = {
  world: World;
  relay: Relay;
  /** hkubectl's environment as `person`: their login, the relay, a terminal that takes colour. */
  envFor(person: Person): NodeJS.ProcessEnv;
};

/** Started before the file's tests, closed after them; the fields are set once it is up. */
export function useRelayWorld(): WorldForTests {
  const fixture = {
    envFor: (person: Person): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH, HOME: fixture.world.configDirs[person], HKUBECTL_CONFIG_DIR: fixture.world.configDirs[person],
      HKUBECTL_RELAY: fixture.relay.url, TERM: 'xterm-256color',
    }),
  } as WorldForTests;
  beforeAll(async () => {
    fixture.world = await startWorld();
    fixture.relay = await fixture.world.relay();
  });
  afterAll(async () => {
    await fixture.world?.close();
  });
  return fixture;
}
