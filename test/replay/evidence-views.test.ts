// replay, play (its rows and detail API) and audit export say which evidence of a session is
// relay-observed and which wrapper-reported, flag a gateway session the wrapper misreported, and
// label every local-mode session "local mode: not tamper-proof". Hand-made sessions signed like
// the relay's (test/recording/evidence-fixtures.ts).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportBundle } from '../../src/replay/export/export-bundle.ts';
import { startPlayServer, type PlayServer } from '../../src/replay/play-server.ts';
import { replayRecording } from '../../src/replay/replay.ts';
import { castText, READ_ENTRIES, recordText, testSigner, writeSession, type TestSigner } from '../recording/evidence-fixtures.ts';

let root: string;
let dir: string;
let signer: TestSigner;
const OUTPUT = ['NAME   TYPE     DATA   AGE\r\n', 'db     Opaque   2      3d\r\n'];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hk-evidence-views-'));
  dir = join(root, 'recordings');
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  signer = await testSigner();
  await writeSession(dir, signer, { session: 'gw', cast: castText('gw', OUTPUT), record: recordText('gw', READ_ENTRIES), mode: 'gateway' }, 1);
  await writeSession(dir, signer, { session: 'local', cast: castText('local', OUTPUT), record: null, mode: 'local' }, 2);
  await writeSession(dir, signer, { session: 'emptied', cast: castText('emptied', []), record: recordText('emptied', READ_ENTRIES), mode: 'gateway' }, 3);
});
afterAll(() => rm(root, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), now: () => 0, sleep: async () => {} } };
}

// chalk colours nothing here (no terminal), so the lines are plain text.
describe('replay', () => {
  it('says, before and after playing, that the relay observed a gateway session and the .cast is the wrapper\'s', async () => {
    const c = capture();
    await replayRecording({ target: 'gw', dir, jwks: async () => signer.jwks }, c.io);
    const evidence = c.err.filter((line) => line.includes('evidence:'));
    expect(evidence).toHaveLength(2);
    expect(c.err[1]).toMatch(/^evidence: gateway mode — relay-observed: the relay's record gw\.relay-record\.jsonl \(4 entries, sha256 [0-9a-f]{12}…, checked here\); wrapper-reported: gw\.cast\n$/);
  });

  it('labels a local-mode session as not tamper-proof', async () => {
    const c = capture();
    await replayRecording({ target: 'local', dir, jwks: async () => signer.jwks }, c.io);
    expect(c.err[1]).toBe('evidence: local mode: not tamper-proof (the relay ran no gateway for it; the .cast is wrapper-reported)\n');
  });

  it('fails a .cast that lacks the output the relay saw go back to the agent, after showing it', async () => {
    const c = capture();
    await expect(replayRecording({ target: 'emptied', dir, jwks: async () => signer.jwks }, c.io)).rejects.toMatchObject({ code: 'ERR_RECORDING_TAMPERED' });
    expect(c.err[0]).toContain("TAMPERED: session emptied: the .cast shows no output, but the relay's record saw 812 bytes go back to the agent");
  });
});

describe('play', () => {
  let server: PlayServer;
  beforeAll(async () => {
    server = await startPlayServer({ dir, jwks: signer.jwks, label: dir });
  });
  afterAll(() => server?.close());

  it('gives each session its evidence mode and line, in the list and in the detail', async () => {
    const list = (await (await fetch(`${server.url}api/sessions`)).json()) as { sessions: Array<{ session: string; evidenceMode: string; evidence: string; status: string }> };
    const bySession = Object.fromEntries(list.sessions.map((row) => [row.session, row]));
    expect(bySession.gw).toMatchObject({ status: 'verified', evidenceMode: 'gateway' });
    expect(bySession.local).toMatchObject({ status: 'verified', evidenceMode: 'local', evidence: expect.stringMatching(/^local mode: not tamper-proof/) });
    expect(bySession.emptied).toMatchObject({ status: 'tampered', evidenceMode: 'gateway' });
    const detail = (await (await fetch(`${server.url}api/sessions/gw`)).json()) as { row: { evidence: string } };
    expect(detail.row.evidence).toContain("relay-observed: the relay's record gw.relay-record.jsonl");
  });
});

describe('audit export', () => {
  it('copies the relay record beside its manifest, logs each session\'s evidence, and reports the local-mode sessions', async () => {
    const out = join(root, 'bundle');
    const report = await exportBundle({
      dir, jwks: signer.jwks, since: new Date('2026-12-01T00:00:00Z'), until: new Date('2026-12-31T00:00:00Z'), identities: [], out,
      audit: null, checkpoints: null, progress: () => {},
    });
    expect(report.localMode).toEqual(['local']);
    expect(report.sessions.map((s) => [s.session, s.status])).toEqual([['emptied', 'tampered']]);
    expect((await readdir(join(out, 'sessions'))).sort()).toEqual([
      'emptied.cast', 'emptied.manifest.json', 'emptied.relay-record.jsonl', 'gw.cast', 'gw.manifest.json', 'gw.relay-record.jsonl', 'local.cast', 'local.manifest.json',
    ]);
    expect(await readFile(join(out, 'sessions', 'gw.relay-record.jsonl'), 'utf8')).toBe(recordText('gw', READ_ENTRIES));
    const text = await readFile(join(out, 'verification-report.txt'), 'utf8');
    expect(text).toContain('LOCAL MODE: NOT TAMPER-PROOF (the relay did not observe these; everything about them is wrapper-reported): 1\n  local\n');
    const log = (await readFile(join(out, 'session-log.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { session: string; evidenceMode: string; evidence: string });
    expect(Object.fromEntries(log.map((row) => [row.session, row.evidenceMode]))).toEqual({ gw: 'gateway', local: 'local', emptied: 'gateway' });
    const csv = (await readFile(join(out, 'session-log.csv'), 'utf8')).split('\r\n');
    expect(csv.find((line) => line.includes(',local,'))).toMatch(/,local,local mode: not tamper-proof \(the relay ran no gateway for it; the \.cast is wrapper-reported\),$/);
  });
});
