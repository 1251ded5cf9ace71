// One bad or hostile session among good ones is a finding in every auditor command's report,
// never a reason to stop, and never exit 64 (which means the auditor's own command line was
// wrong); what the agent put in it never reaches the auditor's terminal as escape bytes.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayServer } from '../../src/replay/play-server.ts';
import { hkubectl } from '../helpers/run.ts';
import { castText, manifestPayload, relayKeys, tempDir, writeSession, type TestRelayKeys } from '../replay/fixtures.ts';

const HOSTILE = '<script>alert(1)</script>\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;aGk=\u0007\u009b31m\u202e';
/** ESC, BEL, the C1 controls and bidi overrides: what a terminal would act on. */
const RAW_CONTROL = /[\u0007\u001b\u0080-\u009f\u202a-\u202e]/;

let dir: { path: string; remove(): Promise<void> };
let recordings: string;
let keys: TestRelayKeys;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await tempDir('hk-hostile-');
  recordings = join(dir.path, 'recordings');
  await mkdir(recordings);
  keys = await relayKeys();
  await writeFile(join(recordings, 'jwks.json'), JSON.stringify(keys.jwks));
  await writeSession(recordings, keys, { session: 'good-1', startedAt: '2026-03-01T10:00:00.000Z' });
  await writeSession(recordings, keys, { session: 'good-2', startedAt: '2026-03-01T11:00:00.000Z' });
  // Signed by a relay that took whatever the wrapper sent: escapes and markup in every field.
  const spec = { session: 'evil-1', startedAt: '2026-03-01T10:30:00.000Z', subject: HOSTILE, argv: ['get', HOSTILE] };
  const evilCast = castText(spec);
  await writeFile(join(recordings, 'evil-1.cast'), evilCast);
  const payload = { ...manifestPayload(spec, evilCast), masking: { profile: HOSTILE, counts: { [HOSTILE]: 1 } }, signal: HOSTILE, reason: HOSTILE, exitCode: HOSTILE };
  await writeFile(join(recordings, 'evil-1.manifest.json'), JSON.stringify(await keys.sign(payload)));
  // A manifest that is not JSON, with escapes in it.
  await writeFile(join(recordings, 'broken-1.cast'), castText({ session: 'broken-1' }));
  await writeFile(join(recordings, 'broken-1.manifest.json'), `{"payload": "abc", ${HOSTILE}`);
  // A manifest of a version this hkubectl does not know, properly signed.
  const futureCast = castText({ session: 'future-1' });
  await writeFile(join(recordings, 'future-1.cast'), futureCast);
  await writeFile(join(recordings, 'future-1.manifest.json'), JSON.stringify(await keys.sign({ ...manifestPayload({ session: 'future-1', startedAt: '2026-03-01T10:40:00.000Z' }, futureCast), hk: 9 })));
  // An unsigned marker whose draft is hostile, and recordings that are not asciicast.
  await writeFile(join(recordings, 'marker-1.manifest.json'), JSON.stringify({ hk: 1, unsigned: true, draft: { hk: 1, session: 'marker-1', masking: { profile: HOSTILE } } }));
  await writeFile(join(recordings, 'junk-1.cast'), `${HOSTILE}\n`);
  await writeFile(join(recordings, 'header-1.cast'), `${JSON.stringify({ version: 2, width: 80, height: 24, command: HOSTILE, title: HOSTILE, hk: { v: 1, session: 'header-1' } })}\n[0.1, "o", "x"]\n`);
  env = { PATH: process.env.PATH, HOME: dir.path, HKUBECTL_CONFIG_DIR: join(dir.path, 'config'), HKUBECTL_DATA_DIR: join(dir.path, 'data'), FORCE_COLOR: '0' };
});
afterAll(() => dir?.remove());

const printed = (result: { stdout: Buffer; stderr: Buffer }) => `${result.stdout.toString('utf8')}${result.stderr.toString('utf8')}`;

