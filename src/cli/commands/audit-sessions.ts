// `hkubectl audit sessions`: the sessions the relay allowed, by default those never closed —
// approved commands with no signed manifest, i.e. what a wrapper may have skipped or lost — and,
// with `--state refused` or `all`, the requests that never became a session (blocked, denied,
// expired). From a running relay (--relay) or straight from its data directory (--data).
import { join } from 'node:path';
import { commandEnv } from '../run-options.ts';
import { Command, Option } from 'commander';
import { outputIsJson } from '../exit.ts';
import { parseDuration } from '../../config/duration.ts';
import { resolvePaths } from '../../config/paths.ts';
import { ConfigError, UsageError } from '../../errors.ts';
import { logExists } from '../../relay/server/store/audit-scan.ts';
import { AUDIT_LOG_FILE, fileStoreReader } from '../../relay/server/store/file-store.ts';
import { relayClientFor } from '../../relay/client/cli-client.ts';
import { inState, sessionLine, sessionsFromStore } from '../../relay/server/session-list.ts';
import type { SessionStateFilter, SessionSummary } from '../../contract/relay-api.ts';
import { showJson, showUntrusted } from '../../contract/show-untrusted.ts';
import { refusalLine, refusalsIn, type RefusalRow } from '../../replay/refusals.ts';
import { dataDirAuditEntries, relayAuditEntries } from '../../replay/audit-entries.ts';

type State = SessionStateFilter | 'refused';
type Flags = { state: State; olderThan?: string; data?: string; relay?: string; output?: string; mine?: boolean };

type Listing = { sessions: SessionSummary[]; refusals: RefusalRow[] };

const wantsSessions = (state: State) => state !== 'refused';
const wantsRefusals = (state: State) => state === 'refused' || state === 'all';
const sessionState = (state: State): SessionStateFilter => (state === 'refused' ? 'all' : state);

async function fromDataDir(data: string | undefined, state: State): Promise<Listing> {
  const dir = data ?? join(resolvePaths(process.env).dataDir, 'relay');
  const file = join(dir, AUDIT_LOG_FILE);
  if (!(await logExists(file))) throw new ConfigError('ERR_NO_AUDIT_LOG', `no audit log at ${file}`, { hint: "pass --data with the relay's data directory, or --relay URL" });
  return {
    sessions: wantsSessions(state) ? await sessionsFromStore(fileStoreReader(dir)) : [],
    refusals: wantsRefusals(state) ? await refusalsIn(dataDirAuditEntries(dir)) : [],
  };
}

async function fromRelay(flags: Flags): Promise<Listing> {
  const client = relayClientFor(flags, commandEnv());
  try {
    if (flags.mine) {
      if (flags.state === 'refused') throw new UsageError('ERR_BAD_OPTION', '--mine lists your own sessions; refused requests are read from the audit log, by approvers and auditors');
      return { sessions: await client.ownSessions(sessionState(flags.state)), refusals: [] };
    }
    return {
      sessions: wantsSessions(flags.state) ? await client.sessions(sessionState(flags.state)) : [],
      refusals: wantsRefusals(flags.state) ? await refusalsIn(relayAuditEntries(client)) : [],
    };
  } finally {
    await client.close();
  }
}

export function sessionsCommand(): Command {
  return new Command('sessions')
    .description(
      'List sessions the relay allowed, from its audit log. By default only those never closed: approved commands with no signed ' +
        'manifest, i.e. what a wrapper may have skipped or lost (a session still running is listed too; see --older-than). ' +
        'With --state refused (or all), also the requests that never became a session: blocked by a guardrail, denied by a rule or an approver, or expired unanswered, each with its rule and message (or approver and justification).',
    )
    .addOption(new Option('--state <state>', 'which: unclosed, closed, refused (blocked, denied, expired requests) or all').choices(['unclosed', 'closed', 'refused', 'all']).default('unclosed'))
    .option('--older-than <duration>', 'only sessions opened at least this long ago (e.g. 10m), to leave out ones still running')
    .option('--data <dir>', "the relay's data directory (default $XDG_DATA_HOME/hkubectl/relay)")
    .option('--relay <url>', 'ask a running relay instead of reading a data directory (needs an approver or auditor login)')
    .option('--mine', 'only your own sessions, from the relay (--relay or the configured one) with your login: what an agent was recorded doing; replay them with `hkubectl play --mine`')
    .addOption(new Option('-o, --output <format>', 'output format: text, or json (an array)').choices(['text', 'json']))
    .action(async (flags: Flags) => {
      const age = flags.olderThan === undefined ? 0 : parseDuration(flags.olderThan);
      if (age === undefined) throw new UsageError('ERR_BAD_DURATION', `--older-than must be a duration such as 10m or 1h, not "${flags.olderThan}"`);
      if (flags.mine && flags.data !== undefined) throw new UsageError('ERR_BAD_OPTION', '--mine asks the relay for your own sessions; it does not go with --data');
      const list = flags.mine || (flags.relay !== undefined && flags.data === undefined) ? await fromRelay(flags) : await fromDataDir(flags.data, flags.state);
      const cutoff = Date.now() - age;
      const shown = list.sessions.filter((summary) => inState(summary, sessionState(flags.state)) && Date.parse(summary.openedAt) <= cutoff);
      const refused = list.refusals.filter((row) => Date.parse(row.at) <= cutoff);
      // Oldest first, sessions and refusals alike (a refusal is dated by the entry that ended it).
      const listed: Array<{ at: string; line: () => string; value: unknown }> = [
        ...shown.map((summary) => ({ at: summary.openedAt, line: () => sessionLine(summary), value: summary })),
        ...refused.map((row) => ({ at: row.at, line: () => refusalLine(row), value: row })),
      ].sort((a, b) => a.at.localeCompare(b.at));
      if ((flags.output ?? (outputIsJson() ? 'json' : 'text')) === 'json') {
        process.stdout.write(`${showJson(listed.map((item) => item.value), 2)}\n`);
        return;
      }
      // The command and names are the agent's: spelt out, never acted on by the terminal.
      for (const item of listed) process.stdout.write(`${showUntrusted(item.line())}\n`);
      if (listed.length === 0) process.stderr.write(flags.state === 'refused' ? 'no refused requests\n' : `no ${flags.state === 'all' ? '' : `${flags.state} `}sessions\n`);
    });
}
