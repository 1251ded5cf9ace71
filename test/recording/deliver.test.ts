// Delivering a finished session to a real relay on 127.0.0.1 (dev IdP tokens): the .cast goes
// inside the close request when small, uploaded first when large, and not at all when the relay
// caps it lower; a relay that is down leaves the draft spooled and the manifest unsigned.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverSession } from '../../src/recording/deliver.ts';
import { manifestFileName } from '../../src/contract/manifest.ts';
import type { SpoolEntry } from '../../src/recording/spool.ts';
import { AUDIT_LOG_FILE, type Relay } from '../../src/relay/server/server.ts';
import { INLINE_CAST_MAX_BYTES, type AllowAnswer } from '../../src/contract/relay-api.ts';
import { closedPort } from '../helpers/ports.ts';
import { startWorld, type World } from '../relay/fixtures.ts';
import { record } from '../relay/session-fixtures.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

/** A session the relay allowed, recorded with about `outputBytes` of output, ready to deliver. */
async function finished(relay: Relay, outputBytes: number): Promise<{ entry: SpoolEntry; spoolDir: string }> {
  const answer = await world.client(relay, 'agent-7').submit({ argv: ['get', 'pods', '-n', 'dev'] }) as AllowAnswer;
  const dir = await mkdtemp(join(world.root, 'deliver-'));
  const cast = record(dir, answer.sessionId, outputBytes);
  return {
    entry: { hk: 1, draft: cast.draft, castPath: cast.path, manifestPath: join(dir, manifestFileName(answer.sessionId)) },
    spoolDir: join(dir, 'spool'),
  };
}

const requestsOf = async (relay: Relay) =>
  (await readFile(join(relay.dataDir, AUDIT_LOG_FILE), 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as { type: string }).type);

describe('delivering a session', () => {
  it('closes with a small recording inside the close request: relay copy kept, manifest signed, spool empty', async () => {
    const relay = await world.relay();
    const { entry, spoolDir } = await finished(relay, 2_000);
    expect(entry.draft.cast!.size).toBeLessThanOrEqual(INLINE_CAST_MAX_BYTES);
    const delivery = await deliverSession(world.client(relay, 'agent-7'), entry, spoolDir);
    expect(delivery).toMatchObject({ state: 'signed', relayCopy: true, alreadyClosed: false });
    expect(JSON.parse(await readFile(entry.manifestPath, 'utf8'))).toHaveProperty('signature');
    expect(await readdir(spoolDir)).toEqual([]);
    expect((await requestsOf(relay)).slice(-2)).toEqual(['session.cast', 'session.closed']);
  });

  it('uploads a recording too large to go inline before closing', async () => {
    const relay = await world.relay();
    const { entry, spoolDir } = await finished(relay, 200 * 1024);
    expect(entry.draft.cast!.size).toBeGreaterThan(INLINE_CAST_MAX_BYTES);
    expect(await deliverSession(world.client(relay, 'agent-7'), entry, spoolDir)).toMatchObject({ state: 'signed', relayCopy: true });
  });

  it('closes without a relay copy when the relay takes smaller recordings than this one', async () => {
    const relay = await world.relay({ maxCastBytes: 1024 });
    const { entry, spoolDir } = await finished(relay, 4_000);
    expect(await deliverSession(world.client(relay, 'agent-7'), entry, spoolDir)).toMatchObject({ state: 'signed', relayCopy: false });
    expect((await requestsOf(relay)).at(-1)).toBe('session.closed');
  });

  it('leaves the draft in the spool, unclaimed, and the manifest unsigned when the relay is down', async () => {
    const relay = await world.relay();
    const { entry, spoolDir } = await finished(relay, 2_000);
    const down = world.client(`http://127.0.0.1:${await closedPort()}`, 'agent-7');
    expect(await deliverSession(down, entry, spoolDir)).toMatchObject({ state: 'pending', reason: expect.stringMatching(/connection refused/) });
    expect(await readdir(spoolDir)).toEqual([`${entry.draft.session}.json`]);
    expect(JSON.parse(await readFile(entry.manifestPath, 'utf8'))).toMatchObject({ unsigned: true, draft: entry.draft });
  });
});
