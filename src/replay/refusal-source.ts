// Where `hkubectl play` finds the refused requests to list beside the sessions: --data (a relay's
// data directory), relay-log/ in the recordings directory (the demo leaves the relay's log
// there), or the relay the sessions came from (its audit log, for approvers and auditors). With
// none of these the page says that refusals are not shown, rather than show none.
import { join } from 'node:path';
import { AUDIT_LOG_FILE } from '../relay/server/store/file-store.ts';
import { logExists } from '../relay/server/store/audit-scan.ts';
import { relayClientFor } from '../relay/client/cli-client.ts';
import { dataDirAuditEntries, relayAuditEntries } from './audit-entries.ts';
import type { PlayOptions } from './play-server.ts';
import { refusalsIn } from './refusals.ts';

export async function refusalSource(where: { source: string | undefined; dir: string; data: string | undefined; mine: boolean; env: NodeJS.ProcessEnv }): Promise<NonNullable<PlayOptions['refusals']>> {
  if (where.data !== undefined) return { rows: () => refusalsIn(dataDirAuditEntries(where.data!)) };
  if (where.mine) return { unavailable: 'Refused requests are not listed with --mine: they are read from the audit log, by approvers and auditors.' };
  if (where.source !== undefined && /^https?:\/\//.test(where.source)) {
    // Read once: the sessions too were fetched from the relay once, when play started.
    const client = relayClientFor({ relay: where.source }, where.env);
    try {
      const rows = await refusalsIn(relayAuditEntries(client));
      return { rows: async () => rows };
    } catch (error) {
      return { unavailable: `Refused requests are not shown: the relay's audit log could not be read (${(error as Error).message}).` };
    } finally {
      await client.close();
    }
  }
  const beside = join(where.dir, 'relay-log');
  if (await logExists(join(beside, AUDIT_LOG_FILE))) return { rows: () => refusalsIn(dataDirAuditEntries(beside)) };
  return { unavailable: "Refused requests (blocked, denied, expired) are not shown: no audit log here (pass --data with the relay's data directory, or play from the relay's URL)." };
}
