// `hkubectl audit log|verify|sessions|export`: read and check the relay's hash-chained audit log. Thin: the work
// is in src/relay/.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { parseDuration } from '../../config/duration.ts';
import { resolvePaths } from '../../config/paths.ts';
import { ConfigError, UsageError } from '../../errors.ts';
import { auditLine } from './audit-format.ts';
import { showJson } from '../../contract/show-untrusted.ts';
import { readAuditEntries } from '../../relay/server/store/audit-read.ts';
import { describeBrokenLink, logExists, scanAuditLog } from '../../relay/server/store/audit-scan.ts';
import { relayClientFor } from '../../relay/client/cli-client.ts';
import { AUDIT_LOG_FILE } from '../../relay/server/server.ts';
import { outputIsJson } from '../exit.ts';
import { exportCommand } from '../../replay/export-command.ts';
import { sessionsCommand } from './audit-sessions.ts';

const dataOption = () => new Option('--data <dir>', "the relay's data directory (default $XDG_DATA_HOME/hkubectl/relay)");

async function logFile(data: string | undefined): Promise<string> {
  const file = join(data ?? join(resolvePaths(process.env).dataDir, 'relay'), AUDIT_LOG_FILE);
  if (!(await logExists(file))) throw new ConfigError('ERR_NO_AUDIT_LOG', `no audit log at ${file}`, { hint: 'pass --data with the relay\'s data directory, or --relay URL' });
  return file;
}

function since(text: string | undefined, nowMs: number): Date | null {
  if (text === undefined) return null;
  const ago = parseDuration(text);
  if (ago !== undefined) return new Date(nowMs - ago);
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageError('ERR_BAD_SINCE', `--since must be a duration (1h, 30m) or a date/time (2026-03-01T10:00Z), not "${text}"`);
  return new Date(at);
}

function log(): Command {
  return new Command('log')
    .description('Print audit-log entries (decisions with the full command line, reviews, expiries, key events), oldest first.')
    .option('--since <when>', 'only entries from this long ago (1h, 30m) or since this date/time (ISO 8601)')
    .option('--limit <n>', 'at most this many (the most recent)', (value) => Number.parseInt(value, 10))
    .addOption(dataOption())
    .option('--relay <url>', 'read from a running relay instead of a data directory (needs an approver or auditor login)')
    .addOption(new Option('-o, --output <format>', 'output format: text, or json (one entry per line)').choices(['text', 'json']))
    .action(async (options: { since?: string; limit?: number; data?: string; relay?: string; output?: string }) => {
      const from = since(options.since, Date.now());
      let entries;
      if (options.relay !== undefined && options.data === undefined) {
        const client = relayClientFor(options);
        try {
          entries = (await client.audit({ ...(from ? { since: from } : {}), ...(options.limit ? { limit: options.limit } : {}) })).entries;
        } finally {
          await client.close();
        }
      } else {
        entries = await readAuditEntries(await logFile(options.data), { since: from, ...(options.limit ? { limit: options.limit } : {}) });
      }
      const json = (options.output ?? (outputIsJson() ? 'json' : 'text')) === 'json';
      for (const entry of entries) process.stdout.write(`${json ? showJson(entry) : auditLine(entry)}\n`);
    });
}

function verify(): Command {
  return new Command('verify')
    .description('Check the audit log\'s hash chain from the first line to the last. Prints the first broken link and exits 78 if there is one.')
    .addOption(dataOption())
    .action(async (options: { data?: string }) => {
      const file = await logFile(options.data);
      const scan = await scanAuditLog(file);
      if (scan.broken) {
        throw new ConfigError('ERR_AUDIT_CHAIN_BROKEN', `chain broken after ${scan.entries} good entries: ${describeBrokenLink(file, scan.broken)}`, {
          hint: scan.broken.isLast ? 'only the last line is damaged (a crash mid-write looks like this); `hkubectl relay --repair-log` cuts it off and records the cut' : 'an earlier line was altered, removed or inserted',
        });
      }
      process.stdout.write(`${file}: ${scan.entries} entries, chain intact, head #${scan.head.seq} ${scan.head.hash}\n`);
    });
}

export default function command(): Command {
  return new Command('audit')
    .description(
      "For auditors: read (`audit log`) and check (`audit verify`) the relay's append-only, hash-chained audit log, " +
        'list sessions the relay allowed, especially those never closed (`audit sessions`), and write an evidence bundle (`audit export`).',
    )
    .addCommand(log())
    .addCommand(verify())
    .addCommand(exportCommand())
    .addCommand(sessionsCommand());
}
