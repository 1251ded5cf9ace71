// Installing hkubectl as the README says: a global install from the clone into a prefix (what
// `npm link` / `npm install -g .` do, here into a temporary prefix and with no network), and the
// `kubectl` shim made from that install and from the clone itself. The shim must run hkubectl,
// and hkubectl must run the real kubectl further down PATH, never itself.
import { execFile } from 'node:child_process';
import { mkdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/run.ts';
import { tempDir } from '../replay/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
let dir: { path: string; remove(): Promise<void> };
let npmEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await tempDir('hk-install-');
  npmEnv = { PATH: process.env.PATH, HOME: dir.path, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
});
afterAll(() => dir?.remove());

/** The README's `mkdir -p ~/agent-bin && ln -s …` line whose link target mentions `target`. */
async function readmeShimRecipe(target: string): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const line = readme.split('\n').find((candidate) => candidate.startsWith('mkdir -p ~/agent-bin && ln -s ') && candidate.includes(target));
  if (!line) throw new Error(`no shim recipe with ${target} in the README`);
  return line.replace(/\s+#.*$/, '');
}

/** `kubectl version --client` and `kubectl --hk-version` through a shim directory first on PATH. */
async function throughShim(shimDir: string) {
  const env = { PATH: `${shimDir}:${process.env.PATH}`, HOME: dir.path, HKUBECTL_CONFIG_DIR: join(dir.path, 'config'), HKUBECTL_DATA_DIR: join(dir.path, 'data') };
  const own = await run('kubectl', ['--hk-version'], { env });
  const kubectl = await run('kubectl', ['version', '--client'], { env });
  return { own, kubectl };
}

describe('installing hkubectl', () => {
  it('puts hkubectl on PATH with a global install of the clone (npm install -g, into a temporary prefix)', async () => {
    const prefix = join(dir.path, 'prefix');
    const installed = await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--ignore-scripts', ROOT], { env: npmEnv, timeoutMs: 120_000 });
    expect(installed.code, installed.stderr.toString()).toBe(0);
    expect(await readlink(join(prefix, 'bin', 'hkubectl'))).toBe('../lib/node_modules/hkubectl/bin/hkubectl.cjs');
    const version = await run(join(prefix, 'bin', 'hkubectl'), ['--hk-version'], { env: { PATH: process.env.PATH, HOME: dir.path } });
    expect(version.code, version.stderr.toString()).toBe(0);
    expect(version.stdout.toString()).toMatch(/^hkubectl 0\.1\.0 \(commit [0-9a-f]{12}(-dirty)?\)\nkubectl v1\.\d+\.\d+\S* at \S+kubectl\n$/);

    // The README's recipe, as printed there: a `kubectl` link to the installed hkubectl.
    const home = join(dir.path, 'home-global');
    await mkdir(home);
    const recipe = await readmeShimRecipe('command -v hkubectl');
    await promisify(execFile)('sh', ['-c', recipe], { cwd: ROOT, env: { PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, HOME: home } });
    const { own, kubectl } = await throughShim(join(home, 'agent-bin'));
    expect(own.stdout.toString()).toMatch(/^hkubectl 0\.1\.0/);
    expect(kubectl.code, kubectl.stderr.toString()).toBe(0);
    expect(kubectl.stdout.toString()).toMatch(/^Client Version: v1\.\d+/);
  });

  it("makes the kubectl shim from a clone without any global install, with the README's recipe", async () => {
    const home = join(dir.path, 'home-clone');
    await mkdir(home);
    // Run in the clone, with no hkubectl on PATH at all.
    await promisify(execFile)('sh', ['-c', await readmeShimRecipe('bin/hkubectl.cjs')], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: home } });
    const { own, kubectl } = await throughShim(join(home, 'agent-bin'));
    expect(own.code, own.stderr.toString()).toBe(0);
    expect(own.stdout.toString()).toMatch(/^hkubectl 0\.1\.0/);
    expect(kubectl.stdout.toString()).toMatch(/^Client Version: v1\.\d+/);
  });

  it('packs the executable, the built bundles and the README, and nothing of the sources or tests', async () => {
    const packed = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { env: npmEnv, cwd: ROOT });
    expect(packed.code, packed.stderr.toString()).toBe(0);
    const files = (JSON.parse(packed.stdout.toString()) as Array<{ files: Array<{ path: string; mode: number }> }>)[0]!.files;
    const paths = files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['bin/hkubectl.cjs', 'bin/hkubectl.mjs', 'dist/main.cjs', 'dist/main.js', 'dist/commands/commands-entry.js', 'dist/governed/governed-entry.js', 'README.md', 'package.json']));
    expect(paths.filter((path) => /^(src|test|bench)\//.test(path))).toEqual([]);
    // The bin keeps its execute bit, so a link to it (the shim) runs as a program.
    expect(files.find((file) => file.path === 'bin/hkubectl.cjs')!.mode & 0o111).not.toBe(0);
  });
});
