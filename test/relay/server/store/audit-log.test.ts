import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS, sha256Hex } from '../../../../src/contract/audit-chain.ts';
import { openAuditLog } from '../../../../src/relay/server/store/audit-log.ts';
import { readAuditEntries } from '../../../../src/relay/server/store/audit-read.ts';
import { scanAuditLog } from '../../../../src/relay/server/store/audit-scan.ts';
import { fileStoreReader } from '../../../../src/relay/server/store/file-store.ts';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-audit-'));
  file = join(dir, 'audit.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('audit log', () => {
  it('chains every line to the hash of the one before, starting from the genesis hash', async () => {
    const log = await openAuditLog({ file, now: () => new Date('2026-01-02T03:04:05Z') });
    await log.append({ type: 'decision', outcome: 'allow' }).durable;
    await log.append({ type: 'review', verdict: 'deny' }).durable;
    await log.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    const [first, second] = lines.map((line) => (line ? JSON.parse(line) : null));
    expect(first).toMatchObject({ v: 1, seq: 1, ts: '2026-01-02T03:04:05.000Z', type: 'decision', prev: GENESIS, outcome: 'allow' });
    expect(second.prev).toBe(first.hash);
    expect(first.hash).toBe(sha256Hex(lines[0]!.replace(/,"hash":"[0-9a-f]{64}"\}$/, '}')));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('writes appends that arrive during an fsync together, in call order, all durable', async () => {
    const log = await openAuditLog({ file });
    const appended = Array.from({ length: 500 }, (_, index) => log.append({ type: 'decision', index }));
    expect(appended.map(({ entry }) => entry.seq)).toEqual(Array.from({ length: 500 }, (_, index) => index + 1));
    await Promise.all(appended.map(({ durable }) => durable));
    await log.close();
    const scan = await scanAuditLog(file);
    expect(scan).toMatchObject({ entries: 500, broken: null, head: { seq: 500, hash: appended.at(-1)!.entry.hash } });
  });

  it('continues the chain after reopening and replays existing entries to onEntry', async () => {
    const first = await openAuditLog({ file });
    await first.append({ type: 'a' }).durable;
    await first.close();
    const seen: string[] = [];
    const second = await openAuditLog({ file, onEntry: (entry) => seen.push(entry.type) });
    const { entry, durable } = second.append({ type: 'b' });
    await durable;
    await second.close();
    expect(seen).toEqual(['a']);
    expect(entry.seq).toBe(2);
    expect((await scanAuditLog(file)).broken).toBeNull();
  });

  it('reports the first broken link with its line number', async () => {
    const log = await openAuditLog({ file });
    for (const type of ['a', 'b', 'c', 'd']) log.append({ type });
    await log.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.splice(1, 1);
    await writeFile(file, lines.join('\n'));
    expect((await scanAuditLog(file)).broken).toMatchObject({ lineNumber: 2, seq: 3, isLast: false, message: expect.stringContaining('seq 3 where 2 was expected') });
  });

  it('refuses to read entries of an audit-log version it does not know', async () => {
    await writeFile(file, '{"v":2,"seq":1,"ts":"2030-01-01T00:00:00Z","type":"x"}\n');
    await expect(readAuditEntries(fileStoreReader(dir))).rejects.toMatchObject({ code: 'ERR_AUDIT_LOG_VERSION' });
    expect((await scanAuditLog(file)).broken?.message).toMatch(/unknown audit-log version 2/);
  });

  it('lists entries since a time, most recent last', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const log = await openAuditLog({ file, now: () => new Date((clock += 60_000)) });
    for (const type of ['a', 'b', 'c']) log.append({ type });
    await log.close();
    expect((await readAuditEntries(fileStoreReader(dir), { since: new Date('2026-01-01T00:02:00Z') })).map((entry) => entry.type)).toEqual(['b', 'c']);
    expect((await readAuditEntries(fileStoreReader(dir), { limit: 1 })).map((entry) => entry.type)).toEqual(['c']);
  });
});
