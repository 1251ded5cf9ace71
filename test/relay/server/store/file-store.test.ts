// The file store: the store contract, and what only files need — a full disk that leaves no torn
// line, refuses the entries it could not write (changing nothing), reports itself unwritable, and
// takes appends again once space is back.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../src/contract/audit-chain.ts';
import { AUDIT_LOG_FILE, openFileStore, type FileStore } from '../../../../src/relay/server/store/file-store.ts';
import { scanAuditLog } from '../../../../src/relay/server/store/audit-scan.ts';
import type { WriteBytes } from '../../../../src/relay/server/store/audit-log.ts';
import { storeContract } from './store-contract.ts';

storeContract('files in a data directory', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hk-store-'));
  const opened: FileStore[] = [await openFileStore({ dataDir })];
  return {
    store: opened[0]!,
    reopen: async () => opened[opened.push(await openFileStore({ dataDir })) - 1]!,
    // One relay per data directory (a lock in server.ts): a second writer is the same store.
    second: async () => null,
    async cleanup() {
      for (const store of opened) await store.close().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

const event = (n: number, padding = 0): AuditEvent => ({ type: 'expire', requestId: `r-${n}`, command: `kubectl get pods ${'x'.repeat(padding)}` });

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/**
 * A real, small filesystem: tmpfs of 64 KiB. Mounting needs root; CI runs as root (like this
 * machine), so the test uses a real full disk rather than a simulated one.
 */
async function smallDisk(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hk-small-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir]);
  cleanups.push(async () => {
    execFileSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

async function fillUp(dir: string): Promise<string> {
  const filler = join(dir, 'filler');
  // Write until the disk refuses: what is left is less than one block.
  await writeFile(filler, Buffer.alloc(1024 * 1024)).catch((error: NodeJS.ErrnoException) => expect(error.code).toBe('ENOSPC'));
  return filler;
}

async function open(dataDir: string, writeBytes?: WriteBytes): Promise<FileStore> {
  const store = await openFileStore({ dataDir, ...(writeBytes ? { writeBytes } : {}) });
  cleanups.push(() => store.close().catch(() => {}));
  return store;
}

describe('the file store on a full disk', () => {
  it('leaves no torn line, refuses the entries with 503-class errors, says it cannot write, and takes appends again once space is back', async () => {
    const dataDir = join(await smallDisk(), 'relay');
    const store = await open(dataDir);
    const rolledBack: number[] = [];
    await store.subscribe(0, () => {}, (head) => rolledBack.push(head.seq));
    await store.append([event(1), event(2)]);
    const before = await readFile(join(dataDir, AUDIT_LOG_FILE));
    const filler = await fillUp(dataDir.replace(/\/relay$/, ''));

    // Entries big enough that a write cannot fit in what is left.
    const refused = await Promise.allSettled([store.append([event(3, 8000)]), store.append([event(4, 8000)])]);
    expect(refused.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_AUDIT_LOG_WRITE', exitCode: 75, message: expect.stringMatching(/ENOSPC/) });
    expect(await readFile(join(dataDir, AUDIT_LOG_FILE))).toEqual(before);
    expect(await store.head()).toMatchObject({ seq: 2 });
    expect(rolledBack).toEqual([2]);
    expect(await store.health()).toMatchObject({ writable: false, problem: expect.stringMatching(/cannot write the audit log .*ENOSPC/) });

    await rm(filler);
    expect(await store.health()).toEqual({ writable: true });
    const [next] = await store.append([event(5, 8000)]);
    expect(next!.seq).toBe(3);
    const scan = await scanAuditLog(join(dataDir, AUDIT_LOG_FILE));
    expect(scan).toMatchObject({ entries: 3, broken: null, head: { seq: 3, hash: next!.hash } });
  });

  it('cuts a write that failed half-way back off, whatever bytes reached the file', async () => {
    // A partial write then an error is what a disk filling mid-batch does; tmpfs refuses whole
    // pages, so this one case injects the file-write function to make the partial write certain.
    const dataDir = await mkdtemp(join(tmpdir(), 'hk-store-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    let failing = false;
    const writeBytes: WriteBytes = async (handle, bytes, offset, length) => {
      if (!failing) return handle.write(bytes, offset, length);
      await handle.write(bytes, offset, Math.min(length, 17));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    const store = await open(dataDir, writeBytes);
    await store.append([event(1)]);
    const before = await readFile(join(dataDir, AUDIT_LOG_FILE));
    failing = true;
    await expect(store.append([event(2)])).rejects.toMatchObject({ code: 'ERR_AUDIT_LOG_WRITE' });
    expect(await readFile(join(dataDir, AUDIT_LOG_FILE))).toEqual(before);
    failing = false;
    expect((await store.append([event(3)]))[0]!.seq).toBe(2);
    expect(await scanAuditLog(join(dataDir, AUDIT_LOG_FILE))).toMatchObject({ entries: 2, broken: null });
  });
});
