import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AsciicastEvent } from '../../src/recording/asciicast.ts';
import { replayRecording } from '../../src/replay/replay.ts';
import { relayKeys, tempDir, writeSession, type TestRelayKeys } from './fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
let keys: TestRelayKeys;

beforeEach(async () => {
  dir = await tempDir('hk-replay-');
  keys = await relayKeys();
});
afterEach(() => dir.remove());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  let clock = 0;
  return {
    out, err, sleeps,
    io: {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      now: () => clock,
      sleep: async (ms: number) => {
        sleeps.push(Math.round(ms));
        clock += ms;
      },
    },
  };
}

const events: AsciicastEvent[] = [[0, 'm', 'decision: allow by rule reads (risk 5)'], [1, 'o', 'hello\r\n'], [3, 'o', 'world\r\n'], [3, 'm', 'exit 0']];

describe('replay', () => {
  it('says the recording is verified, then plays its output with the recorded pauses', async () => {
    await writeSession(dir.path, keys, { session: 's1', events });
    const c = capture();
    await replayRecording({ target: 's1', dir: dir.path, jwks: async () => keys.jwks }, c.io);
    expect(c.err[0]).toContain('verified: session s1');
    expect(c.out.join('')).toBe('hello\r\nworld\r\n');
    expect(c.sleeps).toEqual([1000, 2000]);
    expect(c.err.join('')).toContain('decision: allow by rule reads (risk 5)');
    expect(c.err.join('')).toContain('exit 0');
  });

  it('honours --speed and --idle-limit', async () => {
    await writeSession(dir.path, keys, { session: 's1', events });
    const c = capture();
    await replayRecording({ target: join(dir.path, 's1.cast'), dir: '/nonexistent', jwks: async () => keys.jwks, speed: 2, idleLimit: 1 }, c.io);
    expect(c.sleeps).toEqual([500, 500]);
  });

  it('flags an altered recording as TAMPERED, plays it, and fails', async () => {
    await writeSession(dir.path, keys, { session: 's1', events });
    const path = join(dir.path, 's1.cast');
    await writeFile(path, (await readFile(path, 'utf8')).replace('world', 'WORLD'));
    const c = capture();
    await expect(replayRecording({ target: 's1', dir: dir.path, jwks: async () => keys.jwks }, c.io)).rejects.toMatchObject({ code: 'ERR_RECORDING_TAMPERED', exitCode: 78 });
    expect(c.err[0]).toContain('TAMPERED: session s1');
    expect(c.err[0]).toContain('sha256');
    expect(c.out.join('')).toContain('WORLD');
  });

  it('says when the manifest is unsigned', async () => {
    await writeSession(dir.path, keys, { session: 's2', events, unsigned: true });
    const c = capture();
    await replayRecording({ target: 's2', dir: dir.path, jwks: async () => keys.jwks }, c.io);
    expect(c.err[0]).toContain('unsigned: session s2');
  });

  it('does not trust a manifest signed by a key the relay does not publish', async () => {
    await writeSession(dir.path, await relayKeys(), { session: 's3', events });
    const c = capture();
    await replayRecording({ target: 's3', dir: dir.path, jwks: async () => keys.jwks }, c.io);
    expect(c.err[0]).toContain('UNVERIFIED: session s3');
  });

  it('refuses an unknown session id with a usage error naming the directory', async () => {
    const c = capture();
    await expect(replayRecording({ target: 'nope', dir: dir.path, jwks: async () => null }, c.io)).rejects.toMatchObject({ code: 'ERR_NO_RECORDING', exitCode: 64 });
  });

  it('keeps control characters in markers away from the terminal', async () => {
    await writeSession(dir.path, keys, { session: 's4', events: [[0, 'm', 'evil\u001b]0;pwned\u0007'], [0, 'o', 'x']] });
    const c = capture();
    await replayRecording({ target: 's4', dir: dir.path, jwks: async () => keys.jwks }, c.io);
    expect(c.err.join('')).not.toContain('\u001b]0');
  });
});