describe('a directory holding hostile sessions next to good ones', () => {
  it('audit export completes, lists each bad session as a finding, exits with its findings code (78) and prints no raw escape bytes', async () => {
    const out = join(dir.path, 'bundle');
    const result = await hkubectl(['audit', 'export', '--since', '2026-01-01', '--until', '2026-12-01', '--dir', recordings, '--jwks', join(recordings, 'jwks.json'), '--out', out], { env });
    expect(result.code).toBe(78);
    expect(result.stderr.toString()).toMatch(/the bundle was written, and it shows problems/);
    expect(printed(result)).not.toMatch(RAW_CONTROL);
    expect((await stat(join(out, 'index.html'))).isFile()).toBe(true);
    const report = JSON.parse(await readFile(join(out, 'verification-report.json'), 'utf8')) as { totals: { byStatus: Record<string, number> }; sessions: Array<{ session: string; status: string; problems: string[] }> };
    expect(report.totals.byStatus.verified).toBe(2);
    const bad = new Map(report.sessions.map((session) => [session.session, session]));
    for (const session of ['evil-1', 'future-1', 'marker-1', 'junk-1', 'header-1']) expect(bad.has(session), session).toBe(true);
    expect(bad.get('evil-1')!.problems.join(' ')).toMatch(/manifest unreadable/);
    expect(bad.get('future-1')!.problems.join(' ')).toMatch(/version 9 is not supported/);
    const text = await readFile(join(out, 'verification-report.txt'), 'utf8');
    expect(text).not.toMatch(RAW_CONTROL);
  });

  it('verify reports every session, the bad ones as findings, and exits 1, not 64', async () => {
    const result = await hkubectl(['verify', recordings, '--jwks', join(recordings, 'jwks.json')], { env });
    expect(result.code).toBe(1);
    expect(printed(result)).not.toMatch(RAW_CONTROL);
    const lines = result.stdout.toString();
    expect(lines).toMatch(/^verified\s+good-1/m);
    expect(lines).toMatch(/^verified\s+good-2/m);
    expect(lines).toMatch(/^TAMPERED\s+evil-1\n\s+manifest unreadable: .*exitCode/m);
    expect(lines).toMatch(/^TAMPERED\s+broken-1\n\s+manifest unreadable: .*not valid JSON/m);
    expect(lines).toMatch(/^TAMPERED\s+future-1\n\s+manifest unreadable: .*version 9/m);
    expect(lines).toMatch(/^8 sessions: .*\b2 verified\b/m);
    const json = await hkubectl(['verify', recordings, '--jwks', join(recordings, 'jwks.json'), '-o', 'json'], { env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout.toString())).toHaveLength(8);
  });

  it('replay of a bad session says what is wrong with it and exits with a finding, never 64', async () => {
    for (const session of ['evil-1.cast', 'future-1.cast', 'junk-1.cast', 'broken-1.cast']) {
      const result = await hkubectl(['replay', join(recordings, session), '--jwks', join(recordings, 'jwks.json')], { env });
      expect(result.code, session).not.toBe(64);
      expect(result.code, session).not.toBe(0);
      expect(result.stderr.toString(), session).toMatch(/^hkubectl: /m);
    }
  });

  it('play lists every session, bad ones with their status, and shows each one', async () => {
    const server = await startPlayServer({ dir: recordings, jwks: keys.jwks as never, label: recordings });
    try {
      const list = await fetch(new URL('api/sessions', server.url));
      expect(list.status).toBe(200);
      const rows = (await list.json() as { sessions: Array<{ session: string; status: string }> }).sessions;
      expect(rows).toHaveLength(8);
      expect(rows.filter((row) => row.status === 'verified').map((row) => row.session).sort()).toEqual(['good-1', 'good-2']);
      for (const session of ['evil-1', 'future-1', 'junk-1', 'broken-1', 'marker-1']) {
        const detail = await fetch(new URL(`api/sessions/${session}`, server.url));
        expect({ session, status: detail.status, body: detail.status === 200 ? '' : await detail.text() }).toEqual({ session, status: 200, body: '' });
      }
    } finally {
      await server.close();
    }
  });
});
