// The spool on a real filesystem: drafts kept until the relay takes them, claimed by one sender at
// a time, taken over from a sender that died, and never lost when refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { SessionDraft } from '../../src/contract/manifest.ts';
import { claim, DamagedSpoolEntry, pendingFiles, release, setAside, spoolClaimed, type SpoolEntry } from '../../src/recording/spool.ts';

const draftOf = (session: string): SessionDraft => ({
  hk: 1, session, cast: { file: `${session}.cast`, sha256: 'ab'.repeat(32), size: 10, events: 2 },
  startedAt: '2026-03-01T10:00:00.000Z', endedAt: '2026-03-01T10:00:01.000Z', exitCode: 0, signal: null, terminal: false,
  masking: { profile: 'standard', counts: {} },
});
const entryOf = (session: string): SpoolEntry => ({ hk: 1, draft: draftOf(session), castPath: `/r/${session}.cast`, manifestPath: `/r/${session}.manifest.json` });

/** A draft left waiting, as a delivery that failed for now leaves it: spooled claimed, then released. */
const spoolDraft = async (dir: string, entry: SpoolEntry): Promise<void> => release(dir, await spoolClaimed(dir, entry));

/** A pid that is certainly not running: a child that has already exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'hk-spool-')), 'spool');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('the spool', () => {
  it('is empty when its directory does not exist yet', async () => {
    expect(await pendingFiles(dir)).toEqual([]);
  });

  it('keeps a draft in a private file until it is claimed, and gives it back on release', async () => {
    await spoolDraft(dir, entryOf('s-1'));
    expect((await stat(join(dir, 's-1.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await pendingFiles(dir)).toEqual(['s-1.json']);

    const claimed = await claim(dir, 's-1.json');
    expect(claimed?.entry).toEqual(entryOf('s-1'));
    expect(await pendingFiles(dir)).toEqual([]);

    await release(dir, claimed!);
    expect(await pendingFiles(dir)).toEqual(['s-1.json']);
  });

  it('spools a draft already claimed by its sender, which another sender takes over only once that process is gone', async () => {
    const claimed = await spoolClaimed(dir, entryOf('s-5'));
    expect(claimed).toEqual({ entry: entryOf('s-5'), claimPath: join(dir, `s-5.json.claim-${process.pid}`), session: 's-5' });
    expect((await stat(claimed.claimPath)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([`s-5.json.claim-${process.pid}`]);
    expect(await pendingFiles(dir)).toEqual([]);

    const orphan = join(dir, `s-5.json.claim-${deadPid()}`);
    await rename(claimed.claimPath, orphan);
    expect(await pendingFiles(dir)).toEqual([basename(orphan)]);
    expect((await claim(dir, basename(orphan)))?.entry).toEqual(entryOf('s-5'));
  });

  it('lets only one of two senders claim the same draft', async () => {
    await spoolDraft(dir, entryOf('s-2'));
    const [first, second] = await Promise.all([claim(dir, 's-2.json'), claim(dir, 's-2.json')]);
    expect([first, second].filter((c) => c !== null)).toHaveLength(1);
  });

  it('takes over a claim whose process has died, but not one whose process is alive', async () => {
    const entry = JSON.stringify(entryOf('s-3'));
    await spoolDraft(dir, entryOf('s-0'));
    await writeFile(join(dir, `s-3.json.claim-${deadPid()}`), entry);
    await writeFile(join(dir, `s-4.json.claim-${process.pid}`), JSON.stringify(entryOf('s-4')));
    const pending = await pendingFiles(dir);
    expect(pending).toEqual(['s-0.json', expect.stringMatching(/^s-3\.json\.claim-\d+$/)]);
    const taken = await claim(dir, pending[1]!);
    expect(taken?.session).toBe('s-3');
    expect(taken?.entry.draft.session).toBe('s-3');
  });

  it('sets a refused draft aside with the reason, keeping it', async () => {
    await spoolDraft(dir, entryOf('s-5'));
    const claimed = await claim(dir, 's-5.json');
    const kept = await setAside(dir, claimed!, 'the draft\'s cast sha256 differs from the uploaded copy');
    expect(await pendingFiles(dir)).toEqual([]);
    expect(await readdir(dir)).toEqual(['refused']);
    const body = JSON.parse(await readFile(kept, 'utf8')) as SpoolEntry & { refused: string };
    expect(body.draft).toEqual(draftOf('s-5'));
    expect(body.refused).toContain('differs from the uploaded copy');
  });

  it('moves a damaged entry aside as it is, naming the field, so it cannot block later syncs', async () => {
    await spoolDraft(dir, entryOf('s-6'));
    const damaged = JSON.stringify({ ...entryOf('s-6'), draft: { ...draftOf('s-6'), exitCode: 'zero' } });
    await writeFile(join(dir, 's-6.json'), damaged);
    await expect(claim(dir, 's-6.json')).rejects.toThrow(DamagedSpoolEntry);
    await expect(claim(dir, 's-6.json')).resolves.toBeNull();
    expect(await readFile(join(dir, 'refused', 's-6.json'), 'utf8')).toBe(damaged);

    await writeFile(join(dir, 's-7.json'), '{"hk":1,');
    const error = await claim(dir, 's-7.json').catch((e: unknown) => e) as DamagedSpoolEntry;
    expect(error.message).toMatch(/^the spooled draft is damaged \(.*s-7\.json\.claim-\d+: not valid JSON.*\); it was moved to .*refused\/s-7\.json$/);
    expect(await pendingFiles(dir)).toEqual([]);
  });

  it('ignores files that are not drafts (temporary files, other names)', async () => {
    await spoolDraft(dir, entryOf('s-8'));
    await writeFile(join(dir, 's-9.json.tmp-123'), '{}');
    await writeFile(join(dir, 'notes.txt'), 'x');
    expect(await pendingFiles(dir)).toEqual(['s-8.json']);
  });
});
