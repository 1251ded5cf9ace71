// The relay's own readers open regular files only: a symbolic link, a FIFO or a directory put
// where a kept recording or the audit log should be (by anyone who can write the data
// directory) is never read or served as if it were the relay's copy.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobPath, readBlob } from '../../../../src/relay/server/store/session-blobs.ts';
import { readLogLines } from '../../../../src/relay/server/store/log-lines.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-blob-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the relay's readers of its data directory", () => {
  it('serve a kept recording that is a regular file', async () => {
    await writeFile(blobPath(dir, 'cast', 'good'), '{"version":2}\n');
    const blob = await readBlob(dir, 'cast', 'good');
    expect(blob?.size).toBe(14);
    const chunks: Buffer[] = [];
    for await (const chunk of blob!.open()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('{"version":2}\n');
  });

  it('read a symbolic link, a FIFO or a directory under a recording\'s name as absent, never its target', async () => {
    const secret = join(dir, 'keys.json');
    await writeFile(secret, '{"private":"not for the page"}');
    await symlink(secret, blobPath(dir, 'cast', 'linked'));
    await symlink('/etc/passwd', blobPath(dir, 'manifest', 'linked'));
    execFileSync('mkfifo', [blobPath(dir, 'cast', 'piped')]);
    await mkdir(blobPath(dir, 'cast', 'folder'));
    expect(await readBlob(dir, 'cast', 'linked')).toBeNull();
    expect(await readBlob(dir, 'manifest', 'linked')).toBeNull();
    expect(await readBlob(dir, 'cast', 'piped')).toBeNull();
    expect(await readBlob(dir, 'cast', 'folder')).toBeNull();
  });

  it('refuse an audit log that is a symbolic link, naming what it is', async () => {
    const real = join(dir, 'elsewhere.jsonl');
    await writeFile(real, '{"v":1}\n');
    const log = join(dir, 'audit.jsonl');
    await symlink(real, log);
    const read = async () => {
      for await (const line of readLogLines(log)) void line;
    };
    await expect(read()).rejects.toMatchObject({ code: 'ERR_NOT_REGULAR_FILE' });
  });
});
