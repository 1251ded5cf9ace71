// `hkubectl verify`'s text report shows what a signed manifest says the agent ran: the agent's
// command and names, and problems that quote file names, all spelt out for the auditor's terminal.
import { describe, expect, it } from 'vitest';
import type { SessionManifest } from '../../src/contract/manifest.ts';
import { reportLines } from '../../src/recording/verify-report.ts';
import type { SessionVerification } from '../../src/recording/verify.ts';

const ESC = '\x1b';

describe('verify report', () => {
  it('spells out control sequences from the manifest and the problems instead of sending them to the terminal', () => {
    const manifest = {
      chain: { seq: 7, prev: '0'.repeat(64) }, exitCode: 0, approval: { approver: { subject: `bob${ESC}]0;t\x07` } },
      identity: { subject: 'agent-7\u202e', issuer: 'https://idp', groups: [] },
      command: { argv: ['get', `pods${ESC}[2J`, '-n', 'prod'], verb: 'get', namespace: 'prod', context: null, cluster: null },
    } as unknown as SessionManifest;
    const result: SessionVerification = {
      session: 's1', status: 'tampered', problems: [`cast s1\u009b2J.cast: size differs`], changed: [], manifestPath: null, castPath: null,
      kid: null, seq: 7, manifestSha256: null, manifest, draft: null, recordPath: null,
      evidence: { mode: 'gateway', relayRecord: null, cast: null, summary: `gateway mode ${ESC}[31m` },
    };
    const lines = reportLines([result]);
    expect(lines).toEqual([
      "TAMPERED           s1  #7  kubectl get $'pods\\x1b[2J' -n prod  (agent-7\\u202e, exit 0, approved by bob\\x1b]0;t\\x07)",
      '    cast s1\\x9b2J.cast: size differs',
      '    evidence: gateway mode \\x1b[31m',
      '1 session: 1 tampered',
    ]);
  });
});
