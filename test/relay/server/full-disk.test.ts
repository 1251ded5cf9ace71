// The relay on a data disk that fills up (a real 256 KiB tmpfs; mounting needs root, which CI
// has): what it could not log it refuses with 503 and does not act on, its health says the log
// cannot be written, and once space is back it serves again by itself, with an intact chain.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApproveAnswer } from '../../../src/contract/relay-api.ts';
import type { Relay } from '../../../src/relay/server/server.ts';
import { fileStoreReader } from '../../../src/relay/server/store/file-store.ts';
import { startWorld, type World } from '../fixtures.ts';

let world: World;
let disk: string;
let relay: Relay | undefined;
beforeAll(async () => {
  world = await startWorld();
  disk = await mkdtemp(join(world.root, 'small-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', disk]);
});
afterAll(async () => {
  await relay?.stop();
  if (disk) {
    execFileSync('umount', [disk]);
    await rm(disk, { recursive: true, force: true });
  }
  await world?.close();
});

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(`${url}/v1/health`);
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

describe('a relay whose data disk fills up', () => {
  it('refuses with 503 what it cannot log, acts on none of it, reports itself unhealthy, and serves again once space is back', async () => {
    relay = await world.relay({ dataDir: join(disk, 'relay') });
    const agent = world.client(relay, 'agent-7');
    const alice = world.client(relay, 'alice');
    const pending = (await agent.submit({ argv: ['delete', 'pod', 'web-1', '-n', 'prod'], reason: 'wedged', context: 'prod-eu' })) as ApproveAnswer;
    expect(pending.decision).toBe('approve');
    expect(await health(relay.url)).toMatchObject({ status: 200, body: { ok: true } });

    const filler = join(disk, 'filler');
    await writeFile(filler, Buffer.alloc(1024 * 1024)).catch((error: NodeJS.ErrnoException) => expect(error.code).toBe('ENOSPC'));
    // A long justification: the entry is longer than a page, so it cannot fit in the slack of the log's last one.
    const refused = await alice.review(pending.requestId, 'approve', `checked with the on-call team ${'.'.repeat(4000)}`).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 503, code: 'ERR_AUDIT_LOG_WRITE', exitCode: 75, message: expect.stringMatching(/ENOSPC/) });
    expect((await alice.get(pending.requestId)).status).toBe('pending');
    expect(await health(relay.url)).toMatchObject({ status: 503, body: { ok: false, problem: expect.stringMatching(/cannot write the audit log .*ENOSPC/) } });
    const chainWhileFull = await fileStoreReader(relay.dataDir).checkChain();
    expect(chainWhileFull.broken).toBeNull();

    await rm(filler);
    expect(await health(relay.url)).toMatchObject({ status: 200, body: { ok: true } });
    expect((await alice.review(pending.requestId, 'approve', 'checked with the on-call team')).status).toBe('approved');
    const chain = await fileStoreReader(relay.dataDir).checkChain();
    expect(chain).toMatchObject({ broken: null, head: { seq: chainWhileFull.head.seq + 1 } });
  });
});
