// The relay's audit log as an auditor tool reads it: from a running relay, a page at a time
// (GET /v1/audit answers at most 10,000 entries a call), or from a relay's data directory.
import type { AuditEntry } from '../contract/audit-chain.ts';
import type { RelayClient } from '../relay/client/client.ts';
import { fileStoreReader } from '../relay/server/store/file-store.ts';

const PAGE = 10_000;

export async function* relayAuditEntries(client: Pick<RelayClient, 'audit'>): AsyncGenerator<AuditEntry> {
  let fromSeq = 1;
  for (;;) {
    const { entries } = await client.audit({ fromSeq, limit: PAGE });
    yield* entries;
    const last = entries.at(-1);
    if (entries.length < PAGE || last === undefined) return;
    fromSeq = last.seq + 1;
  }
}

export function dataDirAuditEntries(dataDir: string): AsyncIterable<AuditEntry> {
  return fileStoreReader(dataDir).read();
}
