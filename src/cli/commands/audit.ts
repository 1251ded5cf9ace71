// `hkubectl audit log|verify|sessions|export`: read and check the relay's hash-chained audit log. Thin: the work
// is in src/relay/.
import { commandEnv } from '../run-options.ts';
import { Command, Option } from 'commander';
import { parseDuration } from '../../config/duration.ts';
import { ConfigError, UsageError } from '../../errors.ts';
import { auditLine } from './audit-format.ts';
import { showJson, showUntrusted } from '../../contract/show-untrusted.ts';
import { readAuditEntries } from '../../relay/server/store/audit-read.ts';
import { relayClientFor } from '../../relay/client/cli-client.ts';
import { checkAnchors } from '../../recording/verify-anchors.ts';
import { loadJwks } from '../../recording/verify-signature.ts';
import { openAuditStore, storeOption, type AuditStore } from './audit-store.ts';
import { outputIsJson } from '../exit.ts';
import { exportCommand } from './audit-export.ts';
import { sessionsCommand } from './audit-sessions.ts';

const dataOption = () => new Option('--data <dir>', "the relay's data directory (default $XDG_DATA_HOME/hkubectl/relay)");

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
    .description('Print audit-log entries (decisions with the full command line, reviews, expiries, gateway grants and refusals, key events), oldest first.')
    .option('--since <when>', 'only entries from this long ago (1h, 30m) or since this date/time (ISO 8601)')
    .option('--limit <n>', 'at most this many (the most recent)', (value) => Number.parseInt(value, 10))
    .addOption(dataOption())
    .addOption(storeOption())
    .option('--relay <url>', 'read from a running relay instead of a data directory (needs an approver or auditor login)')
    .addOption(new Option('-o, --output <format>', 'output format: text, or json (one entry per line)').choices(['text', 'json']))
    .action(async (options: { since?: string; limit?: number; data?: string; store?: string; relay?: string; output?: string }) => {
      const from = since(options.since, Date.now());
      let entries;
      if (options.relay !== undefined && options.data === undefined && options.store === undefined) {
        const client = relayClientFor(options, commandEnv());
        try {
          entries = (await client.audit({ ...(from ? { since: from } : {}), ...(options.limit ? { limit: options.limit } : {}) })).entries;
        } finally {
          await client.close();
        }
      } else {
        const opened = await openAuditStore(options);
        try {
          entries = await readAuditEntries(opened.store, { since: from, ...(options.limit ? { limit: options.limit } : {}) });
        } finally {
          await opened.close();
        }
      }
      const json = (options.output ?? (outputIsJson() ? 'json' : 'text')) === 'json';
      for (const entry of entries) process.stdout.write(`${json ? showJson(entry) : auditLine(entry)}\n`);
    });
}

function verify(): Command {
  return new Command('verify')
    .description(
      "Check the audit log's hash chain from the first line to the last, and that the log still holds what the relay's signed " +
        'checkpoints of its head say (not cut short, not rewritten, no checkpoint removed, no manifest past its end). ' +
        'Prints the first problem and exits 78 if there is one. With -o json, one object: ' +
        '{"file","entries","intact","head":{"seq","hash"},"checkpoints","latest","findings":[…],"broken"}, exit status as without it.',
    )
    .addOption(dataOption())
    .addOption(storeOption())
    .option('--jwks <file>', "the relay's public keys to check checkpoints with (default: the public halves of keys.json in the data directory, or the keys table with --store)")
    .addOption(new Option('-o, --output <format>', 'output format: text, or json').choices(['text', 'json']))
    .action(async (options: { data?: string; store?: string; jwks?: string; output?: 'text' | 'json' }) => {
      const opened = await openAuditStore(options);
      try {
        await verifyStore(opened, options);
      } finally {
        await opened.close();
      }
    });
}

async function verifyStore({ store, where: file, checkpointsWhere, jwks: keptJwks }: AuditStore, options: { jwks?: string; output?: 'text' | 'json' }): Promise<void> {
  const jwks = options.jwks === undefined ? await keptJwks() : await loadJwks(options.jwks);
  const report = await checkAnchors(store, jwks, { checkpoints: checkpointsWhere });
  const { chain } = report;
  if ((options.output ?? (outputIsJson() ? 'json' : 'text')) === 'json') {
    process.stdout.write(`${showJson({
      file, entries: chain.entries, intact: chain.broken === null && report.findings.length === 0, head: chain.head,
      checkpoints: report.checkpoints, latest: report.latest ?? null, findings: report.findings, broken: chain.broken ?? null,
    })}\n`);
  }
  if (chain.broken) {
    const link = chain.broken;
    throw new ConfigError('ERR_AUDIT_CHAIN_BROKEN', `chain broken after ${chain.entries} good entries: ${link.where}${link.seq === null ? '' : ` (seq ${link.seq})`} ${link.message}`, {
      hint: link.isLast ? 'only the last line is damaged (a crash mid-write looks like this); `hkubectl relay --repair-log` cuts it off and records the cut' : 'an earlier line was altered, removed or inserted',
    });
  }
  const [first] = report.findings;
  const text = (options.output ?? (outputIsJson() ? 'json' : 'text')) === 'text';
  if (first !== undefined) {
    // Every finding on stdout, as a report; the one-line error names the first.
    if (text) {
      process.stdout.write(`${file}: ${chain.entries} entries, chain intact, and ${report.findings.length} problems against the signed checkpoints:\n`);
      for (const finding of report.findings) process.stdout.write(`  - ${showUntrusted(finding)}\n`);
    }
    throw new ConfigError('ERR_AUDIT_LOG_UNANCHORED', `${file}: ${first}`, {
      hint: 'the log no longer holds what the relay signed: keep the data directory as evidence, and compare it with a copy of the checkpoints kept elsewhere (relay.yaml checkpoints.copy) or in an export',
      details: { findings: report.findings },
    });
  }
  const anchor = report.latest ? `, anchored by ${report.checkpoints} signed checkpoints up to #${report.latest.seq} (${report.latest.ts})` : '';
  if (text) process.stdout.write(`${file}: ${chain.entries} entries, chain intact, head #${chain.head.seq} ${chain.head.hash}${anchor}\n`);
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
