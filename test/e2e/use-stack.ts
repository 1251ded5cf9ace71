// The stack as a test file's fixture (stack.ts stays free of vitest: benches use it too).
import { afterAll, beforeAll } from 'vitest';
import { LongRun } from './sessions.ts';
import type { Policy } from '../../src/policy/types.ts';
import { podOf, startStack, type Stack } from './stack.ts';

export type StackForTests = { stack: Stack; /** The first `web` pod in `podIn`. */ pod: string };

/**
 * One stack for the test file that calls this at its top: started before its tests (with the
 * name of a `web` pod, when `podIn` names its namespace), stopped after them, with any LongRun
 * they left behind killed. The fields are set once the stack is up.
 */
export function useStack(options: { podIn?: string; policy?: Policy; gateway?: boolean } = {}): StackForTests {
  const fixture = {} as StackForTests;
  beforeAll(async () => {
    fixture.stack = await startStack({ policy: options.policy, gateway: options.gateway });
    if (options.podIn) fixture.pod = await podOf(fixture.stack, options.podIn, 'web');
  });
  afterAll(async () => {
    LongRun.killAll();
    await fixture.stack?.close();
  });
  return fixture;
}
