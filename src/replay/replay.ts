// `hkubectl replay`: verify the recording's manifest, say what was found and who approved the
// session, then play it, confined to its own rows of the terminal, and say the verification again
// after it, so that nothing the recording draws can pass for hkubectl's own verdict.
import chalk from 'chalk';
import { HkError, ExitCode, UsageError } from '../errors.ts';
import { readDisplayCast, recordedTerminal } from './display-cast.ts';
import { resolveTarget } from './recordings-dir.ts';
import { rowOf, type SessionRow } from './session-model.ts';
import { playFrames, type ReplayIo } from './terminal-replay.ts';
import { timeline, type TimelineOptions } from './timeline.ts';
import { checkSession, type Jwks, type SessionCheck } from './verification.ts';
import { showUntrusted } from '../contract/show-untrusted.ts';

export interface ReplayRequest extends TimelineOptions {
  target: string;
  dir: string;
  jwks: (dir: string) => Promise<Jwks | null>;
}

export async function replayRecording(request: ReplayRequest, io: ReplayIo): Promise<void> {
  const target = await resolveTarget(request.target, request.dir);
  const check = await checkSession(target.manifestPath ?? target.castPath, await request.jwks(target.dir));
  io.stderr(`${statusLine(check)}\n`);
  io.stderr(`${evidenceLine(check)}\n`);
  if (check.status === 'missing-recording') {
    throw new UsageError('ERR_NO_RECORDING', `the manifest of session ${showUntrusted(check.session)} names a recording that is not there`, { hint: showUntrusted(check.problems.join('; ')) });
  }
  for (const line of approvalLines(rowOf(check), check.payload !== null)) io.stderr(`${line}\n`);
  const { header, events } = await readDisplayCast(check.castPath ?? target.castPath, recordedTerminal(check));
  const idleLimit = request.idleLimit ?? header.idle_time_limit;
  await playFrames(timeline(events, { ...request, ...(idleLimit !== undefined ? { idleLimit } : {}) }), io);
  io.stderr(`${chalk.dim('── end of replay')}\n${statusLine(check)}\n${evidenceLine(check)}\n`);
  if (check.status === 'tampered') {
    throw new HkError('ERR_RECORDING_TAMPERED', `session ${showUntrusted(check.session)} does not match its signed manifest`, ExitCode.config, {
      hint: 'what was played is not what the relay signed; treat it as altered evidence',
    });
  }
}

/**
 * Who approved the session, when, and why, as the manifest says (nothing for a session no one had
 * to approve); marked when the manifest's signature did not verify.
 */
export function approvalLines(row: SessionRow, signed: boolean): string[] {
  if (row.requestId === null && row.approver === null) return [];
  return [
    `${signed ? '' : '(unverified manifest) '}approved by ${showUntrusted(row.approver ?? 'unknown')}${row.reviewedAt ? ` at ${showUntrusted(row.reviewedAt)}` : ''} (request ${showUntrusted(row.requestId ?? 'unknown')})`,
    `justification: ${showUntrusted(row.justification ?? '—')}`,
    ...(row.reason !== null ? [`agent's stated reason: ${showUntrusted(row.reason)}`] : []),
  ];
}

/** Which of the session's evidence the relay observed and which the wrapper reported; local mode in yellow. */
export function evidenceLine(check: SessionCheck): string {
  const row = rowOf(check);
  const line = `evidence: ${showUntrusted(row.evidence)}`;
  return row.evidenceMode === 'local' ? chalk.yellow(line) : line;
}

export function statusLine(check: SessionCheck): string {
  const session = showUntrusted(check.session);
  const why = check.problems.length > 0 ? `: ${showUntrusted(check.problems.join('; '))}` : '';
  switch (check.status) {
    case 'verified':
      return chalk.green(`verified: session ${session} matches the manifest signed by the relay`);
    case 'unsigned':
      return chalk.yellow(`unsigned: session ${session} has no relay signature${why}`);
    case 'unknown-key':
      return chalk.yellow(`UNVERIFIED: session ${session}${why} (pass --jwks with the relay's keys)`);
    case 'missing-recording':
      return chalk.red(`MISSING: session ${session}${why}`);
    case 'tampered':
      return chalk.red.bold(`TAMPERED: session ${session}${why}`);
  }
}
