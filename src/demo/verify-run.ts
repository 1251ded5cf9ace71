// Checks the run's recordings the way an auditor would: every session the relay allowed must
// have its .cast and a manifest signed by the relay, with the .cast's hash and the manifest's
// place in the relay's audit chain matching. The relay's list of sessions says what to look for,
// so a recording the wrapper failed to write shows up as missing rather than going unnoticed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { castFileName, manifestFileName } from '../contract/manifest.ts';
import type { ChainSource } from '../recording/verify-chain.ts';
import { verifySessions, type SessionVerification, type VerificationStatus } from '../recording/verify.ts';
import type { RelayClient } from '../relay/client/client.ts';
import { DemoFailedError } from './demo-error.ts';
import type { Jwks } from './jwks-file.ts';

export interface SessionOutcome {
  session: string;
  status: VerificationStatus;
  command: string;
  exitCode: number | null;
  approvedBy: string | null;
}

export interface RunVerification {
  results: SessionVerification[];
  sessions: SessionOutcome[];
  verified: boolean;
  /** A session worth replaying first: one a human approved, else the first. */
  replaySession: string | null;
  assertVerified(): void;
}

export async function verifyRun(options: { dir: string; client: RelayClient; jwks: Jwks; chain: ChainSource }): Promise<RunVerification> {
  const allowed = await options.client.sessions('all');
  const paths = allowed.map((session) => {
    const manifest = join(options.dir, manifestFileName(session.sessionId));
    return existsSync(manifest) ? manifest : join(options.dir, castFileName(session.sessionId));
  });
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new DemoFailedError(`${missing.length} session${missing.length === 1 ? '' : 's'} the relay allowed left no recording in ${options.dir} (${missing.join(', ')})`);
  }
  const results = paths.length === 0 ? [] : await verifySessions(paths, { jwks: options.jwks, chain: options.chain });
  const sessions = results.map((result) => ({
    session: result.session,
    status: result.status,
    command: result.manifest ? ['kubectl', ...result.manifest.command.argv].join(' ') : '',
    exitCode: result.manifest?.exitCode ?? null,
    approvedBy: result.manifest?.approval?.approver.subject ?? null,
  }));
  const failed = results.filter((result) => result.status !== 'verified');
  const verified = results.length > 0 && failed.length === 0;
  return {
    results,
    sessions,
    verified,
    replaySession: (sessions.find((session) => session.approvedBy !== null) ?? sessions[0])?.session ?? null,
    assertVerified() {
      if (results.length === 0) throw new DemoFailedError(`the relay allowed no session, so nothing was recorded in ${options.dir}`);
      if (failed.length > 0) {
        throw new DemoFailedError(`${failed.length} of ${results.length} recordings did not verify (${failed.map((result) => `${result.session}: ${result.status}`).join('; ')})`);
      }
    },
  };
}
