// `hkubectl audit verify --data` through the real executable, against a data directory a real
// relay wrote (sessions closed, checkpoints signed), then altered the ways someone covering their
// tracks would: the last lines cut off, the log rewritten with every hash recomputed, the
// checkpoint file removed, a checkpoint forged with another key. Each is caught with exit 78.
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, FlattenedSign, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS, sealEntry, type AuditEntry } from '../../src/contract/audit-chain.ts';
import { CHECKPOINT_TYP, checkpointBytes } from '../../src/contract/checkpoint.ts';
import type { AllowAnswer } from '../../src/contract/relay-api.ts';
import { CHECKPOINTS_FILE } from '../../src/relay/server/store/checkpoint-file.ts';
import { AUDIT_LOG_FILE } from '../../src/relay/server/server.ts';
import { hkubectl } from '../helpers/run.ts';
import { startWorld, type World } from '../relay/fixtures.ts';
import { record } from '../relay/session-fixtures.ts';

let world: World;
let original: string;
let copies = 0;
beforeAll(async () => {
  world = await startWorld();
  original = await world.dataDir();
  const relay = await world.relay({ dataDir: original });
  const agent = world.client(relay, 'agent-7');
  for (const pod of ['a', 'b']) {
    const answer = (await agent.submit({ argv: ['get', 'pods', pod, '-n', 'dev'], reason: 'check' })) as AllowAnswer;
    const cast = record(world.root, answer.sessionId, 500, `kubectl get pods ${pod} -n dev`);
    await agent.closeSession(answer.sessionId, cast.draft, await readFile(cast.path));
  }
  await agent.submit({ argv: ['delete', 'namespace', 'payments'] });
  await relay.stop();
});
afterAll(async () => {
  await world?.close();
});

/** A copy of the relay's data directory to alter. */
async function copy(): Promise<string> {
  const dir = join(world.root, `altered-${(copies += 1)}`);
  await cp(original, dir, { recursive: true });
  await rm(join(dir, 'relay.lock'), { recursive: true, force: true });
  return dir;
}

const logOf = async (dir: string) => (await readFile(join(dir, AUDIT_LOG_FILE), 'utf8')).trim().split('\n');
const verify = (dir: string, ...more: string[]) => hkubectl(['audit', 'verify', '--data', dir, ...more]);
const entryOf = (line: string) => JSON.parse(line) as AuditEntry;

