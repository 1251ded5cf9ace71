// The content a kubectl command will read, read the way kubectl reads it, so an approval can be
// bound to it (src/contract/content-digest.ts). kubectl's rules (cli-runtime resource/builder.go
// and visitor.go, v1.32):
//   - `-f` is a string slice: values are comma-separated lists (CSV), repeatable;
//   - `-f -` is stdin; `-f http(s)://…` is fetched by kubectl (bound here to the URL text);
//   - a path that does not exist is expanded as a glob (Go's filepath.Glob), else it is an error;
//   - a directory is walked with filepath.Walk (lexical order, root included by Lstat, symlinks
//     not followed into): its top level only, or every level with `-R`; inside a directory only
//     files ending .json, .yaml or .yml are read, a file named explicitly whatever its name;
//   - `-k <dir>` is what `kubectl kustomize <dir>` renders, which is therefore what is hashed.
// Data files (`--from-file`, `--from-env-file`, `--patch-file`, `create secret tls --cert/--key`,
// `debug --custom`) are bound too: they become the objects written. Pipes, devices and other
// files that are not regular cannot be read without taking their content from kubectl, so they
// are reported unbindable (and an approval cannot cover them); stdin is read once here and handed
// to kubectl from that copy.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { contentDigest, type ContentDigest, type ContentFlag, type ContentSource } from '../contract/content-digest.ts';
import { UsageError } from '../errors.ts';
import type { CommandIntent } from '../kubectl/intent.ts';
import { contentFlags, isRecursive } from '../contract/content-sources.ts';

const MANIFEST_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);
const STDIN_PATHS = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);
/** The most a bound source may hold: manifests are small, and stdin is kept in memory to hand on. */
export const MAX_CONTENT_BYTES = 64 * 1024 * 1024;

export type ContentReadOptions = {
  kubectlPath: string;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  stdin?: NodeJS.ReadableStream;
  /** stdin as an earlier read found it: stdin is read once, and its copy is what kubectl gets. */
  stdinBytes?: Buffer | null;
  /** false in a terminal session: stdin is the person's keyboard there, not content to hash. */
  stdinIsContent?: boolean;
};

export type ContentRead = {
  digest: ContentDigest | null;
  /** What stdin held, when the command reads it as content: kubectl gets exactly these bytes. */
  stdin: Buffer | null;
};

