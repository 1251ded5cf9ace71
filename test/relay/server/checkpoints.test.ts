// The relay's signed checkpoints of its audit log's head: signed while entries arrive (not only
// at session closes), kept in its store and in the second file relay.yaml names, served to
// auditors, and checkable with any JOSE library against the relay's JWKS.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flattenedVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_TYP, type SignedCheckpoint } from '../../../src/contract/checkpoint.ts';
import { CHECKPOINTS_FILE } from '../../../src/relay/server/store/checkpoint-file.ts';
import { startWorld, type World } from '../fixtures.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const linesOf = async (file: string): Promise<SignedCheckpoint[]> =>
  (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as SignedCheckpoint);

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    const value = await read();
    if (done(value) || tries > 500) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('signed checkpoints', () => {
  it('signs the head while decisions arrive, into the store and the copy, verifiable with the JWKS, and serves them to auditors only', async () => {
    const copy = join(world.root, 'worm', 'hk-checkpoints.jsonl');
    const relay = await world.relay({ checkpointCopy: copy, checkpointEveryMs: 20 });
    await world.client(relay, 'agent-7').submit({ argv: ['get', 'pods', '-n', 'dev'] });
    const head = relay.log!.head();
    const kept = await until(() => linesOf(join(relay.dataDir, CHECKPOINTS_FILE)), (list) => list.some((checkpoint) => checkpoint.payload.length > 0 && payloadOf(checkpoint).seq === head.seq));
    const latest = kept.at(-1)!;
    const jwk = relay.keys.jwks().keys.find((key) => key.kid === relay.keys.kid())!;
    const { payload, protectedHeader } = await flattenedVerify(latest, await importJWK(jwk, 'EdDSA'), { algorithms: ['EdDSA'] });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: relay.keys.kid(), typ: CHECKPOINT_TYP });
    expect(JSON.parse(Buffer.from(payload).toString())).toEqual({ v: 1, seq: head.seq, hash: head.hash, ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    // One checkpoint per head: a quiet relay signs nothing new.
    expect(new Set(kept.map((checkpoint) => payloadOf(checkpoint).seq)).size).toBe(kept.length);

    expect(await until(() => linesOf(copy), (list) => list.length === kept.length)).toEqual(kept);
    expect((await world.client(relay, 'alice').checkpoints()).checkpoints).toEqual(await linesOf(join(relay.dataDir, CHECKPOINTS_FILE)));
    await expect(world.client(relay, 'agent-7').checkpoints()).rejects.toMatchObject({ status: 403, code: 'ERR_NOT_AUDITOR' });
  });
});

function payloadOf(checkpoint: SignedCheckpoint): { seq: number; hash: string } {
  return JSON.parse(Buffer.from(checkpoint.payload, 'base64url').toString()) as { seq: number; hash: string };
}
