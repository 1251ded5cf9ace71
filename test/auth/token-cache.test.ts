import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSession, sessionFile, writePrivateJson } from '../../src/auth/token-cache.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-cache-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('token cache files', () => {
  it('keeps one file per issuer and client', () => {
    const a = sessionFile(dir, 'https://idp.example', 'hkubectl');
    expect(sessionFile(dir, 'https://idp.example', 'hkubectl')).toBe(a);
    expect(sessionFile(dir, 'https://idp.example', 'other')).not.toBe(a);
    expect(sessionFile(dir, 'https://idp.example/', 'hkubectl')).not.toBe(a);
  });

  it('creates the directory 0700 and the file 0600, leaving no temp file behind', async () => {
    const tokens = join(dir, 'tokens');
    const file = join(tokens, 'x.json');
    await writePrivateJson(file, { v: 1 });
    await writePrivateJson(file, { v: 1, again: true });
    expect((await stat(tokens)).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ v: 1, again: true });
    expect(await readdir(tokens)).toEqual(['x.json']);
  });

  it('reads a missing cache as "no session"', async () => {
    expect(await readSession(join(dir, 'tokens', 'none.json'))).toBeUndefined();
  });
});
