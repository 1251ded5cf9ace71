// `hkubectl replay`: verify the recording's manifest, say what was found, then play it.
import chalk from 'chalk';
import { HkError, ExitCode, UsageError } from '../errors.ts';
import { readCast } from '../recording/cast-reader.ts';
import { resolveTarget } from './recordings-dir.ts';
import { playFrames, type ReplayIo } from './terminal-replay.ts';
import { timeline, type TimelineOptions } from './timeline.ts';
import { checkSession, type Jwks, type SessionCheck } from './verification.ts';

export interface ReplayRequest extends TimelineOptions {
  target: string;
  dir: string;
  jwks: (dir: string) => Promise<Jwks | null>;
}

export async function replayRecording(request: ReplayRequest, io: ReplayIo): Promise<void> {
  const target = await resolveTarget(request.target, request.dir);
  const check = await checkSession(target.manifestPath ?? target.castPath, await request.jwks(target.dir));
  io.stderr(`${statusLine(check)}\n`);
  if (check.status === 'missing-recording') {
    throw new UsageError('ERR_NO_RECORDING', `the manifest of session ${check.session} names a recording that is not there`, { hint: check.problems.join('; ') });
  }
  const { header, events } = await readCast(check.castPath ?? target.castPath);
  const idleLimit = request.idleLimit ?? header.idle_time_limit;
  await playFrames(timeline(events, { ...request, ...(idleLimit !== undefined ? { idleLimit } : {}) }), io);
  if (check.status === 'tampered') {
    throw new HkError('ERR_RECORDING_TAMPERED', `session ${check.session} does not match its signed manifest`, ExitCode.config, {
      hint: 'what was played is not what the relay signed; treat it as altered evidence',
    });
  }
}

export function statusLine(check: SessionCheck): string {
  const why = check.problems.length > 0 ? `: ${check.problems.join('; ')}` : '';
  switch (check.status) {
    case 'verified':
      return chalk.green(`verified: session ${check.session} matches the manifest signed by the relay`);
    case 'unsigned':
      return chalk.yellow(`unsigned: session ${check.session} has no relay signature${why}`);
    case 'unknown-key':
      return chalk.yellow(`UNVERIFIED: session ${check.session}${why} (pass --jwks with the relay's keys)`);
    case 'missing-recording':
      return chalk.red(`MISSING: session ${check.session}${why}`);
    case 'tampered':
      return chalk.red.bold(`TAMPERED: session ${check.session}${why}`);
  }
}
