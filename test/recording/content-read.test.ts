// What the wrapper binds an approval to: the content kubectl will read, found by kubectl's rules
// (comma lists, globs, directory walks with and without -R, explicit files whatever their name,
// stdin read once), and what cannot be bound (pipes, devices) named rather than read.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSha256 } from '../../src/contract/content-digest.ts';
import { readsContent, splitSlice } from '../../src/contract/content-sources.ts';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { documentsIn, readContent } from '../../src/recording/content-read.ts';
import { KUBECTL } from '../helpers/run.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-content-'));
  await mkdir(join(dir, 'app', 'nested'), { recursive: true });
  await writeFile(join(dir, 'app', 'b.yaml'), 'kind: ConfigMap\n---\nkind: Secret\n');
  await writeFile(join(dir, 'app', 'a.json'), '{"kind":"ConfigMap"}');
  await writeFile(join(dir, 'app', 'README.md'), '# not read');
  await writeFile(join(dir, 'app', 'nested', 'c.yml'), 'kind: Service\n');
  await writeFile(join(dir, 'plain.txt'), 'kind: ConfigMap\n');
  await symlink(join(dir, 'app', 'nested'), join(dir, 'app', 'linked'));
  execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
  await mkdir(join(dir, 'kust'));
  await writeFile(join(dir, 'kust', 'kustomization.yaml'), 'resources:\n- cm.yaml\nnamePrefix: k-\n');
  await writeFile(join(dir, 'kust', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (argv: string[], stdin?: string) =>
  readContent(parseIntent(argv), { kubectlPath: KUBECTL, env: process.env, cwd: dir, ...(stdin !== undefined ? { stdin: Readable.from([Buffer.from(stdin)]) } : {}) });
const paths = (sources: Array<{ kind: string; path?: string; url?: string }>) => sources.map((source) => `${source.kind}:${source.path ?? source.url}`);

describe('what a command reads', () => {
  it('reads a directory\'s manifest files in byte order, its top level only without -R', async () => {
    const { digest } = await read(['apply', '-f', 'app']);
    expect(paths(digest!.sources)).toEqual(['file:app/a.json', 'file:app/b.yaml']);
    expect(digest!.documents).toBe(3);
  });

  it('walks every level with -R, without following a symlinked directory', async () => {
    const { digest } = await read(['apply', '-R', '-f', 'app']);
    expect(paths(digest!.sources)).toEqual(['file:app/a.json', 'file:app/b.yaml', 'file:app/nested/c.yml']);
  });

  it('reads a file named explicitly whatever its extension, comma lists, globs and URLs', async () => {
    const { digest } = await read(['apply', '-f', 'plain.txt,app/nested/c.yml', '-f', 'app/*.yaml', '-f', 'https://example.invalid/m.yaml']);
    expect(paths(digest!.sources)).toEqual(['file:plain.txt', 'file:app/nested/c.yml', 'file:app/b.yaml', 'url:https://example.invalid/m.yaml']);
    expect(splitSlice('"a,b.yaml",c.yaml')).toEqual(['a,b.yaml', 'c.yaml']);
  });

  it('names what cannot be bound (a pipe) or does not exist, without reading it', async () => {
    const { digest } = await read(['apply', '-f', 'pipe.yaml', '-f', 'gone.yaml']);
    expect(digest!.sources).toEqual([
      { kind: 'unbindable', flag: 'filename', path: 'pipe.yaml', problem: 'a pipe: pass the content as a regular file, or on stdin with -f -' },
      { kind: 'missing', flag: 'filename', path: 'gone.yaml' },
    ]);
  });

  it('reads stdin once and gives it back to hand to kubectl', async () => {
    const { digest, stdin } = await read(['apply', '-f', '-'], 'kind: ConfigMap\n---\nkind: Secret\n');
    expect(stdin?.toString()).toBe('kind: ConfigMap\n---\nkind: Secret\n');
    expect(digest).toMatchObject({ documents: 2, sources: [{ kind: 'stdin', path: '-', size: 33 }] });
  });

  it('does not take stdin of a terminal session as content: it cannot be bound there', async () => {
    const { digest, stdin } = await readContent(parseIntent(['edit', '-f', '-', '-f', 'plain.txt']), { kubectlPath: KUBECTL, env: process.env, cwd: dir, stdinIsContent: false });
    expect(stdin).toBeNull();
    expect(paths(digest!.sources)).toEqual(['unbindable:-', 'file:plain.txt']);
  });

  it('binds a kustomization to what kubectl kustomize renders from it', async () => {
    const { digest } = await read(['apply', '-k', 'kust']);
    const rendered = execFileSync(KUBECTL, ['kustomize', join(dir, 'kust')]);
    expect(digest!.sources).toEqual([expect.objectContaining({ kind: 'kustomization', path: 'kust', size: rendered.length, documents: 1 })]);
    const broken = await read(['apply', '-k', 'app']);
    expect(broken.digest!.sources[0]).toMatchObject({ kind: 'unbindable', problem: expect.stringMatching(/^kubectl kustomize failed/) });
  });

  it('binds the data files of create configmap --from-file and a different content gives a different digest', async () => {
    const one = await read(['create', 'configmap', 'x', '--from-file=key=plain.txt', '--from-file', 'app/nested']);
    expect(paths(one.digest!.sources)).toEqual(['file:plain.txt', 'file:app/nested/c.yml']);
    await writeFile(join(dir, 'plain.txt'), 'kind: Secret\n');
    const two = await read(['create', 'configmap', 'x', '--from-file=key=plain.txt', '--from-file', 'app/nested']);
    expect(two.digest!.sha256).not.toBe(one.digest!.sha256);
    expect(two.digest!.sha256).toBe(contentSha256(two.digest!.sources));
  });

  it('binds what kubectl cp copies into a pod: every file below a local source, links as links', async () => {
    const { digest } = await read(['cp', 'app', 'prod/web-1:/tmp/app']);
    expect(paths(digest!.sources)).toEqual(['file:app/README.md', 'file:app/a.json', 'file:app/b.yaml', 'file:app/linked', 'file:app/nested/c.yml']);
    expect(digest!.documents).toBe(0);
    expect((await read(['cp', 'prod/web-1:/etc/hosts', 'hosts'])).digest).toBeNull();
  });

  it('leaves commands that read no content alone', async () => {
    expect(readsContent(parseIntent(['get', 'pods', '-n', 'prod']))).toBe(false);
    expect(readsContent(parseIntent(['logs', '-f', 'web-1']))).toBe(false);
    expect((await read(['delete', 'pod', 'x'])).digest).toBeNull();
    expect(documentsIn(Buffer.from('---\n# only a comment\n---\nkind: A\n'))).toBe(1);
  });
});
