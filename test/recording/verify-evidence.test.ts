// What verify says about relay-observed and wrapper-reported evidence, on hand-made sessions
// signed like the relay's (evidence-fixtures.ts): a gateway session whose relay record is checked
// beside its manifest, one whose .cast is gone or was never named while the relay recorded it, one
// whose .cast shows nothing where the relay saw output go back to the agent, an altered record,
// and local-mode sessions, which every view labels as not tamper-proof.
import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRelayRecord } from '../../src/recording/relay-record.ts';
import { reportLines } from '../../src/recording/verify-report.ts';
import { verifySessions } from '../../src/recording/verify.ts';
import { castText, READ_ENTRIES, recordText, testSigner, writeSession, type TestSigner } from './evidence-fixtures.ts';

let root: string;
let signer: TestSigner;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hk-evidence-'));
  signer = await testSigner();
});
afterAll(() => rm(root, { recursive: true, force: true }));

const newDir = () => mkdtemp(join(root, 'recordings-'));
const OUTPUT = ['NAME   TYPE     DATA   AGE\r\n', 'db     Opaque   2      3d\r\n'];

describe('relay-observed evidence in verify', () => {
  it('verifies a gateway session whose relay record is beside the manifest, and says which evidence is which', async () => {
    const dir = await newDir();
    await writeSession(dir, signer, { session: 'gw-ok', cast: castText('gw-ok', OUTPUT), record: recordText('gw-ok', READ_ENTRIES), mode: 'gateway' });
    const [result] = await verifySessions([dir], { jwks: signer.jwks });
    expect(result).toMatchObject({ status: 'verified', problems: [], changed: [] });
    expect(result!.evidence).toMatchObject({
      mode: 'gateway', cast: 'gw-ok.cast',
      relayRecord: { file: 'gw-ok.relay-record.jsonl', entries: 4, found: 'checked', shape: { byType: { request: 1, response: 1, close: 1 }, unknownTypes: {}, outputBytes: 812, ended: true } },
    });
    expect(result!.evidence.summary).toMatch(/^gateway mode — relay-observed: the relay's record gw-ok\.relay-record\.jsonl \(4 entries, sha256 [0-9a-f]{12}…, checked here\); wrapper-reported: gw-ok\.cast$/);
    expect(reportLines([result!])).toContain(`    evidence: ${result!.evidence.summary}`);
  });

  it('verifies a gateway session whose record is not beside the manifest, saying the relay holds it', async () => {
    const dir = await newDir();
    await writeSession(dir, signer, { session: 'gw-away', cast: castText('gw-away', OUTPUT), record: recordText('gw-away', READ_ENTRIES), recordOnDisk: false, mode: 'gateway' });
    const [result] = await verifySessions([dir], { jwks: signer.jwks });
    expect(result!.status).toBe('verified');
    expect(result!.evidence.relayRecord).toMatchObject({ found: 'absent', shape: null });
    expect(result!.evidence.summary).toContain('not beside the manifest; the relay holds it');
  });

  it('flags a gateway session whose wrapper .cast is missing while the relay\'s record exists', async () => {
    const dir = await newDir();
    await writeSession(dir, signer, { session: 'gw-gone', cast: castText('gw-gone', OUTPUT), castOnDisk: false, record: recordText('gw-gone', READ_ENTRIES), mode: 'gateway' });
    const [result] = await verifySessions([dir], { jwks: signer.jwks });
    expect(result!.status).toBe('missing-recording');
    expect(result!.problems).toEqual(['recording gw-gone.cast is missing (the relay holds no copy)']);
  });

  it('flags a gateway session whose manifest names no .cast at all while the relay recorded 4 entries', async () => {
    const dir = await newDir();
    await writeSession(dir, signer, { session: 'gw-none', cast: null, record: recordText('gw-none', READ_ENTRIES), mode: 'gateway' });
    const [result] = await verifySessions([dir], { jwks: signer.jwks });
    expect(result!.status).toBe('missing-recording');
    expect(result!.problems).toEqual(["the wrapper's .cast is not named by the manifest, yet the relay's record holds 4 entries of this session"]);
  });

  it('flags a .cast that shows no output where the relay saw output go back to the agent', async () => {
    const dir = await newDir();
    // The wrapper's recording was emptied before it was uploaded: it hashes to what was signed.
    await writeSession(dir, signer, { session: 'gw-shape', cast: castText('gw-shape', []), record: recordText('gw-shape', READ_ENTRIES), mode: 'gateway' });
    const [result] = await verifySessions([dir], { jwks: signer.jwks });
    expect(result!.status).toBe('tampered');
    expect(result!.changed).toEqual(['observed']);
    expect(result!.problems).toEqual(["the .cast shows no output, but the relay's record saw 812 bytes go back to the agent: the wrapper's recording disagrees with what crossed the boundary"]);
  });

  it('counts watch events, log chunks and tunnel bytes as output the relay saw', async () => {
    const dir = await newDir();
    const entries = [{ type: 'request', method: 'GET', path: '/api/v1/namespaces/prod/pods/web/log?follow=true' }, { type: 'response', status: 200 }, { type: 'log', size: 64 }, { type: 'close' }];
    await writeSession(dir, signer, { session: 'gw-logs', cast: castText('gw-logs', []), record: recordText('gw-logs', entries), mode: 'gateway' });
    const [result] = await verifySessions([dir], { jwks: signer.jwks });
    expect(result!.changed).toEqual(['observed']);
    expect(result!.problems[0]).toContain('saw 64 bytes');
  });

  it('says when the record holds entries of unknown kinds or ends without a close entry', async () => {
    const dir = await newDir();
    const entries = [...READ_ENTRIES.slice(0, 2), { type: 'exec-frame', size: 3 }];
    await writeSession(dir, signer, { session: 'gw-cut', cast: castText('gw-cut', OUTPUT), record: recordText('gw-cut', entries), mode: 'gateway' });
    const [result] = await verifySessions([dir], { jwks: signer.jwks });
    expect(result).toMatchObject({ status: 'verified', problems: [] });
    expect(result!.evidence.summary).toContain('checked here; 1 of a kind this hkubectl does not know; no close entry: the relay stopped before the session closed)');
  });

  it('finds nothing to disagree with when neither the relay nor the .cast saw output', async () => {
    const dir = await newDir();
    const entries = [{ type: 'request', method: 'DELETE', path: '/api/v1/namespaces/prod/pods/web' }, { type: 'response', status: 200, size: 0 }, { type: 'close' }];
    await writeSession(dir, signer, { session: 'gw-quiet', cast: castText('gw-quiet', []), record: recordText('gw-quiet', entries), mode: 'gateway' });
    const [result] = await verifySessions([dir], { jwks: signer.jwks });
    expect(result).toMatchObject({ status: 'verified', problems: [] });
  });

  it('flags a relay record beside the manifest that is not the one signed', async () => {
    const dir = await newDir();
    const { recordPath } = await writeSession(dir, signer, { session: 'gw-edit', cast: castText('gw-edit', OUTPUT), record: recordText('gw-edit', READ_ENTRIES), mode: 'gateway' });
    await appendFile(recordPath, `${JSON.stringify({ type: 'request', method: 'GET', path: '/forged' })}\n`);
    const [result] = await verifySessions([dir], { jwks: signer.jwks });
    expect(result!.status).toBe('tampered');
    expect(result!.changed).toEqual(['record']);
    expect(result!.problems[0]).toMatch(/^the relay record beside the manifest \(sha256 [0-9a-f]{64}, \d+ bytes\) is not the one signed/);
    expect(result!.evidence.relayRecord).toMatchObject({ found: 'altered', shape: null });
    expect(result!.evidence.summary).toContain('ALTERED here');
  });

  it.each([['local', 'the relay ran no gateway for it'], ['absent', 'its manifest says nothing the relay observed']] as const)(
    'labels a session with observed mode %s as local mode, not tamper-proof',
    async (mode, why) => {
      const dir = await newDir();
      await writeSession(dir, signer, { session: `local-${mode}`, cast: castText(`local-${mode}`, OUTPUT), record: null, mode });
      const [result] = await verifySessions([dir], { jwks: signer.jwks });
      expect(result!.status).toBe('verified');
      expect(result!.evidence).toMatchObject({ mode: 'local', relayRecord: null });
      expect(result!.evidence.summary).toBe(`local mode: not tamper-proof (${why}; the .cast is wrapper-reported)`);
      expect(reportLines([result!]).slice(-2)).toEqual(['1 session: 1 verified', '1 of them in local mode: not tamper-proof']);
    },
  );

  it('says that a relay record beside a local-mode manifest is not evidence', async () => {
    const dir = await newDir();
    await writeSession(dir, signer, { session: 'stray', cast: castText('stray', OUTPUT), record: recordText('stray', READ_ENTRIES), mode: 'local' });
    const [result] = await verifySessions([dir], { jwks: signer.jwks });
    expect(result).toMatchObject({ status: 'verified', changed: [], problems: ['a relay record sits beside this manifest, but the manifest binds none: it is not evidence of this session'] });
    expect(result!.evidence.mode).toBe('local');
  });

  it('labels a lone .cast and an unsigned draft as wrapper-reported only', async () => {
    const dir = await newDir();
    await writeFile(join(dir, 'lone.cast'), castText('lone', OUTPUT));
    await writeFile(join(dir, 'draft.manifest.json'), JSON.stringify({ hk: 1, unsigned: true, draft: { hk: 1, session: 'draft', cast: null, startedAt: '2026-12-06T10:00:00.000Z', endedAt: '2026-12-06T10:00:01.000Z', exitCode: 0, signal: null, terminal: false, masking: { profile: 'standard', counts: {} } } }));
    const results = await verifySessions([dir], { jwks: signer.jwks });
    expect(results.map((result) => [result.session, result.evidence.mode, result.evidence.summary])).toEqual([
      ['draft', 'local', 'local mode: not tamper-proof (not signed by the relay: nothing relay-observed; everything here is wrapper-reported)'],
      ['lone', 'local', 'local mode: not tamper-proof (no manifest: nothing relay-observed; everything here is wrapper-reported)'],
    ]);
  });

  it('refuses to read evidence from a signed observed block of the wrong shape', async () => {
    const dir = await newDir();
    const spec = { session: 'odd', cast: castText('odd', OUTPUT), record: null, mode: 'absent' as const };
    const { manifestPath } = await writeSession(dir, { ...signer, sign: (payload) => signer.sign({ ...payload, observed: { v: 1, mode: 'gateway', record: { file: 'x', sha256: 'nope', size: 1, entries: 1 } } }) }, spec);
    const [result] = await verifySessions([manifestPath], { jwks: signer.jwks });
    expect(result!.status).toBe('tampered');
    expect(result!.changed).toEqual(['manifest']);
    expect(result!.evidence.mode).toBe('local');
  });
});

describe('reading the relay record', () => {
  it('counts entry types it does not know rather than refusing them, and notes lines that are no entries', async () => {
    const path = join(await newDir(), 'r.relay-record.jsonl');
    await writeFile(path, recordText('r', [...READ_ENTRIES.slice(0, 2), { type: 'frame', size: 5 }, { type: 'frame' }, { nope: true }]) + 'not json\n{"type":"tunnel-close","bytesOut":40}');
    const summary = await readRelayRecord(path);
    expect(summary).toMatchObject({
      session: 'r', entries: 5, byType: { request: 1, response: 1, 'tunnel-close': 1 }, unknownTypes: { frame: 2 }, outputBytes: 852, ended: false,
      problems: ['the relay record has 2 lines that are not an entry'],
    });
  });

  it('refuses a version it does not read, with a clear finding, and counts nothing', async () => {
    const path = join(await newDir(), 'v.relay-record.jsonl');
    await writeFile(path, `${JSON.stringify({ v: 2, n: 1, type: 'header', session: 'v' })}\n${JSON.stringify({ type: 'request' })}\n`);
    const summary = await readRelayRecord(path);
    expect(summary.entries).toBe(0);
    expect(summary.problems).toEqual(['the relay record is version 2, which this hkubectl does not read (it reads 1)']);
  });

  it('reads a record whose lines cross chunk boundaries inside multibyte characters', async () => {
    const path = join(await newDir(), 'big.relay-record.jsonl');
    const entries = Array.from({ length: 3000 }, (_, i) => ({ type: 'log', size: 10, text: `é${'ü'.repeat(i % 50)}` }));
    await writeFile(path, recordText('big', entries));
    const summary = await readRelayRecord(path);
    const bytes = entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.text), 0);
    expect(summary).toMatchObject({ entries: 3000, byType: { log: 3000 }, outputBytes: bytes, problems: [] });
  });
});
