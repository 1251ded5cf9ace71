// Files the auditor's tools open are the files they mean (issue 25, class 6): in a recordings
// directory written by a possibly hostile machine, a `<session>.cast` or manifest that is a
// symbolic link (to /etc/passwd, to the relay's key), a FIFO, a device or a directory is never
// read, by verify, replay, play or the export, and each of them says what it skipped.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegular } from '../../src/files/regular-file.ts';
import { startPlayServer } from '../../src/replay/play-server.ts';
import { hkubectl } from '../helpers/run.ts';
import { relayKeys, tempDir, writeSession, type TestRelayKeys } from './fixtures.ts';

const SECRET = 'PRIVATE-KEY-MATERIAL-must-never-be-served';
let root: { path: string; remove(): Promise<void> };
let dir: string;
let keyFile: string;
let keys: TestRelayKeys;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = await tempDir('hk-hostile-files-');
  dir = join(root.path, 'recordings');
  await mkdir(dir);
  keyFile = join(root.path, 'relay-signing-key.pem');
  await writeFile(keyFile, `-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----\n`);
  keys = await relayKeys();
  await writeSession(dir, keys, { session: 'good', startedAt: '2026-03-01T10:00:00Z' });
  await writeFile(join(dir, 'jwks.json'), JSON.stringify(keys.jwks));
  await symlink('/etc/passwd', join(dir, 'passwd.cast'));
  await symlink(keyFile, join(dir, 'key.cast'));
  await symlink(keyFile, join(dir, 'key.manifest.json'));
  // A signed session whose recording was swapped for a link to the key afterwards.
  await writeSession(dir, keys, { session: 'swapped', startedAt: '2026-03-01T11:00:00Z' });
  execFileSync('rm', [join(dir, 'swapped.cast')]);
  await symlink(keyFile, join(dir, 'swapped.cast'));
  execFileSync('mkfifo', [join(dir, 'fifo.cast')]);
  await mkdir(join(dir, 'folder.cast'));
  await symlink('/dev/zero', join(dir, 'zero.cast'));
  env = { PATH: process.env.PATH, HOME: root.path, HKUBECTL_CONFIG_DIR: join(root.path, 'config'), HKUBECTL_DATA_DIR: join(root.path, 'data'), HKUBECTL_RECORDINGS: dir, FORCE_COLOR: '0' };
});
afterAll(() => root?.remove());

const SKIPPED = ['passwd.cast', 'key.cast', 'key.manifest.json', 'swapped.cast', 'fifo.cast', 'folder.cast', 'zero.cast'];

describe('opening a file an auditor\'s tool was given', () => {
  it('opens regular files only, naming what else it found', async () => {
    const kinds: Record<string, string> = {};
    for (const name of SKIPPED) {
      const error = await openRegular(join(dir, name)).then(() => null, (e: { code?: string; kind?: string }) => e);
      expect(error?.code, name).toBe('ERR_NOT_REGULAR_FILE');
      kinds[name] = error!.kind!;
    }
    expect(kinds).toEqual({ 'passwd.cast': 'symlink', 'key.cast': 'symlink', 'key.manifest.json': 'symlink', 'swapped.cast': 'symlink', 'fifo.cast': 'fifo', 'folder.cast': 'directory', 'zero.cast': 'symlink' });
    expect((await openRegular('/dev/null').catch((e: { kind: string }) => e)) as unknown).toMatchObject({ kind: 'device' });
    await (await openRegular(join(dir, 'good.cast'))).close();
  });
});

describe('hkubectl verify', () => {
  it('verifies the real sessions, reports each skipped entry, and reads none of them', async () => {
    const result = await hkubectl(['verify', dir, '--jwks', join(dir, 'jwks.json')], { env });
    const stdout = result.stdout.toString();
    const stderr = result.stderr.toString();
    expect(stdout).toMatch(/^verified\s+good/m);
    expect(stdout).toMatch(/^MISSING-RECORDING\s+swapped/m);
    for (const name of SKIPPED) expect(stderr).toContain(`hkubectl: skipped ${join(dir, name)}: `);
    expect(stderr).toContain(`skipped ${join(dir, 'fifo.cast')}: a FIFO (named pipe), not a regular file`);
    expect(stdout + stderr).not.toContain(SECRET);
    expect(stdout + stderr).not.toContain('root:x:0:0');
  });
});

describe('hkubectl replay', () => {
  for (const session of ['passwd', 'key', 'fifo', 'folder']) {
    it(`refuses ${session}.cast, which is no regular file, and says what it is`, async () => {
      const result = await hkubectl(['replay', session], { env });
      expect(result.code).toBe(64);
      expect(result.stderr.toString()).toMatch(/hkubectl: .* is (a symbolic link|a FIFO \(named pipe\)|a directory), not a regular file: not replayed/);
      expect(result.stdout.toString()).toBe('');
      expect(result.stderr.toString()).not.toContain(SECRET);
    });
  }
});

describe('hkubectl play', () => {
  it('lists only the real sessions, names what it skipped, and serves no linked file', async () => {
    const server = await startPlayServer({ dir, jwks: keys.jwks, label: dir });
    try {
      const list = (await (await request(`${server.url}api/sessions`)).body.json()) as { sessions: Array<{ session: string }>; skipped: Array<{ name: string; why: string }> };
      expect(list.sessions.map((s) => s.session).sort()).toEqual(['good', 'swapped']);
      expect(list.skipped.map((s) => s.name).sort()).toEqual([...SKIPPED].sort());
      for (const session of ['passwd', 'key', 'fifo', 'folder', 'zero', 'swapped']) {
        const answer = await request(`${server.url}api/sessions/${session}/cast`);
        const body = await answer.body.text();
        expect(answer.statusCode, session).toBe(404);
        expect(body).not.toContain(SECRET);
        expect(body).not.toContain('root:x:0:0');
      }
    } finally {
      await server.close();
    }
  });
});

describe('hkubectl audit export', () => {
  it('exports the real sessions, lists the skipped entries in its report, and copies none of them', async () => {
    const out = join(root.path, 'bundle');
    const result = await hkubectl(['audit', 'export', '--since', '2026-01-01', '--until', '2027-01-01', '--out', out, '--jwks', join(dir, 'jwks.json')], { env });
    expect(result.stderr.toString()).toContain('sessions written to');
    const report = JSON.parse(await readFile(join(out, 'verification-report.json'), 'utf8')) as { skipped: Array<{ path: string }>; totals: { sessions: number } };
    expect(report.totals.sessions).toBe(2);
    expect(report.skipped.map((s) => s.path).sort()).toEqual(SKIPPED.map((name) => join(dir, name)).sort());
    const text = await readFile(join(out, 'verification-report.txt'), 'utf8');
    expect(text).toContain('SKIPPED (named like a recording, not a regular file): 7');
    const everything = execFileSync('cat', [join(out, 'index.html'), join(out, 'session-log.jsonl')]).toString();
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('root:x:0:0');
    expect(execFileSync('ls', [join(out, 'sessions')]).toString().split('\n').filter(Boolean).sort()).toEqual(['good.cast', 'good.manifest.json', 'swapped.manifest.json']);
  });
});
