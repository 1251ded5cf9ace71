// `hkubectl audit export`: the evidence bundle for a time range. Wires the command line to
// src/replay/export/: where sessions, keys and the audit log come from.
import { commandEnv } from '../run-options.ts';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { showJson } from '../../contract/show-untrusted.ts';
import { outputIsJson } from '../exit.ts';
import { parseDuration } from '../../config/duration.ts';
import { HkError, ExitCode, UsageError } from '../../errors.ts';
import type { AuditEntry } from '../../contract/audit-chain.ts';
import { relayClientFor } from '../../relay/client/cli-client.ts';
import type { SignedCheckpoint } from '../../contract/checkpoint.ts';
import { AUDIT_LOG_FILE, fileStoreReader } from '../../relay/server/store/file-store.ts';
import { auditEntriesBetween } from '../../replay/export/audit-file.ts';
import { dataDirJwks } from './audit-keys.ts';
import { openAuditStore, storeOption } from './audit-store.ts';
import { exportBundle, type AuditSegment } from '../../replay/export/export-bundle.ts';
import { missingEvidence, reportIsClean, resultLine } from '../../replay/export/report.ts';
import { loadConfig } from '../../config/config.ts';
import { resolvePaths } from '../../config/paths.ts';
import { ttyProgress } from '../tty-progress.ts';
import { loadJwks, recordingsDir } from '../../replay/recordings-dir.ts';
import { mirrorRelaySessions } from '../../replay/relay-mirror.ts';
import type { Jwks } from '../../replay/verification.ts';

/** The relay answers at most this many audit entries per call. */
const RELAY_AUDIT_LIMIT = 10_000;

type Options = { since: string; until?: string; identity: string[]; dir?: string; relay?: string; data?: string; store?: string; jwks?: string; out: string; allowPartial?: boolean };

export function when(text: string, flag: string, nowMs: number): Date {
  const ago = parseDuration(text);
  if (ago !== undefined) return new Date(nowMs - ago);
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageError('ERR_BAD_DATE', `${flag} must be a date/time (2026-07-01, 2026-07-01T10:00Z) or a duration ago (30d), not "${text}"`);
  return new Date(at);
}