describe('hkubectl audit verify', () => {
  it('passes a log the relay wrote, anchored by the checkpoints it signed at start, at each close and at stop', async () => {
    const lines = await logOf(original);
    const checkpoints = (await readFile(join(original, CHECKPOINTS_FILE), 'utf8')).trim().split('\n');
    const seqs = checkpoints.map((line) => JSON.parse(Buffer.from(JSON.parse(line).payload, 'base64url').toString()).seq as number);
    const closes = lines.map(entryOf).filter((entry) => entry.type === 'session.closed').map((entry) => entry.seq);
    expect(seqs).toEqual(expect.arrayContaining([2, ...closes, lines.length]));
    const result = await verify(original);
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(new RegExp(`${lines.length} entries, chain intact, head #${lines.length} [0-9a-f]{64}, anchored by ${checkpoints.length} signed checkpoints up to #${lines.length}`));
  });

  it('answers in JSON with -o json, with the same exit status: intact, or every finding listed', async () => {
    const good = await verify(original, '-o', 'json');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout.toString())).toMatchObject({ intact: true, findings: [], broken: null, entries: (await logOf(original)).length });
    const dir = await copy();
    const lines = await logOf(dir);
    await writeFile(join(dir, AUDIT_LOG_FILE), `${lines.slice(0, -2).join('\n')}\n`);
    const cut = await verify(dir, '-o', 'json');
    expect(cut.code).toBe(78);
    const body = JSON.parse(cut.stdout.toString());
    expect(body.intact).toBe(false);
    expect(body.findings.length).toBeGreaterThan(0);
  });

  it('catches the last lines cut off the log: shorter than its latest checkpoint, and a manifest past its end', async () => {
    const dir = await copy();
    const lines = await logOf(dir);
    const closed = lines.map(entryOf).filter((entry) => entry.type === 'session.closed').at(-1)!;
    const kept = lines.slice(0, closed.seq - 1);
    await writeFile(join(dir, AUDIT_LOG_FILE), `${kept.join('\n')}\n`);
    const result = await verify(dir);
    expect(result.code).toBe(78);
    const stderr = result.stderr.toString();
    expect(stderr).toMatch(new RegExp(`^hkubectl: .*audit\\.jsonl: the log ends at #${kept.length}, but checkpoint \\d+ \\(signed [^)]+\\) covers up to #${closed.seq}: entries from #${kept.length + 1} on were removed`));
    expect(result.stdout.toString()).toContain(`the manifest of session ${closed.sessionId} names audit entry #${closed.seq}, past the log's end (#${kept.length})`);
  });

  it('catches a log rewritten with every hash recomputed, naming the entry whose hash the relay signed otherwise', async () => {
    const dir = await copy();
    const entries = (await logOf(dir)).map(entryOf);
    // The denied namespace delete becomes a harmless read, and the chain is sealed again from there.
    const denied = entries.find((entry) => entry.type === 'decision' && entry.outcome === 'deny')!;
    let prev = GENESIS;
    const rewritten = entries.map(({ v: _v, seq, ts, prev: _prev, hash: _hash, ...event }) => {
      const changed = seq === denied.seq ? { ...event, outcome: 'allow', command: 'kubectl get pods' } : event;
      const { line, entry } = sealEntry(changed, seq, ts, prev);
      prev = entry.hash;
      return line;
    });
    await writeFile(join(dir, AUDIT_LOG_FILE), `${rewritten.join('\n')}\n`);
    const result = await verify(dir);
    expect(result.code).toBe(78);
    expect(result.stderr.toString()).toMatch(new RegExp(`^hkubectl: .*audit\\.jsonl: entry #${entries.length} is not the entry checkpoint \\d+ \\(signed [^)]+\\) covers: its hash is [0-9a-f]{64}, the checkpoint's ${entries.at(-1)!.hash} — the log was rewritten at or before #${entries.length}`));
  });

  it('catches the checkpoint file removed, and one cut short', async () => {
    const dropped = await copy();
    await rm(join(dropped, CHECKPOINTS_FILE));
    const none = await verify(dropped);
    expect(none.code).toBe(78);
    expect(none.stderr.toString()).toMatch(/^hkubectl: .*audit\.jsonl: the log holds \d+ entries and there is no checkpoint of it in .*checkpoints\.jsonl \(the relay signs one at every start\)/);

    const cut = await copy();
    const lines = (await readFile(join(cut, CHECKPOINTS_FILE), 'utf8')).trim().split('\n');
    await writeFile(join(cut, CHECKPOINTS_FILE), `${lines[0]}\n`);
    const closed = (await logOf(cut)).map(entryOf).filter((entry) => entry.type === 'session.closed').at(-1)!;
    const short = await verify(cut);
    expect(short.code).toBe(78);
    expect(short.stderr.toString()).toMatch(new RegExp(`^hkubectl: .*entry #${closed.seq} \\(session\\.closed\\) is newer than the latest checkpoint \\(#2\\), though the relay signs one at each session\\.closed`));
  });

  it('catches a checkpoint signed with a key the JWKS does not hold, and one whose signature does not verify', async () => {
    const dir = await copy();
    const lines = await logOf(dir);
    const head = entryOf(lines.at(-1)!);
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const forge = async (kid: string) => JSON.stringify(await new FlattenedSign(checkpointBytes({ seq: head.seq + 5, hash: 'f'.repeat(64) }, new Date().toISOString()))
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: CHECKPOINT_TYP }).sign(privateKey));
    const count = (await readFile(join(dir, CHECKPOINTS_FILE), 'utf8')).trim().split('\n').length;
    await writeFile(join(dir, CHECKPOINTS_FILE), `${await readFile(join(dir, CHECKPOINTS_FILE), 'utf8')}${await forge('forger-key')}\n`);
    const unknown = await verify(dir);
    expect(unknown.code).toBe(78);
    expect(unknown.stderr.toString()).toMatch(new RegExp(`^hkubectl: .*audit\\.jsonl: checkpoint ${count + 1} in .*checkpoints\\.jsonl: it is signed by key forger-key, which the relay's JWKS does not hold`));

    // The relay's own kid on a checkpoint it did not sign.
    const signedByRelay = JSON.parse((await readFile(join(original, CHECKPOINTS_FILE), 'utf8')).split('\n')[0]!) as { protected: string };
    const relayKid = (JSON.parse(Buffer.from(signedByRelay.protected, 'base64url').toString()) as { kid: string }).kid;
    const other = await copy();
    await writeFile(join(other, CHECKPOINTS_FILE), `${await readFile(join(other, CHECKPOINTS_FILE), 'utf8')}${await forge(relayKid)}\n`);
    const bad = await verify(other);
    expect(bad.code).toBe(78);
    expect(bad.stderr.toString()).toMatch(new RegExp(`checkpoint ${count + 1} in .*: its signature does not verify with key ${relayKid}`));

    // An auditor's own copy of the JWKS is what counts: keys.json in the data directory can be altered too.
    const jwksFile = join(world.root, 'auditor-jwks.json');
    await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'auditor-other', alg: 'EdDSA' }] }));
    const foreign = await verify(original, '--jwks', jwksFile);
    expect(foreign.code).toBe(78);
    expect(foreign.stderr.toString()).toMatch(new RegExp(`^hkubectl: .*checkpoint 1 in .*: it is signed by key ${relayKid}, which the relay's JWKS does not hold`));
  });
});
