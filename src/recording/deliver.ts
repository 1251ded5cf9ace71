// Delivering a finished session to the relay: its .cast (so the relay keeps its own copy, when the
// relay accepts one that large), then the draft, for which the relay answers with the signed
// manifest, written beside the .cast. When the relay cannot take it now, the manifest is marked
// unsigned and the draft waits in the spool; nothing about the session is lost either way.
import { createReadStream } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ExitCode, isHkError } from '../errors.ts';
import type { RelayClient } from '../relay/client.ts';
import type { SignedManifest } from '../relay/types.ts';
import type { UnsignedManifest } from './manifest.ts';
import { claim, DamagedSpoolEntry, pendingFiles, release, setAside, spoolDraft, type ClaimedEntry, type SpoolEntry } from './spool.ts';

export type Delivery =
  | { state: 'signed'; session: string; manifestPath: string; relayCopy: boolean; alreadyClosed: boolean }
  /** The relay could not take it now (unreachable, failing, or the login needs renewing): spooled. */
  | { state: 'pending'; session: string; manifestPath: string; reason: string }
  /** The relay refused it for good (e.g. the recording differs from what was uploaded): set aside. */
  /** manifestPath is null when the spooled draft itself was damaged. */
  | { state: 'refused'; session: string; manifestPath: string | null; reason: string; keptAt: string };

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, path);
}

export const writeSignedManifest = (path: string, manifest: SignedManifest): Promise<void> =>
  writeAtomically(path, `${JSON.stringify(manifest, null, 2)}\n`);

export function writeUnsignedManifest(path: string, entry: SpoolEntry): Promise<void> {
  const marker: UnsignedManifest = { hk: 1, unsigned: true, draft: entry.draft };
  return writeAtomically(path, `${JSON.stringify(marker, null, 2)}\n`);
}

/** Uploads what the relay will take and closes the session; throws what the relay said. */
async function send(client: RelayClient, entry: SpoolEntry): Promise<{ manifest: SignedManifest; alreadyClosed: boolean; uploaded: boolean }> {
  const { draft, castPath } = entry;
  let uploaded = false;
  if (draft.cast && castPath) {
    const size = await stat(castPath).then((info) => info.size, () => null);
    // A missing or changed file is not uploaded: the relay then records that it holds no copy,
    // and verify reports the local file as missing or altered. One larger than the relay takes
    // (it answers 413 at once, from the length) is closed without a relay copy as well.
    if (size === draft.cast.size) {
      try {
        await client.uploadCast(draft.session, createReadStream(castPath), size);
        uploaded = true;
      } catch (error) {
        if (!(isHkError(error) && error.code === 'ERR_CAST_TOO_LARGE')) throw error;
      }
    }
  }
  return { ...(await client.closeSession(draft.session, draft)), uploaded };
}

/** Whether a failed delivery should be tried again later rather than set aside. */
function worthRetrying(error: unknown): boolean {
  return !isHkError(error) || error.exitCode === ExitCode.temporary || error.exitCode === ExitCode.config;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function attempt(client: RelayClient, claimed: ClaimedEntry, spoolDir: string): Promise<Delivery> {
  const { entry, session } = claimed;
  const { manifestPath } = entry;
  try {
    const { manifest, alreadyClosed, uploaded } = await send(client, entry);
    await writeSignedManifest(manifestPath, manifest);
    await rm(claimed.claimPath, { force: true });
    return { state: 'signed', session, manifestPath, relayCopy: uploaded, alreadyClosed };
  } catch (error) {
    const reason = reasonOf(error);
    await writeUnsignedManifest(manifestPath, entry);
    if (worthRetrying(error)) {
      await release(spoolDir, claimed);
      return { state: 'pending', session, manifestPath, reason };
    }
    return { state: 'refused', session, manifestPath, reason, keptAt: await setAside(spoolDir, claimed, reason) };
  }
}

/**
 * Delivers a session that has just ended. Its draft enters the spool first, so a hkubectl killed
 * mid-delivery leaves it there for the next run rather than losing it.
 */
export async function deliverSession(client: RelayClient, entry: SpoolEntry, spoolDir: string): Promise<Delivery> {
  const path = await spoolDraft(spoolDir, entry);
  const claimed = await claim(spoolDir, basename(path));
  if (!claimed) return { state: 'pending', session: entry.draft.session, manifestPath: entry.manifestPath, reason: 'another hkubectl is delivering it' };
  return attempt(client, claimed, spoolDir);
}

/**
 * Sends what waits in the spool, oldest name first. Stops at the first session the relay could
 * not take now (it is most likely down), leaving that one and the rest for later.
 */
export async function syncSpool(client: RelayClient, spoolDir: string, onDelivery: (delivery: Delivery) => void = () => {}): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  for (const name of await pendingFiles(spoolDir)) {
    let delivery: Delivery;
    try {
      const claimed = await claim(spoolDir, name);
      if (!claimed) continue;
      delivery = await attempt(client, claimed, spoolDir);
    } catch (error) {
      if (!(error instanceof DamagedSpoolEntry)) throw error;
      delivery = { state: 'refused', session: error.session, manifestPath: null, reason: error.message, keptAt: error.keptAt };
    }
    deliveries.push(delivery);
    onDelivery(delivery);
    if (delivery.state === 'pending') break;
  }
  return deliveries;
}
