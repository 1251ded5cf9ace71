// Real recordings for session tests: written by the project's CastWriter, with the draft the
// wrapper would send for them.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CastWriter } from '../../src/recording/cast-writer.ts';
import { readFile } from 'node:fs/promises';
import type { SessionDraft, SessionManifest, SignedManifest } from '../../src/contract/manifest.ts';
import { AUDIT_LOG_FILE } from '../../src/relay/server/server.ts';

export type Recording = { path: string; draft: SessionDraft; open(): Readable };

/**
 * A .cast for `sessionId` in `dir` with about `outputBytes` of output (one value masked, as the
 * draft's counts say), and its draft. `command` is the header's: the relay checks it against
 * the command it allowed (`kubectl` and the argv it logged).
 */
export function record(dir: string, sessionId: string, outputBytes = 2_000, command = 'kubectl get pods -n dev'): Recording {
  const path = join(dir, `${sessionId}.cast`);
  let clock = 0;
  const writer = new CastWriter(path, { version: 2, width: 80, height: 24, timestamp: 1_760_000_000, command, title: command, hk: { v: 1, session: sessionId } }, () => (clock += 3));
  writer.marker('decision: allow by rule reads (risk 5)');
  writer.write('o', 'TOKEN=[MASKED:jwt]\r\n');
  const line = 'pod-1   1/1   Running   0   3d   10.0.0.1   node-a\r\n';
  for (let written = 0; written < outputBytes; written += line.length) writer.write('o', line);
  writer.marker('exit 0');
  const summary = writer.close();
  const started = Date.now();
  const draft: SessionDraft = {
    hk: 1, session: sessionId, cast: { file: `${sessionId}.cast`, sha256: summary.sha256, size: summary.size, events: summary.events },
    startedAt: new Date(started).toISOString(), endedAt: new Date(started + 2_000).toISOString(), exitCode: 0, signal: null, terminal: false,
    masking: { profile: 'standard', counts: { 'jwt': 1 } },
  };
  return { path, draft, open: () => createReadStream(path) };
}

/** The relay's audit log in `dataDir`, one parsed entry per line (tests read fields freely). */
export const logLines = async (dataDir: string) =>
  (await readFile(join(dataDir, AUDIT_LOG_FILE), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any

/** The signed manifest's payload. */
export const payloadOf = (jws: SignedManifest) => JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8')) as SessionManifest;