export async function readContent(intent: CommandIntent, options: ContentReadOptions): Promise<ContentRead> {
  const flags = contentFlags(intent);
  if (flags.length === 0) return { digest: null, stdin: null };
  const cwd = options.cwd ?? process.cwd();
  const recursive = isRecursive(intent);
  const sources: ContentSource[] = [];
  let stdin: Buffer | null = options.stdinBytes ?? null;
  for (const { flag, values } of flags) {
    for (const value of values) {
      if (flag === 'kustomize') {
        sources.push(await kustomization(value, options));
        continue;
      }
      if (flag === 'filename' && /^https?:\/\//.test(value)) {
        sources.push({ kind: 'url', flag, url: value });
        continue;
      }
      if (STDIN_PATHS.has(value) && options.stdinIsContent === false) {
        sources.push({ kind: 'unbindable', flag, path: value, problem: 'stdin of a terminal session' });
        continue;
      }
      if (STDIN_PATHS.has(value)) {
        stdin ??= await readStdin(options.stdin ?? process.stdin);
        sources.push({ kind: 'stdin', flag, path: value, sha256: sha256(stdin), size: stdin.length, documents: flag === 'filename' ? documentsIn(stdin) : null });
        continue;
      }
      if (flag === 'cp-source') {
        sources.push(...await copiedTree(value, cwd));
        continue;
      }
      const walked = flag === 'filename' ? await walkFilename(value, recursive, cwd) : flag === 'from-file' ? await walkDataDir(value, cwd) : [value];
      for (const path of walked) sources.push(await fileSource(flag, path, cwd, flag === 'filename' || flag === 'custom'));
    }
  }
  return { digest: contentDigest(sources), stdin };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Non-empty YAML (or JSON) documents, as kubectl's YAMLOrJSONDecoder would yield them. */
export function documentsIn(bytes: Buffer): number {
  const text = bytes.toString('utf8');
  try {
    // A document holding only comments or `null` is skipped by kubectl's decoder, as here.
    // yaml loads only for a command that reads manifests: the governed bundle stays small for the rest.
    const { parseAllDocuments } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    return Array.from(parseAllDocuments(text)).filter((doc) => doc.contents !== null && doc.toJS({ maxAliasCount: 100 }) != null).length;
  } catch {
    return text.trim() === '' ? 0 : 1;
  }
}

async function fileSource(flag: ContentFlag, path: string, cwd: string, manifest: boolean): Promise<ContentSource> {
  const full = resolve(cwd, path);
  let info;
  try {
    info = await stat(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing', flag, path };
    return { kind: 'unbindable', flag, path, problem: `cannot be read (${code ?? String(error)})` };
  }
  if (!info.isFile()) {
    const what = info.isDirectory() ? 'a directory behind a symbolic link, which kubectl does not walk' : info.isFIFO() ? 'a pipe' : info.isSocket() ? 'a socket' : 'a device';
    return { kind: 'unbindable', flag, path, problem: `${what}: pass the content as a regular file, or on stdin with -f -` };
  }
  if (info.size > MAX_CONTENT_BYTES) return { kind: 'unbindable', flag, path, problem: `larger than ${MAX_CONTENT_BYTES} bytes` };
  let bytes: Buffer;
  try {
    bytes = await readFile(full);
  } catch (error) {
    return { kind: 'unbindable', flag, path, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  return { kind: 'file', flag, path, sha256: sha256(bytes), size: bytes.length, documents: manifest ? documentsIn(bytes) : null };
}

/** `-f PATH`: a file, a directory (walked), or a glob when nothing exists at PATH. */
async function walkFilename(path: string, recursive: boolean, cwd: string): Promise<string[]> {
  const exists = await stat(resolve(cwd, path)).then(() => true, (error: NodeJS.ErrnoException) => error.code !== 'ENOENT');
  const roots = exists || !/[*?[\\]/.test(path) ? [path] : await glob(path, cwd);
  if (roots.length === 0) return [path];
  const files: string[] = [];
  for (const root of roots) await walk(root, root, recursive, cwd, files);
  return files;
}

/** filepath.Walk as kubectl uses it: Lstat on the root, names in byte order, no symlinked directories. */
async function walk(root: string, path: string, recursive: boolean, cwd: string, into: string[]): Promise<void> {
  let info;
  try {
    info = await lstat(resolve(cwd, path));
  } catch {
    into.push(path);
    return;
  }
  if (!info.isDirectory()) {
    if (path === root || MANIFEST_EXTENSIONS.has(extname(path))) into.push(path);
    return;
  }
  if (path !== root && !recursive) return;
  const names = (await readdir(resolve(cwd, path))).sort(byteOrder);
  for (const name of names) await walk(root, join(path, name), recursive, cwd, into);
}

/**
 * `kubectl cp LOCAL pod:path` tars LOCAL: every file below it, and symbolic links as links (so a
 * link is bound by its target's name, hashed as the text "symlink:<target>").
 */
async function copiedTree(root: string, cwd: string): Promise<ContentSource[]> {
  const sources: ContentSource[] = [];
  const visit = async (path: string): Promise<void> => {
    const info = await lstat(resolve(cwd, path)).catch(() => null);
    if (info === null) {
      sources.push({ kind: 'missing', flag: 'cp-source', path });
      return;
    }
    if (info.isSymbolicLink()) {
      const target = Buffer.from(`symlink:${await readlink(resolve(cwd, path))}`);
      sources.push({ kind: 'file', flag: 'cp-source', path, sha256: sha256(target), size: target.length, documents: null });
      return;
    }
    if (!info.isDirectory()) {
      sources.push(await fileSource('cp-source', path, cwd, false));
      return;
    }
    for (const name of (await readdir(resolve(cwd, path))).sort(byteOrder)) await visit(join(path, name));
  };
  await visit(root);
  return sources;
}

/** `--from-file DIR`: every regular file at the top of the directory (kubectl does not recurse). */
async function walkDataDir(path: string, cwd: string): Promise<string[]> {
  const info = await stat(resolve(cwd, path)).catch(() => null);
  if (!info?.isDirectory()) return [path];
  const entries = await readdir(resolve(cwd, path), { withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => join(path, entry.name)).sort(byteOrder);
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Go's filepath.Glob: `*`, `?`, `[…]` (with `^` negation, ranges) and `\` escapes, per path segment. */
export async function glob(pattern: string, cwd: string): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((segment, index) => segment !== '' || index === 0);
  let matches = [absolute ? '/' : ''];
  for (const segment of absolute ? segments.slice(1) : segments) {
    const next: string[] = [];
    for (const base of matches) {
      if (!/[*?[\\]/.test(segment)) {
        next.push(base === '' ? segment : join(base, segment));
        continue;
      }
      const matcher = globSegment(segment);
      if (matcher === null) return [];
      const names = await readdir(resolve(cwd, base || '.')).catch(() => [] as string[]);
      for (const name of names.sort(byteOrder)) if (matcher.test(name)) next.push(base === '' ? name : join(base, name));
    }
    matches = next;
  }
  const existing: string[] = [];
  for (const match of matches) if (await lstat(resolve(cwd, match)).then(() => true, () => false)) existing.push(match);
  return existing;
}

function globSegment(segment: string): RegExp | null {
  let source = '';
  for (let i = 0; i < segment.length; i += 1) {
    const char = segment[i]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '\\') {
      i += 1;
      if (i >= segment.length) return null;
      source += escapeRegExp(segment[i]!);
    } else if (char === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end === -1) return null;
      let body = segment.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

async function readStdin(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_CONTENT_BYTES) {
      throw new UsageError('ERR_STDIN_TOO_LARGE', `stdin holds more than ${MAX_CONTENT_BYTES} bytes of manifests, more than hkubectl binds to an approval`, {
        hint: 'nothing was run; split the manifests into several commands',
      });
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/** `kubectl kustomize DIR` with the same kubectl and environment: the objects `-k DIR` applies. */
async function kustomization(path: string, options: ContentReadOptions): Promise<ContentSource> {
  const rendered = await new Promise<{ code: number | null; out: Buffer; err: string }>((resolve) => {
    const child = spawn(options.kubectlPath, ['kustomize', path], { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', (error) => resolve({ code: null, out: Buffer.alloc(0), err: error.message }));
    child.once('close', (code) => resolve({ code, out: Buffer.concat(out), err }));
  });
  if (rendered.code !== 0) {
    const why = rendered.err.trim().split('\n')[0] ?? `exit ${rendered.code}`;
    return { kind: 'unbindable', flag: 'kustomize', path, problem: `kubectl kustomize failed: ${why.slice(0, 200)}` };
  }
  return { kind: 'kustomization', flag: 'kustomize', path, sha256: sha256(rendered.out), size: rendered.out.length, documents: documentsIn(rendered.out) };
}
