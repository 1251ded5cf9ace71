// A relay brokering a fake cluster (fake-upstream.ts) as a test file's fixture: started before
// the file's tests, stopped after them; the fields are set once it is up.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import type { Relay } from '../../../../src/relay/server/server.ts';
import { startWorld, type World } from '../../fixtures.ts';
import { brokering, startFakeCluster, type FakeCluster } from './fake-upstream.ts';

export type FakeClusterRelay = { world: World; cluster: FakeCluster; relay: Relay };

/** `answer`: how the fake cluster answers (by default an empty PodList). */
export function useFakeClusterRelay(answer?: (req: IncomingMessage, res: ServerResponse) => void): FakeClusterRelay {
  const fixture = {} as FakeClusterRelay;
  beforeAll(async () => {
    fixture.world = await startWorld();
    fixture.cluster = await startFakeCluster(answer);
    fixture.relay = await fixture.world.relay(brokering(fixture.cluster));
  });
  afterAll(async () => {
    await fixture.world?.close();
    await fixture.cluster?.close();
  });
  return fixture;
}
