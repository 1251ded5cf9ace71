// `hkubectl verify`'s text report: one line per session, then its problems indented, then which
// of its evidence is relay-observed and which wrapper-reported; then a tally, and how many of the
// sessions are in local mode (not tamper-proof).
// A manifest's command and names are the agent's, and a file name or problem can carry anything:
// every line is spelt out (showUntrusted) so a hostile session cannot act on the auditor's terminal.
import { showCommand } from '../contract/command-line.ts';
import { showUntrusted } from '../contract/show-untrusted.ts';
import type { SessionVerification, VerificationStatus } from './verify.ts';
import { LOCAL_MODE_LABEL } from './verify-evidence.ts';

const LABEL: Record<VerificationStatus, string> = {
  verified: 'verified', tampered: 'TAMPERED', unsigned: 'UNSIGNED', 'missing-recording': 'MISSING-RECORDING', 'unknown-key': 'UNKNOWN-KEY',
};

export function reportLines(results: SessionVerification[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const manifest = result.manifest;
    const about = manifest
      ? `#${manifest.chain.seq}  ${showCommand(manifest.command.argv)}  (${manifest.identity.subject}, exit ${manifest.exitCode}${manifest.approval ? `, approved by ${manifest.approval.approver.subject}` : ''})`
      : '';
    lines.push(`${LABEL[result.status].padEnd(18)} ${result.session}  ${about}`.trimEnd());
    for (const problem of result.problems) lines.push(`    ${problem}`);
    lines.push(`    evidence: ${result.evidence.summary}`);
  }
  const counts = new Map<VerificationStatus, number>();
  for (const result of results) counts.set(result.status, (counts.get(result.status) ?? 0) + 1);
  const tally = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  const local = results.filter((result) => result.evidence.mode === 'local').length;
  lines.push(`${results.length} session${results.length === 1 ? '' : 's'}: ${tally}`);
  if (local > 0) lines.push(`${local} of them in ${LOCAL_MODE_LABEL}`);
  return lines.map(showUntrusted);
}
