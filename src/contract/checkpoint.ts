// A signed checkpoint of the audit log's head, as Certificate Transparency signs tree heads: the
// relay states "my log's entry #seq has hash H, as of ts" and signs it with its manifest key.
// A hash chain alone proves nothing about its end (cut the last lines and it still chains);
// a checkpoint does: a log shorter than its latest checkpoint, or one rewritten with every hash
// recomputed, no longer holds the entry the relay signed.
//
// Format: a JWS in flattened JSON serialization (RFC 7515 §7.2.2), EdDSA (Ed25519), with the
// `kid` of a key in the relay's JWKS and `typ` "hk-checkpoint+json", so any JOSE library checks
// it and a manifest signature cannot pass for a checkpoint (or the other way round). The payload
// carries its format version `v`; a version this hkubectl does not know is refused, not guessed.
import type { FlattenedJws } from './manifest.ts';

export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_TYP = 'hk-checkpoint+json';

export type CheckpointPayload = { v: 1; seq: number; hash: string; ts: string };

export type SignedCheckpoint = FlattenedJws;

/** The exact bytes the relay signs for the head `seq`/`hash` at `ts`. */
export function checkpointBytes(head: { seq: number; hash: string }, ts: string): Uint8Array {
  const payload: CheckpointPayload = { v: CHECKPOINT_VERSION, seq: head.seq, hash: head.hash, ts };
  return Buffer.from(JSON.stringify(payload));
}

/** A checkpoint's payload, or what is wrong with it (only meaningful once its signature holds). */
export function parseCheckpointPayload(bytes: Uint8Array): CheckpointPayload | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { problem: 'its payload is not JSON' };
  }
  const payload = parsed as Partial<CheckpointPayload> | null;
  if (payload === null || typeof payload !== 'object') return { problem: 'its payload is not a JSON object' };
  if (payload.v !== CHECKPOINT_VERSION) return { problem: `checkpoint version ${JSON.stringify(payload.v)} is not supported (this hkubectl reads version ${CHECKPOINT_VERSION})` };
  if (!Number.isSafeInteger(payload.seq) || payload.seq! < 1) return { problem: '"seq" must be an audit-log seq' };
  if (typeof payload.hash !== 'string' || !/^[0-9a-f]{64}$/.test(payload.hash)) return { problem: '"hash" must be a sha256 in hex' };
  if (typeof payload.ts !== 'string' || Number.isNaN(Date.parse(payload.ts))) return { problem: '"ts" must be a date/time' };
  return payload as CheckpointPayload;
}

/** Whether a JSON value has the shape of a flattened JWS (what a checkpoint line holds). */
export function isFlattenedJws(value: unknown): value is FlattenedJws {
  const jws = value as Partial<FlattenedJws> | null;
  return jws !== null && typeof jws === 'object' && typeof jws.payload === 'string' && typeof jws.protected === 'string' && typeof jws.signature === 'string';
}