export function exportCommand(): Command {
  return new Command('export')
    .description('Write an evidence bundle for a time range: chronological session log, approval trails, masked excerpts, every .cast and signed manifest, the relay\'s JWKS, the audit-log segment with its chain hashes, a verification report and an index.html that opens offline.\n\n' +
      'The audit log comes from --relay, --data, or else the configured relay (HKUBECTL_RELAY, "relay" in config.yaml). Without any, the bundle is PARTIAL: it says so in its RESULT line and README.txt (no approval trails from the relay, no chain checks) and the export exits 78 unless --allow-partial is given.\n\n' +
      'A bad or hostile session is a finding in the report, never a reason to stop. Progress (sessions done of the total, bytes) is shown on a terminal only. Exit status: 0 when everything verified and the bundle is complete; 78 when the bundle was written and shows problems (see verification-report.txt) or is partial without --allow-partial; 64 only for a bad command line.')
    .requiredOption('--since <when>', 'start of the range: a date/time (2026-07-01) or a duration ago (90d)')
    .option('--until <when>', 'end of the range, exclusive (default: now)')
    .option('--identity <who>', 'only sessions of this subject or email (repeatable)', (value: string, all: string[]) => [...all, value], [])
    .option('--dir <dir>', 'recordings directory (default: the relay\'s copies with --relay, else HKUBECTL_RECORDINGS, config "recordings", or <data dir>/recordings)')
    .option('--relay <url>', "take the audit log, public keys and (without --dir) the sessions from this relay (needs an auditor login); default for the audit log: the configured relay")
    .option('--data <dir>', "take the audit log and public keys from a relay's data directory instead")
    .addOption(storeOption())
    .option('--jwks <file>', "the relay's public keys (default: from --relay or --data, else jwks.json beside the recordings)")
    .option('--allow-partial', 'with no audit-log source, write the partial bundle and exit 0 (it still says what it lacks)')
    .requiredOption('--out <path>', 'where to write: a name ending in .tar.gz (or .tgz) for a tarball, anything else for a directory')
    .addOption(new Option('-o, --output <format>', 'how to print the summary: text (the bundle\'s path), or json (path, clean, counts and problems)').choices(['text', 'json']))
    .action(async (options: Options & { output?: 'text' | 'json' }) => {
      const nowMs = Date.now();
      const since = when(options.since, '--since', nowMs);
      const until = options.until === undefined ? new Date(nowMs) : when(options.until, '--until', nowMs);
      if (until <= since) throw new UsageError('ERR_BAD_RANGE', `--until (${until.toISOString()}) must be after --since (${since.toISOString()})`);
      if ([options.relay, options.data, options.store].filter((given) => given !== undefined).length > 1) throw new UsageError('ERR_BAD_OPTION', 'pass one of --relay, --data and --store');
      const source = await auditSource(options, since);
      const progress = ttyProgress(process.stderr);
      // With --relay and no --dir, the sessions are the relay's own copies.
      const mirrored = options.relay !== undefined && options.dir === undefined
        ? await mirrorRelaySessions(options.relay, options.jwks, progress, commandEnv()).finally(() => progress.end())
        : null;
      const dir = mirrored?.dir ?? recordingsDir(options.dir, commandEnv());
      try {
        const jwks = options.jwks !== undefined ? await loadJwks(options.jwks, dir) : ((await source?.jwks()) ?? (await loadJwks(undefined, dir)));
        if (!jwks) process.stderr.write("hkubectl: warning: no relay public keys (pass --jwks, --relay or --data); signatures cannot be checked\n");
        const report = await exportBundle({
          dir, jwks, since, until, identities: options.identity, out: options.out,
          audit: source ? (upTo) => source.segment(upTo) : null,
          checkpoints: source ? () => source.checkpoints() : null,
          progress,
        }).finally(() => progress.end());
        const clean = reportIsClean(report);
        const missing = missingEvidence(report);
        process.stderr.write(`export: ${report.totals.sessions} sessions written to ${options.out}\n${resultLine(report)}\n`);
        if ((options.output ?? (outputIsJson() ? 'json' : 'text')) === 'json') {
          process.stdout.write(`${showJson({
            out: options.out, clean, complete: missing.length === 0, missing, range: report.range, totals: report.totals, refusedRequests: report.refusedRequests, localMode: report.localMode.length, missingRecordings: report.missingRecordings,
            notVerified: report.sessions, skipped: report.skipped, auditLog: report.audit === null ? null : {
              source: report.audit.source, broken: report.audit.segment.broken, chainProblems: report.audit.chainProblems,
              allowedWithoutRecording: report.audit.allowedWithoutRecording.length,
            },
          })}\n`);
        } else {
          process.stdout.write(`${options.out}\n`);
        }
        if (!clean) {
          throw new HkError('ERR_EVIDENCE_PROBLEMS', `the bundle was written, and it shows problems: see verification-report.txt in ${options.out}`, ExitCode.config, {
            hint: `${report.missingRecordings.length} missing recordings, ${report.sessions.length} sessions not verified`,
          });
        }
        if (missing.length > 0 && options.allowPartial !== true) {
          throw new HkError('ERR_EVIDENCE_PARTIAL', `the bundle was written without the relay's audit log: approval trails and chain checks are missing (${options.out})`, ExitCode.config, {
            hint: 'export with --relay URL (an auditor login) or --data DIR (the relay\'s data directory) for a complete bundle, or pass --allow-partial to accept this one',
          });
        }
      } finally {
        await source?.close();
        await mirrored?.close();
      }
    });
}

interface AuditSource {
  jwks(): Promise<Jwks | null>;
  segment(upTo: Date): Promise<AuditSegment>;
  checkpoints(): AsyncIterable<SignedCheckpoint> | Promise<SignedCheckpoint[]>;
  close(): Promise<void>;
}

/**
 * Where the audit log comes from: --data, --relay, or else the relay this machine is configured
 * to use (HKUBECTL_RELAY, config.yaml); null when there is none (a partial bundle).
 */
async function auditSource(options: Options, since: Date): Promise<AuditSource | null> {
  const env = commandEnv();
  if (options.data === undefined && (options.relay !== undefined || loadConfig(env, resolvePaths(env)).relay !== undefined)) {
    const client = relayClientFor(options, env);
    return {
      jwks: () => client.jwks() as Promise<Jwks>,
      async segment(upTo) {
        const { entries } = await client.audit({ since, limit: RELAY_AUDIT_LIMIT });
        const within = entries.filter((entry: AuditEntry) => Date.parse(entry.ts) <= upTo.getTime());
        return { entries: within, truncated: entries.length >= RELAY_AUDIT_LIMIT, source: client.url };
      },
      checkpoints: async () => (await client.checkpoints()).checkpoints,
      close: () => client.close(),
    };
  }
  if (options.store !== undefined) {
    const opened = await openAuditStore({ store: options.store });
    return {
      jwks: () => opened.jwks(),
      async segment(upTo) {
        return { entries: auditEntriesBetween(opened.store, since, upTo), truncated: false, source: opened.where };
      },
      checkpoints: () => opened.store.checkpoints(),
      close: () => opened.close(),
    };
  }
  if (options.data === undefined) return null;
  const data = options.data;
  const store = fileStoreReader(data);
  return {
    jwks: () => dataDirJwks(data),
    async segment(upTo) {
      return { entries: auditEntriesBetween(store, since, upTo), truncated: false, source: join(data, AUDIT_LOG_FILE) };
    },
    checkpoints: () => store.checkpoints(),
    close: () => store.close(),
  };
}
