// The parsed-YAML cache on a real filesystem. Projections here count their calls, so a test can
// tell a parse from a cache hit.
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectYaml, type YamlProjection } from '../../src/config/yaml-cache.ts';

let root: string;
let cacheDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hk-yaml-cache-'));
  cacheDir = join(root, 'cache');
});
afterEach(() => rm(root, { recursive: true, force: true }));

function counting(storable: (result: unknown) => boolean = () => true): YamlProjection<unknown> & { parses: number } {
  const projection = {
    name: 'test',
    parses: 0,
    project(document: unknown) {
      projection.parses += 1;
      return document;
    },
    storable,
  };
  return projection;
}

describe('projectYaml', () => {
  it('parses a text once and answers it from a private cache entry after that', async () => {
    const projection = counting();
    expect(projectYaml('a: 1\nb: [x, y]\n', projection, cacheDir)).toEqual({ a: 1, b: ['x', 'y'] });
    expect(projectYaml('a: 1\nb: [x, y]\n', projection, cacheDir)).toEqual({ a: 1, b: ['x', 'y'] });
    expect(projection.parses).toBe(1);
    const [entry] = await readdir(cacheDir);
    expect(entry).toMatch(/^test-[0-9a-f]{64}\.json$/);
    expect((await stat(join(cacheDir, entry!))).mode & 0o777).toBe(0o600);
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
  });

  it('parses a changed text again', () => {
    const projection = counting();
    expect(projectYaml('namespace: dev\n', projection, cacheDir)).toEqual({ namespace: 'dev' });
    expect(projectYaml('namespace: prod\n', projection, cacheDir)).toEqual({ namespace: 'prod' });
    expect(projection.parses).toBe(2);
  });

  it('parses again, and repairs the entry, when it is damaged or written in another format', async () => {
    const projection = counting();
    projectYaml('a: 1\n', projection, cacheDir);
    const [entry] = await readdir(cacheDir);
    for (const damage of ['{"v":1,"resu', '{"v":2,"result":{"a":"forged"}}', 'null']) {
      await writeFile(join(cacheDir, entry!), damage);
      expect(projectYaml('a: 1\n', projection, cacheDir)).toEqual({ a: 1 });
    }
    expect(projection.parses).toBe(4);
    expect(JSON.parse(await readFile(join(cacheDir, entry!), 'utf8'))).toEqual({ v: 1, result: { a: 1 } });
  });

  it('never writes a result its projection says must stay off the disk', async () => {
    const projection = counting((result) => !JSON.stringify(result).includes('secret'));
    expect(projectYaml('client-secret: s3cr3t\n', projection, cacheDir)).toEqual({ 'client-secret': 's3cr3t' });
    expect(projectYaml('client-secret: s3cr3t\n', projection, cacheDir)).toEqual({ 'client-secret': 's3cr3t' });
    expect(projection.parses).toBe(2);
    await expect(readdir(cacheDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('still answers when the cache cannot be written (part of its path is a file)', async () => {
    // A path through a file fails for root too, unlike a read-only directory.
    await writeFile(join(root, 'a-file'), '');
    const projection = counting();
    expect(projectYaml('a: 1\n', projection, join(root, 'a-file', 'cache'))).toEqual({ a: 1 });
    expect(projectYaml('a: 1\n', projection, join(root, 'a-file', 'cache'))).toEqual({ a: 1 });
    expect(projection.parses).toBe(2);
  });

  it('throws the parse error and caches nothing for text that is not YAML', async () => {
    expect(() => projectYaml('a: [1, 2\n', counting(), cacheDir)).toThrow(/flow sequence|Missing|end/i);
    await expect(readdir(cacheDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads and writes nothing without a cache directory', async () => {
    const projection = counting();
    projectYaml('a: 1\n', projection, null);
    projectYaml('a: 1\n', projection, null);
    expect(projection.parses).toBe(2);
    expect(await readdir(root)).toEqual([]);
  });

  it('keeps at most 32 entries, dropping the oldest first', async () => {
    const projection = counting();
    for (let i = 0; i < 32; i += 1) projectYaml(`n: ${i}\n`, projection, cacheDir);
    expect(await readdir(cacheDir)).toHaveLength(32);
    // Entries written within one clock tick share an mtime: age one so that it is the oldest.
    const first = await findEntry(0);
    await utimes(join(cacheDir, first), new Date(0), new Date(0));
    projectYaml('n: 32\n', projection, cacheDir);
    const after = await readdir(cacheDir);
    expect(after).toHaveLength(32);
    expect(after).not.toContain(first);
  });
});

async function findEntry(n: number): Promise<string> {
  for (const name of await readdir(cacheDir)) {
    if ((JSON.parse(await readFile(join(cacheDir, name), 'utf8')) as { result: { n: number } }).result.n === n) return name;
  }
  throw new Error(`no entry for ${n}`);
}
