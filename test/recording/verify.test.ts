// The verifier against manifests the real relay signed (real dev IdP tokens, 127.0.0.1).
import { copyFile, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestVersionError, parseManifestDocument } from '../../src/contract/manifest.ts';
import { auditLogFile, relayLog } from '../../src/recording/verify-chain.ts';
import { verifySessions } from '../../src/recording/verify.ts';
import { AUDIT_LOG_FILE, type Relay } from '../../src/relay/server/server.ts';
import { startWorld, type World } from '../relay/fixtures.ts';
import { record } from '../relay/session-fixtures.ts';
import { closeRecorded } from './verify-fixtures.ts';

let world: World;
let relay: Relay;
beforeAll(async () => {
  world = await startWorld();
  relay = await world.relay();
});
afterAll(async () => {
  await world?.close();
});

const newDir = () => mkdtemp(join(world.root, 'recordings-'));
const jwks = () => relay.keys.jwks();

async function flipByte(path: string, at: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0x01;
    await handle.write(byte, 0, 1, at);
  } finally {
    await handle.close();
  }
}

describe('verifying sessions', () => {
  it('verifies a directory of sessions in chain order, against the relay\'s log over HTTP and as a file', async () => {
    const dir = await newDir();
    const first = await closeRecorded(world, relay, dir);
    const second = await closeRecorded(world, relay, dir, ['get', 'deployments', '-n', 'dev']);
    const overHttp = await verifySessions([dir], { jwks: jwks(), chain: relayLog(world.client(relay, 'alice')) });
    expect(overHttp.map((result) => [result.session, result.status, result.problems])).toEqual([[first.sessionId, 'verified', []], [second.sessionId, 'verified', []]]);
    expect(overHttp[0]!.seq).toBeLessThan(overHttp[1]!.seq!);
    expect(overHttp[1]!.manifest).toMatchObject({ command: { argv: ['get', 'deployments', '-n', 'dev'] }, identity: { subject: 'agent-7' } });
    const fromFile = await verifySessions([first.manifestPath, second.castPath], { jwks: jwks(), chain: auditLogFile(join(relay.dataDir, AUDIT_LOG_FILE)) });
    expect(fromFile.map((result) => result.status)).toEqual(['verified', 'verified']);
  });

  it('names the cast hash when one byte of the .cast is flipped, and the size when it grows', async () => {
    const dir = await newDir();
    const flipped = await closeRecorded(world, relay, dir);
    const grown = await closeRecorded(world, relay, dir);
    await flipByte(flipped.castPath, 500);
    await writeFile(grown.castPath, '[9.0, "o", "extra"]\n', { flag: 'a' });
    const results = await verifySessions([dir], { jwks: jwks() });
    const byId = new Map(results.map((result) => [result.session, result]));
    expect(byId.get(flipped.sessionId)).toMatchObject({ status: 'tampered', changed: ['cast.sha256'] });
    expect(byId.get(flipped.sessionId)!.problems[0]).toMatch(/cast sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}: the recording was altered/);
    expect(byId.get(grown.sessionId)).toMatchObject({ status: 'tampered', changed: ['cast.sha256', 'cast.size'] });
  });

  it('reports a manifest with one byte of its payload flipped as tampered: the signature no longer verifies', async () => {
    const dir = await newDir();
    const closed = await closeRecorded(world, relay, dir);
    const manifest = JSON.parse(await readFile(closed.manifestPath, 'utf8'));
    const payload = Buffer.from(manifest.payload, 'base64url');
    payload[payload.indexOf('"exitCode":0') + '"exitCode":'.length] = '1'.charCodeAt(0);
    await writeFile(closed.manifestPath, JSON.stringify({ ...manifest, payload: payload.toString('base64url') }));
    const [result] = await verifySessions([closed.manifestPath], { jwks: jwks() });
    expect(result).toMatchObject({ status: 'tampered', changed: ['signature'], manifest: null });
    expect(result!.problems[0]).toMatch(/signature does not verify/);
  });

  it('reports a manifest signed by a key the JWKS does not hold as unknown-key', async () => {
    const other = await world.relay();
    const dir = await newDir();
    const closed = await closeRecorded(world, other, dir);
    const [result] = await verifySessions([dir], { jwks: jwks() });
    expect(result).toMatchObject({ session: closed.sessionId, status: 'unknown-key', kid: other.keys.kid() });
    expect(result!.problems[0]).toMatch(/not in the relay's JWKS/);
  });

  it('still verifies a manifest signed before a key rotation', async () => {
    const rotating = await world.relay();
    const dir = await newDir();
    const before = await closeRecorded(world, rotating, dir);
    const { previousKid } = await rotating.rotateKey();
    const after = await closeRecorded(world, rotating, dir);
    const results = await verifySessions([dir], { jwks: rotating.keys.jwks(), chain: auditLogFile(join(rotating.dataDir, AUDIT_LOG_FILE)) });
    expect(results.map((result) => [result.session, result.status, result.kid])).toEqual([
      [before.sessionId, 'verified', previousKid], [after.sessionId, 'verified', rotating.keys.kid()],
    ]);
  });

  it('tells unsigned drafts, recordings without a manifest and deleted recordings apart', async () => {
    const dir = await newDir();
    const deleted = await closeRecorded(world, relay, dir);
    await rm(deleted.castPath);
    const spooled = record(dir, 'spooled-1');
    await writeFile(join(dir, 'spooled-1.manifest.json'), JSON.stringify({ hk: 1, unsigned: true, draft: spooled.draft }));
    record(dir, 'orphan-1');
    const byId = new Map((await verifySessions([dir], { jwks: jwks() })).map((result) => [result.session, result]));
    expect(byId.get(deleted.sessionId)).toMatchObject({ status: 'missing-recording', problems: [expect.stringMatching(/is missing \(the relay holds a copy\)/)] });
    expect(byId.get('spooled-1')).toMatchObject({ status: 'unsigned', draft: spooled.draft });
    expect(byId.get('orphan-1')).toMatchObject({ status: 'unsigned', manifestPath: null, problems: [expect.stringMatching(/no manifest/)] });
  });

  it('flags a validly signed manifest whose place the relay\'s log does not confirm', async () => {
    const dir = await newDir();
    const logBefore = join(dir, 'audit-before.jsonl');
    const known = await closeRecorded(world, relay, dir);
    await copyFile(join(relay.dataDir, AUDIT_LOG_FILE), logBefore);
    const later = await closeRecorded(world, relay, dir);
    const results = await verifySessions([dir], { jwks: jwks(), chain: auditLogFile(logBefore) });
    const byId = new Map(results.map((result) => [result.session, result]));
    expect(byId.get(known.sessionId)!.status).toBe('verified');
    expect(byId.get(later.sessionId)).toMatchObject({ status: 'tampered', changed: ['chain'] });
    expect(byId.get(later.sessionId)!.problems[0]).toMatch(/has no entry #\d+/);
  });

  it('flags a manifest copied under another session\'s name', async () => {
    const dir = await newDir();
    const a = await closeRecorded(world, relay, dir);
    const b = await closeRecorded(world, relay, dir);
    await copyFile(a.manifestPath, b.manifestPath);
    const byId = new Map((await verifySessions([dir], { jwks: jwks() })).map((result) => [result.session, result]));
    expect(byId.get(b.sessionId)!.changed).toEqual(expect.arrayContaining(['session', 'cast.sha256', 'chain']));
    expect(byId.get(b.sessionId)!.status).toBe('tampered');
  });

  it('reports a manifest of a version it does not know as a finding about that session alone, naming the file', async () => {
    const dir = await newDir();
    const good = await closeRecorded(world, relay, dir);
    const spooled = record(dir, 'future-1');
    await writeFile(join(dir, 'future-1.manifest.json'), JSON.stringify({ hk: 2, unsigned: true, draft: spooled.draft }));
    const byId = new Map((await verifySessions([dir], { jwks: jwks() })).map((result) => [result.session, result]));
    expect(byId.get(good.sessionId)!.status).toBe('verified');
    expect(byId.get('future-1')).toMatchObject({ status: 'tampered', changed: ['manifest'] });
    expect(byId.get('future-1')!.problems[0]).toMatch(/future-1\.manifest\.json: manifest version 2 is not supported/);
    expect(() => parseManifestDocument(JSON.stringify({ hk: 2, unsigned: true, draft: spooled.draft }), 'f')).toThrow(ManifestVersionError);
  });
});
