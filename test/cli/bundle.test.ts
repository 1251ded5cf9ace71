// The built CLI as a person running it from a checkout meets it: a missing bundle is one line
// naming the fix, and a rebuild (npm test, npm run build) under a running hkubectl never leaves it
// a half-written dist/ to die on with a stack trace.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/run.ts';

const ROOT = join(import.meta.dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A checkout with the sources and dependencies of this one, and no dist/ yet. */
async function checkout(name: string): Promise<string> {
  const at = join(dir, name);
  await mkdir(at);
  await cp(join(ROOT, 'bin'), join(at, 'bin'), { recursive: true });
  await cp(join(ROOT, 'package.json'), join(at, 'package.json'));
  await symlink(join(ROOT, 'src'), join(at, 'src'));
  await symlink(join(ROOT, 'node_modules'), join(at, 'node_modules'));
  return at;
}

const hk = (at: string, args: string[]) => run(process.execPath, [join(at, 'bin/hkubectl.cjs'), ...args], { env: { PATH: process.env.PATH, HOME: dir } });

describe('the built CLI', () => {
  it('says in one line, exit 78, that dist/ is missing and how to build it', async () => {
    const at = await checkout('unbuilt');
    const result = await hk(at, ['get', 'pods']);
    expect(result.code).toBe(78);
    expect(result.stderr.toString()).toBe('hkubectl: the built CLI (dist/main.cjs) is missing — run `npm run build` in the hkubectl checkout\n');
    // The ES module entry says the same.
    const viaModule = await run(process.execPath, [join(at, 'bin/hkubectl.mjs'), 'get', 'pods'], { env: { PATH: process.env.PATH, HOME: dir } });
    expect([viaModule.code, viaModule.stderr.toString()]).toEqual([78, result.stderr.toString()]);
  });

  it('says in one line, exit 78, when a bundle it loads later has gone', async () => {
    const at = await checkout('half');
    await mkdir(join(at, 'dist'));
    await cp(join(ROOT, 'dist/main.cjs'), join(at, 'dist/main.cjs'));
    const result = await hk(at, ['--hk-help']);
    expect(result.code).toBe(78);
    expect(result.stderr.toString()).toMatch(/^hkubectl: part of hkubectl's built CLI is missing \(dist\/ was rebuilt or removed while this command started\) — run the command again; .*`npm run build`.*\n$/);
  });

  it('keeps working while it is rebuilt: every run succeeds or says one line, none shows a stack trace', async () => {
    const at = await checkout('rebuilt');
    const build = () => run(process.execPath, [join(at, 'bin/build.mjs')], { timeoutMs: 120_000 });
    expect((await build()).code).toBe(0);
    const rebuilding = (async () => {
      for (let i = 0; i < 3; i++) expect((await build()).code).toBe(0);
    })();
    const runs: Promise<{ code: number | null; stderr: Buffer }>[] = [];
    let done = false;
    void rebuilding.finally(() => (done = true));
    while (!done && runs.length < 40) {
      runs.push(hk(at, ['policy', 'check', '--', 'get', 'pods']));
      await runs.at(-1);
    }
    await rebuilding;
    expect(runs.length).toBeGreaterThan(1);
    for (const result of await Promise.all(runs)) {
      const stderr = result.stderr.toString();
      expect(stderr).not.toMatch(/\n\s+at /);
      if (result.code !== 0) expect(stderr).toMatch(/^hkubectl: [^\n]*\n$/);
    }
  });
});
