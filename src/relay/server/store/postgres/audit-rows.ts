// Reading the audit chain back from hk_audit: in seq order, a page of rows at a time (keyset
// paging, so a long log is never whole in memory), and checked link by link for `audit verify`.
// A row is checked by the same rules as a line of the file store (checkLine): a hand-edited
// row no longer matches its hash, a deleted or renumbered one breaks the seq or prev link.
import type pg from 'pg';
import { AUDIT_LOG_VERSION, checkLine, GENESIS, type AuditEntry } from '../../../../contract/audit-chain.ts';
import { ConfigError } from '../../../../errors.ts';
import type { ChainCheck, ChainHead, SeqRange } from '../store.ts';
import { unavailable } from './connection.ts';

const PAGE = 1000;

type Row = { seq: string; line: string };

/** Raw rows with seq in [from, to], in order, a page at a time. */
export async function* auditRows(pool: pg.Pool, url: string, from: number, to: number = Number.MAX_SAFE_INTEGER): AsyncGenerator<{ seq: number; line: string }> {
  let after = from - 1;
  for (;;) {
    let rows: Row[];
    try {
      rows = (await pool.query<Row>('SELECT seq, line FROM hk_audit WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3', [after, to, PAGE])).rows;
    } catch (error) {
      throw unavailable(url, 'read the audit log', error);
    }
    for (const row of rows) yield { seq: Number(row.seq), line: row.line };
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1]!.seq);
  }
}

/** An entry as written; refuses a version this hkubectl does not read. */
export function parseRow(row: { seq: number; line: string }): AuditEntry {
  const entry = JSON.parse(row.line) as AuditEntry;
  if (entry.v !== AUDIT_LOG_VERSION) {
    throw new ConfigError('ERR_AUDIT_LOG_VERSION', `audit row #${row.seq} has version ${JSON.stringify(entry.v)}; this hkubectl reads version ${AUDIT_LOG_VERSION}`);
  }
  return entry;
}

export async function* readEntries(pool: pg.Pool, url: string, range: SeqRange = {}): AsyncGenerator<AuditEntry> {
  for await (const row of auditRows(pool, url, Math.max(1, range.fromSeq ?? 1), range.toSeq)) yield parseRow(row);
}

export async function readHead(pool: pg.Pool, url: string): Promise<ChainHead> {
  try {
    const { rows } = await pool.query<{ seq: string; hash: string }>('SELECT seq, hash FROM hk_chain_head WHERE id = 1');
    return { seq: Number(rows[0]!.seq), hash: rows[0]!.hash };
  } catch (error) {
    throw unavailable(url, 'read the audit log\'s head', error);
  }
}

/**
 * Walks every row from seq 1 up to the head as read first (appends may go on meanwhile), checking
 * each link, then that the head row names the last entry
 * (a row deleted from the end, or a head moved by hand, shows there).
 */
export async function checkRows(pool: pg.Pool, url: string, onEntry: (entry: AuditEntry) => void = () => {}): Promise<ChainCheck> {
  let head: ChainHead = { seq: 0, hash: GENESIS };
  let entries = 0;
  const recorded = await readHead(pool, url);
  // A transaction is written whole or not at all, so a damaged row is never a crash artefact:
  // `isLast` stays false, and nothing offers to cut it off.
  for await (const row of auditRows(pool, url, 1, recorded.seq)) {
    const where = `table hk_audit, row seq=${row.seq}`;
    const checked = checkLine(row.line, { seq: head.seq + 1, prev: head.hash });
    if ('problem' in checked) return { head, entries, broken: { seq: checked.problem.seq ?? row.seq, where, message: checked.problem.message, isLast: false } };
    if (checked.entry.seq !== row.seq) return { head, entries, broken: { seq: row.seq, where, message: `holds entry #${checked.entry.seq} (the row was renumbered)`, isLast: false } };
    head = { seq: checked.entry.seq, hash: checked.entry.hash };
    entries += 1;
    onEntry(checked.entry);
  }
  if (recorded.seq !== head.seq || recorded.hash !== head.hash) {
    return {
      head, entries,
      broken: { seq: recorded.seq, where: 'table hk_chain_head', message: `names #${recorded.seq} ${recorded.hash} as the head, but the last entry is #${head.seq} ${head.hash} (entries were removed from the end, or the head was edited)`, isLast: false },
    };
  }
  return { head, entries, broken: null };
}
