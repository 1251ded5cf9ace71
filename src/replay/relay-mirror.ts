// Sessions as the relay holds them: every closed session's signed manifest and the relay's own
// copy of its .cast, fetched into a private temporary directory (plus the relay's JWKS), so that
// the player verifies and plays them exactly like local recordings. A session whose .cast the
// relay does not hold shows up as a missing recording. A gateway session's relay record (what the
// relay itself saw, bound in the manifest) is fetched beside them, so verify and export check and
// carry the relay-observed evidence; a local-mode session has none (404).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { castFileName, isSessionId, manifestFileName } from '../contract/manifest.ts';
import { relayRecordFileName } from '../contract/relay-record.ts';
import { relayClientFor } from '../relay/client/cli-client.ts';
import type { RelayClient } from '../relay/client/client.ts';
import { RelayError } from '../relay/client/client-errors.ts';
import { loadJwks } from './recordings-dir.ts';
import type { Jwks } from './verification.ts';

/** Where an auditor command reads sessions from: a directory, with the keys to check them. */
export interface OpenedSource {
  dir: string;
  jwks: Jwks | null;
  label: string;
  close(): Promise<void>;
}

/** `mine`: only the caller's own sessions (an agent replaying what it did), not every session (auditors). */
export async function mirrorRelaySessions(
  url: string | undefined, jwksFile: string | undefined, progress: (line: string) => void, env: NodeJS.ProcessEnv, mine = false,
): Promise<OpenedSource> {
  const client = relayClientFor(url === undefined ? {} : { relay: url }, env);
  try {
    return await mirrorWith(client, jwksFile, progress, mine);
  } finally {
    await client.close();
  }
}

export async function mirrorWith(
  client: Pick<RelayClient, 'url' | 'jwks' | 'sessions' | 'ownSessions' | 'sessionManifest' | 'sessionCast' | 'sessionRecord'>, jwksFile: string | undefined, progress: (line: string) => void, mine = false,
): Promise<OpenedSource> {
  const dir = await mkdtemp(join(tmpdir(), 'hk-relay-sessions-'));
  const close = () => rm(dir, { recursive: true, force: true });
  try {
    const jwks = jwksFile !== undefined ? await loadJwks(jwksFile, dir) : await client.jwks();
    await writeFile(join(dir, 'jwks.json'), JSON.stringify(jwks));
    const sessions = (await (mine ? client.ownSessions('closed') : client.sessions('closed'))).filter((s) => isSessionId(s.sessionId));
    let done = 0;
    for (const { sessionId } of sessions) {
      await writeFile(join(dir, manifestFileName(sessionId)), JSON.stringify(await client.sessionManifest(sessionId)), { mode: 0o600 });
      // No copy at the relay: the manifest stays, and verification reports the missing .cast.
      await fetchUnlessMissing(() => client.sessionCast(sessionId), join(dir, castFileName(sessionId)));
      // No record: a local-mode session (a gateway manifest without its record is flagged by verify).
      await fetchUnlessMissing(() => client.sessionRecord(sessionId), join(dir, relayRecordFileName(sessionId)));
      done += 1;
      if (done % 100 === 0) progress(`fetched ${done}/${sessions.length} sessions from ${client.url}`);
    }
    progress(`fetched ${sessions.length} sessions from ${client.url}`);
    return { dir, jwks: jwks as OpenedSource['jwks'], label: client.url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Saves what `open` streams to `file` (0600); a 404 leaves no file. */
async function fetchUnlessMissing(open: () => Promise<NodeJS.ReadableStream>, file: string): Promise<void> {
  try {
    await pipeline(await open(), createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    if (!(error instanceof RelayError && error.status === 404)) throw error;
    await rm(file, { force: true });
  }
}
