// What `hkubectl audit verify` proves beyond the hash chain: that the log is not shorter, and was
// not rewritten, since the relay signed checkpoints of its head (src/contract/checkpoint.ts).
// Each finding names the first entry (or checkpoint, or manifest) that is wrong:
//   - a checkpoint whose kid is not in the JWKS, or whose signature or payload does not hold;
//   - a log that ends before the seq a checkpoint names (entries were cut off the end);
//   - a checkpoint whose hash is not the hash of the log's entry at its seq (a rewrite);
//   - a relay start or session close newer than the latest checkpoint (the relay signs one at
//     each of those, so the checkpoints were dropped or cut), or a log with no checkpoint at all;
//   - a signed manifest that names an audit entry past the log's end.
import { flattenedVerify, importJWK } from 'jose';
import { CHECKPOINT_TYP, parseCheckpointPayload, type CheckpointPayload, type SignedCheckpoint } from '../contract/checkpoint.ts';
import type { AuditEntry } from '../contract/audit-chain.ts';
import { protectedHeader } from '../contract/manifest.ts';
import type { AuditStoreReader, ChainCheck } from '../relay/server/store/store.ts';
import type { Jwks } from './verify-signature.ts';

export type AnchorReport = {
  chain: ChainCheck;
  checkpoints: number;
  latest: CheckpointPayload | null;
  /** In the order found; the first is what `audit verify` exits on. */
  findings: string[];
};

type Checked = { index: number; payload: CheckpointPayload };

/** The checkpoint's payload when it is signed, as a checkpoint, by a key in `jwks`; else the problem. */
export async function checkCheckpoint(checkpoint: SignedCheckpoint, jwks: Jwks): Promise<CheckpointPayload | { problem: string }> {
  const header = protectedHeader(checkpoint);
  if (header === null) return { problem: 'its protected header is not JSON (altered)' };
  if (header.typ !== CHECKPOINT_TYP) return { problem: `it is signed as ${JSON.stringify(header.typ)}, not as a checkpoint (${CHECKPOINT_TYP})` };
  const kid = typeof header.kid === 'string' ? header.kid : null;
  const jwk = kid === null ? undefined : jwks.keys.find((key) => key.kid === kid);
  if (!jwk) return { problem: `it is signed by key ${kid ?? '(no kid)'}, which the relay's JWKS does not hold` };
  let payload: Uint8Array;
  try {
    ({ payload } = await flattenedVerify(checkpoint, await importJWK(jwk, 'EdDSA'), { algorithms: ['EdDSA'] }));
  } catch (error) {
    return { problem: `its signature does not verify with key ${kid} (${(error as Error).message})` };
  }
  return parseCheckpointPayload(payload);
}

const ANCHORED_TYPES = new Set<AuditEntry['type']>(['relay-start', 'session.closed']);

export async function checkAnchors(store: AuditStoreReader, jwks: Jwks, where: { checkpoints: string }): Promise<AnchorReport> {
  const findings: string[] = [];
  const bySeq = new Map<number, Checked[]>();
  let count = 0;
  let latest: Checked | null = null;
  for await (const checkpoint of store.checkpoints()) {
    count += 1;
    const checked = await checkCheckpoint(checkpoint, jwks);
    if ('problem' in checked) {
      findings.push(`checkpoint ${count} in ${where.checkpoints}: ${checked.problem}`);
      continue;
    }
    bySeq.set(checked.seq, [...(bySeq.get(checked.seq) ?? []), { index: count, payload: checked }]);
    if (latest === null || checked.seq >= latest.payload.seq) latest = { index: count, payload: checked };
  }

  let lastAnchored: AuditEntry | null = null;
  const chain = await store.checkChain((entry) => {
    for (const { index, payload } of bySeq.get(entry.seq) ?? []) {
      if (payload.hash !== entry.hash) {
        findings.push(`entry #${entry.seq} is not the entry checkpoint ${index} (signed ${payload.ts}) covers: its hash is ${entry.hash}, the checkpoint's ${payload.hash} — the log was rewritten at or before #${entry.seq}`);
      }
    }
    if (ANCHORED_TYPES.has(entry.type)) lastAnchored = entry;
  });
  const end = chain.head.seq;
  if (chain.broken === null) {
    for (const [seq, list] of bySeq) {
      if (seq <= end) continue;
      for (const { index, payload } of list) {
        findings.push(`the log ends at #${end}, but checkpoint ${index} (signed ${payload.ts}) covers up to #${seq}: entries from #${end + 1} on were removed`);
      }
    }
    const covered = latest?.payload.seq ?? 0;
    const unanchored = lastAnchored as AuditEntry | null;
    if (end > 0 && count === 0) findings.push(`the log holds ${end} entries and there is no checkpoint of it in ${where.checkpoints} (the relay signs one at every start): the checkpoints were removed`);
    else if (unanchored !== null && unanchored.seq > covered) {
      findings.push(`entry #${unanchored.seq} (${unanchored.type}) is newer than the latest checkpoint (#${covered}), though the relay signs one at each ${unanchored.type}: checkpoints were removed`);
    }
  }

  for await (const sessionId of store.listBlobs('manifest')) {
    const seq = await manifestSeq(store, sessionId);
    if (seq !== null && seq > end) findings.push(`the manifest of session ${sessionId} names audit entry #${seq}, past the log's end (#${end})`);
  }
  return { chain, checkpoints: count, latest: latest?.payload ?? null, findings };
}

/** The audit seq a stored manifest names (its `chain.seq`), or null if it names none readable. */
async function manifestSeq(store: AuditStoreReader, sessionId: string): Promise<number | null> {
  const blob = await store.getBlob('manifest', sessionId);
  if (!blob) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of blob.open() as AsyncIterable<Buffer>) chunks.push(chunk);
  try {
    const jws = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload?: unknown };
    const payload = JSON.parse(Buffer.from(String(jws.payload), 'base64url').toString('utf8')) as { chain?: { seq?: unknown } };
    return typeof payload.chain?.seq === 'number' ? payload.chain.seq : null;
  } catch {
    return null;
  }
}
