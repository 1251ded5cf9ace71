// Delivering a finished session to the relay: its .cast (so the relay keeps its own copy, when the
// relay accepts one that large) and the draft, for which the relay answers with the signed
// manifest, written beside the .cast. A small .cast travels inside the close request. When the
// relay cannot take it now, the manifest is marked unsigned and the draft waits in the spool;
// nothing about the session is lost either way.
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { ExitCode, isHkError } from '../errors.ts';
import type { RelayClient } from '../relay/client/client.ts';
import { INLINE_CAST_MAX_BYTES, type SignedManifest } from '../contract/relay-api.ts';
import { payloadBytes, type UnsignedManifest } from '../contract/manifest.ts';
import { writeFileAtomically } from './write-atomically.ts';
import { claim, DamagedSpoolEntry, pendingFiles, release, setAside, spoolClaimed, type ClaimedEntry, type SpoolEntry } from './spool.ts';

export type Delivery =
  | { state: 'signed'; session: string; manifestPath: string; relayCopy: boolean; alreadyClosed: boolean }
  /** The relay could not take it now (unreachable, failing, or the login needs renewing): spooled. */
  | { state: 'pending'; session: string; manifestPath: string; reason: string }
  /** The relay refused it for good (e.g. the recording differs from what was uploaded): set aside. */
  /** manifestPath is null when the spooled draft itself was damaged. */
  | { state: 'refused'; session: string; manifestPath: string | null; reason: string; keptAt: string };

export const writeSignedManifest = (path: string, manifest: SignedManifest): Promise<void> =>
  writeFileAtomically(path, `${JSON.stringify(manifest, null, 2)}\n`);

export function writeUnsignedManifest(path: string, entry: SpoolEntry): Promise<void> {
  const marker: UnsignedManifest = { hk: 1, unsigned: true, draft: entry.draft };
  return writeFileAtomically(path, `${JSON.stringify(marker, null, 2)}\n`);
}

/**
 * Closes the session with the .cast the relay will take (inside the close request when small,
 * uploaded first otherwise); throws what the relay said.
 */
async function send(client: RelayClient, entry: SpoolEntry): Promise<{ manifest: SignedManifest; alreadyClosed: boolean }> {
  const { draft, castPath } = entry;
  const size = draft.cast && castPath ? await stat(castPath).then((info) => info.size, () => null) : null;
  // A missing or changed file is not sent: the relay then records that it holds no copy, and
  // verify reports the local file as missing or altered. One larger than the relay takes (it
  // answers 413 at once, from the length) is closed without a relay copy as well.
  if (castPath !== null && size !== null && size === draft.cast?.size) {
    try {
      if (size <= INLINE_CAST_MAX_BYTES) return await client.closeSession(draft.session, draft, await readFile(castPath));
      await client.uploadCast(draft.session, createReadStream(castPath), size);
    } catch (error) {
      if (!closesWithoutCopy(error)) throw error;
    }
  }
  return client.closeSession(draft.session, draft);
}

/**
 * Refusals of the recording, not of the session: the session is still closed (the manifest then
 * says the relay holds no copy, or the one kept by an earlier try, which write-once keeps).
 */
const RECORDING_REFUSALS = new Set(['ERR_CAST_TOO_LARGE', 'ERR_QUOTA_EXCEEDED', 'ERR_CAST_EXISTS', 'ERR_CAST_INVALID']);
const closesWithoutCopy = (error: unknown): boolean => isHkError(error) && RECORDING_REFUSALS.has(error.code);

/** What the relay signed about its copy of the .cast (verify checks the manifest itself). */
function attestsRelayCopy(manifest: SignedManifest): boolean {
  try {
    return (JSON.parse(payloadBytes(manifest).toString('utf8')) as { relayCopy?: unknown }).relayCopy === true;
  } catch {
    return false;
  }
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
    const { manifest, alreadyClosed } = await send(client, entry);
    await writeSignedManifest(manifestPath, manifest);
    await rm(claimed.claimPath, { force: true });
    return { state: 'signed', session, manifestPath, relayCopy: attestsRelayCopy(manifest), alreadyClosed };
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
  return attempt(client, await spoolClaimed(spoolDir, entry), spoolDir);
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
