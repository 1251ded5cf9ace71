// The replay, play and audit export commands through the real hkubectl executable.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HKUBECTL_BIN, hkubectl } from '../helpers/run.ts';
import { mkdir } from 'node:fs/promises';
import { refusalEvents, relayKeys, tempDir, writeAuditLog, writeSession } from './fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await tempDir('hk-replay-cli-');
  const keys = await relayKeys();
  await writeSession(dir.path, keys, { session: 'one', events: [[0, 'm', 'decision: allow by rule reads (risk 5)'], [0.2, 'o', 'first\r\n'], [5, 'o', 'second\r\n'], [5, 'm', 'exit 0']] });
  await writeFile(join(dir.path, 'jwks.json'), JSON.stringify(keys.jwks));
  env = { PATH: process.env.PATH, HOME: dir.path, HKUBECTL_CONFIG_DIR: join(dir.path, 'config'), HKUBECTL_DATA_DIR: join(dir.path, 'data'), HKUBECTL_RECORDINGS: dir.path, FORCE_COLOR: '0' };
});
afterAll(() => dir?.remove());

describe('hkubectl replay', () => {
  it('finds a session id in HKUBECTL_RECORDINGS, says it is verified and plays its output', async () => {
    const result = await hkubectl(['replay', 'one', '--idle-limit', '0.1'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('first\r\nsecond\r\n');
    expect(result.stderr.toString()).toMatch(/^verified: session one matches the manifest signed by the relay\n/);
    expect(result.stderr.toString()).toContain('── exit 0');
  });

  it('rejects a bad --speed as a usage error', async () => {
    const result = await hkubectl(['replay', 'one', '--speed', 'fast'], { env });
    expect(result.code).toBe(64);
    expect(result.stderr.toString()).toContain('--speed must be a number');
  });
});

describe('hkubectl audit export', () => {
  it('writes a bundle directory (partial, allowed: no relay here), says so on stderr and prints where it went', async () => {
    const out = join(dir.path, 'bundle');
    const result = await hkubectl(['audit', 'export', '--since', '2026-01-01', '--until', '2027-01-01', '--out', out, '--allow-partial'], { env });
    expect(result.stderr.toString()).toContain('RESULT: PARTIAL');
    expect(result.stderr.toString()).toContain(`export: 1 sessions written to ${out}`);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe(`${out}\n`);
  });
});

describe('hkubectl play', () => {
  it('serves the session list on 127.0.0.1 and prints its URL', async () => {
    const child = spawn(process.execPath, [HKUBECTL_BIN, 'play', dir.path], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.once('exit', (code) => reject(new Error(`play exited ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const answer = await request(`${url}api/sessions`);
      const body = (await answer.body.json()) as { sessions: Array<{ session: string; status: string }>; refusals: unknown[]; refusalsNote?: string };
      expect(body.sessions.map((s) => [s.session, s.status])).toEqual([['one', 'verified']]);
      // No audit log to read: the page is told so, rather than shown an empty list of refusals.
      expect(body.refusals).toEqual([]);
      expect(body.refusalsNote).toMatch(/^Refused requests \(blocked, denied, expired\) are not shown: no audit log here/);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it("lists the refused requests from the relay's log the demo leaves beside the recordings (relay-log/), or from --data", async () => {
    const withLog = await tempDir('hk-play-log-');
    try {
      const keys = await relayKeys();
      await writeSession(withLog.path, keys, { session: 'one' });
      await mkdir(join(withLog.path, 'relay-log'));
      await writeAuditLog(join(withLog.path, 'relay-log'), refusalEvents());
      for (const args of [['play', withLog.path], ['play', withLog.path, '--data', join(withLog.path, 'relay-log')]]) {
        const child = spawn(process.execPath, [HKUBECTL_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        try {
          const url = await new Promise<string>((resolve, reject) => {
            child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
            child.once('exit', (code) => reject(new Error(`play exited ${code}`)));
          });
          const body = (await (await request(`${url}api/sessions`)).body.json()) as { refusals: Array<{ outcome: string; rule: string | null }> };
          expect(body.refusals.map((r) => r.outcome)).toEqual(['blocked', 'denied', 'expired']);
        } finally {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
      }
    } finally {
      await withLog.remove();
    }
  });

  it('says on the command line that a recordings directory does not exist, with exit 78', async () => {
    const missing = join(dir.path, 'no-such-dir');
    const result = await hkubectl(['play', missing], { env });
    expect(result.code).toBe(78);
    expect(result.stderr.toString()).toBe(`hkubectl: ${missing}: no such directory — pass the recordings directory (or set HKUBECTL_RECORDINGS), or a relay URL\n`);
    expect(result.stdout.toString()).toBe('');
  });

  it('says that a directory holds no recordings and ends with 0, serving nothing', async () => {
    const empty = await tempDir('hk-play-empty-');
    try {
      const result = await hkubectl(['play', empty.path], { env });
      expect(result.code).toBe(0);
      expect(result.stderr.toString()).toBe(`hkubectl: no recorded sessions in ${empty.path}: nothing to play\n`);
      expect(result.stdout.toString()).toBe('');
    } finally {
      await empty.remove();
    }
  });
});
