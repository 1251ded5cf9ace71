// The gateway world as a test file's fixture (gateway-world.ts stays free of vitest: benches use
// it too): started before the file's tests, stopped after them. What it returns stands for the
// world once it is up; touching it before then is a mistake in the test, and says so.
import { afterAll, beforeAll } from 'vitest';
import { startGatewayWorld, type GatewayWorld } from './gateway-world.ts';

export function useGatewayWorld(): GatewayWorld {
  let world: GatewayWorld | undefined;
  beforeAll(async () => {
    world = await startGatewayWorld();
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });
  return new Proxy({} as GatewayWorld, {
    get(_, key) {
      if (!world) throw new Error('the gateway world is used before its beforeAll started it');
      const value: unknown = Reflect.get(world, key);
      return typeof value === 'function' ? value.bind(world) : value;
    },
  });
}
