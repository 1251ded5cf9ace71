// `hkubectl verify`: check recordings and their relay-signed manifests. Thin: see src/recording/verify.ts.
import { Command, Option } from 'commander';
import { commandEnv } from '../run-options.ts';
import { HkError, UsageError } from '../../errors.ts';
import { outputIsJson } from '../exit.ts';
import { showJson } from '../../contract/show-untrusted.ts';

/** Exit status when any session fails verification (distinct from hkubectl's 64/75/77/78). */
export const VERIFY_FAILED_EXIT = 1;

type Flags = { jwks?: string; relay?: string; auditLog?: string; output?: string };

export default function command(): Command {
  return new Command('verify')
    .description(
      'Verify session recordings: the manifest\'s signature against the relay\'s public keys (JWKS), the .cast\'s sha256 and size ' +
        'against the signed ones, the .cast header\'s session, and (with --relay or --audit-log) each manifest\'s place in the relay\'s ' +
        'hash-chained audit log. In gateway mode the relay\'s own record (<session>.record.jsonl beside the manifest) is checked ' +
        'against its signed digest, and the .cast against what the record saw. Reports each session as verified, tampered (saying ' +
        'what changed), unsigned, missing-recording or unknown-key, and which of its evidence is relay-observed and which ' +
        'wrapper-reported ("local mode: not tamper-proof" when the relay observed nothing).\n\nExit status: 0 when every session verified; 1 when any did not; 64/75/78 when verification could not run.',
    )
    .argument('<paths...>', 'manifest files (<session>.manifest.json), .cast files, or directories of them')
    .option('--jwks <file|url>', "the relay's public keys (a JWKS file, or a URL such as <relay>/v1/jwks); default: the relay's, or jwks.json beside the recordings")
    .option('--relay <url>', "fetch the JWKS from this relay and check the chain against its audit log (needs an approver or auditor login)")
    .option('--audit-log <file>', "check the chain against this copy of the relay's audit log (audit.jsonl) instead")
    .addOption(new Option('-o, --output <format>', 'output format: text, or json (an array, one object per session)').choices(['text', 'json']))
    .action(async (paths: string[], flags: Flags) => {
      const { verifyInputs } = await import('../../recording/verify-inputs.ts');
      const { verifyPaths } = await import('../../recording/verify.ts');
      const { showUntrusted } = await import('../../contract/show-untrusted.ts');
      const inputs = await verifyInputs(paths, flags, commandEnv());
      let results, skipped;
      try {
        ({ results, skipped } = await verifyPaths(paths, { jwks: inputs.jwks, chain: inputs.chain }));
      } finally {
        await inputs.close();
      }
      // Said on stderr, so stdout (the report, or its JSON) keeps its shape.
      for (const entry of skipped) {
        process.stderr.write(outputIsJson() ? `${JSON.stringify({ warning: { code: 'WARN_SKIPPED', path: entry.path, kind: entry.kind, message: `skipped ${entry.path}: ${entry.why}` } })}\n` : `hkubectl: skipped ${showUntrusted(entry.path)}: ${entry.why}\n`);
      }
      if (results.length === 0) throw new UsageError('ERR_NOTHING_TO_VERIFY', `no recordings or manifests in ${paths.join(', ')}`);
      if ((flags.output ?? (outputIsJson() ? 'json' : 'text')) === 'json') process.stdout.write(`${showJson(results, 2)}\n`);
      else {
        const { reportLines } = await import('../../recording/verify-report.ts');
        process.stdout.write(`${reportLines(results).join('\n')}\n`);
      }
      const failed = results.filter((result) => result.status !== 'verified');
      if (failed.length > 0) {
        throw new HkError('ERR_VERIFY_FAILED', `${failed.length} of ${results.length} sessions did not verify (${failed.map((result) => `${result.session}: ${result.status}`).slice(0, 3).join('; ')}${failed.length > 3 ? '; …' : ''})`, VERIFY_FAILED_EXIT);
      }
    });
}
