// Sessions fetched from a real relay (dev IdP tokens, relay on 127.0.0.1) verify like local ones.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorWith } from '../../src/replay/relay-mirror.ts';
import { checkDirectory } from '../../src/replay/verification.ts';
import type { AllowAnswer } from '../../src/contract/relay-api.ts';
import { startWorld, type World } from '../relay/fixtures.ts';
import { record } from '../relay/session-fixtures.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

describe('sessions from a relay', () => {
  it('fetches every closed session with the relay\'s copy of its recording, and reports one it holds no copy of', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const castDir = await mkdtemp(join(world.root, 'casts-'));
    const open = async () => ((await agent.submit({ argv: ['get', 'pods', '-n', 'dev'], reason: 'look' })) as AllowAnswer).sessionId;
    const withCopy = await open();
    const withoutCopy = await open();
    const first = record(castDir, withCopy);
    await agent.uploadCast(withCopy, first.open(), first.draft.cast!.size);
    await agent.closeSession(withCopy, first.draft);
    await agent.closeSession(withoutCopy, record(castDir, withoutCopy).draft);

    const lines: string[] = [];
    const mirrored = await mirrorWith(world.client(relay, 'alice'), undefined, (line) => lines.push(line));
    try {
      const { checks } = await checkDirectory(mirrored.dir, mirrored.jwks);
      expect(Object.fromEntries(checks.map((c) => [c.session, c.status]))).toEqual({ [withCopy]: 'verified', [withoutCopy]: 'missing-recording' });
      expect(lines.at(-1)).toBe(`fetched 2 sessions from ${relay.url}`);
    } finally {
      await mirrored.close();
    }
  });

  it('lets an identity list and fetch the sessions it was recorded running, and nothing else', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const other = world.client(relay, 'bob');
    const castDir = await mkdtemp(join(world.root, 'casts-'));
    const run = async (client: typeof agent) => {
      const id = ((await client.submit({ argv: ['get', 'pods', '-n', 'dev'], reason: 'look' })) as AllowAnswer).sessionId;
      const recorded = record(castDir, id);
      await client.uploadCast(id, recorded.open(), recorded.draft.cast!.size);
      await client.closeSession(id, recorded.draft);
      return id;
    };
    const mine = await run(agent);
    const theirs = await run(other);

    expect((await agent.ownSessions('all')).map((s) => s.sessionId)).toContain(mine);
    expect((await agent.ownSessions('all')).map((s) => s.sessionId)).not.toContain(theirs);
    expect((await other.ownSessions('all')).map((s) => s.sessionId)).toEqual([theirs]);
    // The full list stays for auditors.
    await expect(agent.sessions('all')).rejects.toMatchObject({ status: 403 });
    await expect(agent.sessionManifest(theirs)).rejects.toMatchObject({ status: 403 });

    const mirrored = await mirrorWith(other, undefined, () => {}, true);
    try {
      const { checks } = await checkDirectory(mirrored.dir, mirrored.jwks);
      expect(checks.map((c) => [c.session, c.status])).toEqual([[theirs, 'verified']]);
    } finally {
      await mirrored.close();
    }
  });
});
