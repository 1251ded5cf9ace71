// Agents start many hkubectl processes at once. With a token about to expire, exactly one of
// them may spend the rotating refresh token; the others must wait and use its result.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/auth/dev-idp.ts';
import type { DevIdp } from '../../src/auth/dev-idp.ts';
import { sessionFile } from '../../src/auth/token-cache.ts';
import type { CachedSession } from '../../src/auth/token-cache.ts';
import { runHk } from './fixtures/hkubectl.ts';
import { loginAs } from './fixtures/login.ts';

const PROCESSES = 8;
let idp: DevIdp;
let configDir: string;
beforeAll(async () => {
  idp = await startDevIdp({ pollInterval: 0.1 });
  configDir = await mkdtemp(join(tmpdir(), 'hk-concurrent-'));
});
afterAll(async () => {
  await idp.stop();
  await rm(configDir, { recursive: true, force: true });
});

describe('many hkubectl processes with a token about to expire', () => {
  it('refresh exactly once, all get the new token, and the cache is never torn', async () => {
    const tokenDir = join(configDir, 'tokens');
    await loginAs(idp, tokenDir, 'agent-7');
    const file = sessionFile(tokenDir, idp.issuer, idp.clientId);
    const old: CachedSession = JSON.parse(await readFile(file, 'utf8'));
    const shift = Math.floor(Date.now() / 1000) + 10 - old.expiresAt; // 10 s left: inside the refresh margin
    await writeFile(file, JSON.stringify({ ...old, issuedAt: old.issuedAt + shift, expiresAt: old.expiresAt + shift }), { mode: 0o600 });

    const env = { HKUBECTL_CONFIG_DIR: configDir, HKUBECTL_ISSUER: idp.issuer, HKUBECTL_CLIENT_ID: idp.clientId };
    const runs = Array.from({ length: PROCESSES }, () => runHk(['token'], env));
    // Read the cache while they race: every read must see a whole, valid file.
    const reads: CachedSession[] = [];
    let racing = true;
    const reader = (async () => {
      while (racing) {
        reads.push(JSON.parse(await readFile(file, 'utf8')));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const results = await Promise.all(runs.map((run) => run.done));
    racing = false;
    await reader;

    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(idp.stats.tokenRequests.refresh_token).toBe(1);
    const fresh: CachedSession = JSON.parse(await readFile(file, 'utf8'));
    expect(fresh.refreshToken).not.toBe(old.refreshToken); // rotated by the one refresh
    expect(fresh.expiresAt).toBeGreaterThan(Date.now() / 1000 + 60);
    const tokens = new Set(results.map((r) => JSON.parse(r.stdout).status.token));
    expect([...tokens]).toEqual([fresh.idToken]);
    expect(reads.length).toBeGreaterThan(0);
    expect((await readdir(tokenDir)).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'))).toEqual([]);
  });
});
