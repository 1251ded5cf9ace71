// Real recordings for session tests: written by the project's CastWriter, with the draft the
// wrapper would send for them.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CastWriter } from '../../src/recording/cast-writer.ts';
import type { SessionDraft } from '../../src/contract/manifest.ts';

export type Recording = { path: string; draft: SessionDraft; open(): Readable };

/** A .cast for `sessionId` in `dir` with about `outputBytes` of output, and its draft. */
export function record(dir: string, sessionId: string, outputBytes = 2_000, command = 'kubectl get pods'): Recording {
  const path = join(dir, `${sessionId}.cast`);
  let clock = 0;
  const writer = new CastWriter(path, { version: 2, width: 80, height: 24, timestamp: 1_760_000_000, command, title: command, hk: { v: 1, session: sessionId } }, () => (clock += 3));
  writer.marker('decision: allow by rule reads (risk 5)');
  const line = 'pod-1   1/1   Running   0   3d   10.0.0.1   node-a\r\n';
  for (let written = 0; written < outputBytes; written += line.length) writer.write('o', line);
  writer.marker('exit 0');
  const summary = writer.close();
  const draft: SessionDraft = {
    hk: 1, session: sessionId, cast: { file: `${sessionId}.cast`, sha256: summary.sha256, size: summary.size, events: summary.events },
    startedAt: '2026-03-01T10:00:00.000Z', endedAt: '2026-03-01T10:00:02.000Z', exitCode: 0, signal: null, terminal: false,
    masking: { profile: 'standard', counts: { 'jwt': 1 } },
  };
  return { path, draft, open: () => createReadStream(path) };
}
