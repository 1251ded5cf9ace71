// The spool: session drafts that could not reach the relay when their session ended, kept until
// the next run or `hkubectl sync` delivers them. One JSON file per session; a sender claims a
// file by renaming it, so two hkubectl processes never send the same session at once, and a
// claim left by a process that died is taken over.
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ManifestFormatError, parseDraft, type SessionDraft } from '../contract/manifest.ts';
import { writeFileAtomically } from './write-atomically.ts';

export type SpoolEntry = {
  hk: 1;
  draft: SessionDraft;
  /** The .cast to upload before closing (null when nothing was recorded). */
  castPath: string | null;
  /** Where the signed manifest goes (replacing the unsigned marker). */
  manifestPath: string;
};

export type ClaimedEntry = { entry: SpoolEntry; claimPath: string; session: string };

const ENTRY = /^([A-Za-z0-9_-]{1,128})\.json$/;
const CLAIM = /^([A-Za-z0-9_-]{1,128})\.json\.claim-(\d+)$/;

/**
 * Spools a draft already claimed by this process, which delivers it right away. Should this
 * process die, the claim is taken over like any other left by a dead process; a delivery that
 * fails for now releases it (`release`) for the next run or `hkubectl sync`.
 */
export async function spoolClaimed(spoolDir: string, entry: SpoolEntry): Promise<ClaimedEntry> {
  const session = entry.draft.session;
  const claimPath = join(spoolDir, `${session}.json.claim-${process.pid}`);
  await mkdir(spoolDir, { recursive: true, mode: 0o700 });
  await writeFileAtomically(claimPath, `${JSON.stringify(entry)}\n`);
  return { entry, claimPath, session };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Names of the files waiting to be sent: unclaimed ones, and claims whose process is gone. */
export async function pendingFiles(spoolDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(spoolDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.filter((name) => {
    if (ENTRY.test(name)) return true;
    const claim = CLAIM.exec(name);
    return claim !== null && !alive(Number(claim[2]));
  }).sort();
}

/** Takes one file for this process; null when another process took it first. */
export async function claim(spoolDir: string, name: string): Promise<ClaimedEntry | null> {
  const session = (ENTRY.exec(name) ?? CLAIM.exec(name))![1]!;
  const claimPath = join(spoolDir, `${session}.json.claim-${process.pid}`);
  try {
    await rename(join(spoolDir, name), claimPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return { entry: parseEntry(await readFile(claimPath, 'utf8'), claimPath), claimPath, session };
  } catch (error) {
    // A damaged entry would stop every later sync at the same place: keep it aside, as it is.
    const keptAt = join(await refusedDir(spoolDir), `${session}.json`);
    await rename(claimPath, keptAt);
    throw new DamagedSpoolEntry(session, keptAt, error);
  }
}

export class DamagedSpoolEntry extends Error {
  constructor(readonly session: string, readonly keptAt: string, cause: unknown) {
    super(`the spooled draft is damaged (${(cause as Error).message}); it was moved to ${keptAt}`, { cause });
  }
}

async function refusedDir(spoolDir: string): Promise<string> {
  const dir = join(spoolDir, 'refused');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Puts a claimed entry back for a later attempt. */
export async function release(spoolDir: string, claimed: ClaimedEntry): Promise<void> {
  await rename(claimed.claimPath, join(spoolDir, `${claimed.session}.json`));
}

/** Moves an entry the relay refused for good out of the way, keeping it and the reason. */
export async function setAside(spoolDir: string, claimed: ClaimedEntry, reason: string): Promise<string> {
  const path = join(await refusedDir(spoolDir), `${claimed.session}.json`);
  await writeFileAtomically(path, `${JSON.stringify({ ...claimed.entry, refused: reason })}\n`);
  await rm(claimed.claimPath, { force: true });
  return path;
}

function parseEntry(text: string, where: string): SpoolEntry {
  let raw: Partial<SpoolEntry>;
  try {
    raw = JSON.parse(text) as Partial<SpoolEntry>;
  } catch (error) {
    throw new ManifestFormatError(where, `not valid JSON (${(error as Error).message})`);
  }
  if (raw.hk !== 1) throw new ManifestFormatError(where, 'must be 1', 'hk');
  if (raw.castPath !== null && typeof raw.castPath !== 'string') throw new ManifestFormatError(where, 'must be a path or null', 'castPath');
  if (typeof raw.manifestPath !== 'string') throw new ManifestFormatError(where, 'must be a path', 'manifestPath');
  return { hk: 1, draft: parseDraft(raw.draft, where), castPath: raw.castPath, manifestPath: raw.manifestPath };
}
