// The audit log's line format and hash chain. Pure: no files. Each line is one JSON object
//   {"v":1,"seq":N,"ts":"…","type":"…","prev":"<hash of line N-1>",…event…,"hash":"<sha256>"}
// where `hash` is the sha256 (hex) of the line's text without its `,"hash":"…"` tail, so it
// covers every byte before it, `prev` included: changing any line breaks every later link.
import { createHash } from 'node:crypto';
import type { AuditEvent } from './audit-events.ts';

export type { AuditEvent } from './audit-events.ts';

export const AUDIT_LOG_VERSION = 1;
/** `prev` of the first entry. */
export const GENESIS = '0'.repeat(64);

/** What sealing adds to every event: its place in the chain. */
export type EntryHeader = { v: 1; seq: number; ts: string; prev: string; hash: string };

/** One line of the log: an event with its header (a union itself, so `type` narrows it). */
export type AuditEntry = AuditEvent & EntryHeader;

/** An entry of one type, e.g. `EntryOf<'decision'>`. */
/**
 * What the chain format itself can seal: any object with a `type`. The relay only ever appends
 * `AuditEvent`s (RelayCore.commit takes nothing else); the format stays open so that readers and
 * tests of the chain do not depend on the event list.
 */
export type SealableEvent = { type: string } & Record<string, unknown>;

export type EntryOf<T extends AuditEvent['type']> = Extract<AuditEvent, { type: T }> & EntryHeader;

const RESERVED = new Set(['v', 'seq', 'ts', 'type', 'prev', 'hash']);
const HASH_TAIL = /,"hash":"([0-9a-f]{64})"\}$/;

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The line (without newline) for `event` as entry `seq` after the entry whose hash is `prev`. */
export function sealEntry(event: SealableEvent | AuditEvent, seq: number, ts: string, prev: string): { line: string; entry: AuditEntry } {
  const body: Record<string, unknown> = { v: AUDIT_LOG_VERSION, seq, ts, type: event.type, prev };
  for (const [key, value] of Object.entries(event)) if (!RESERVED.has(key)) body[key] = value;
  const unsealed = JSON.stringify(body);
  const hash = sha256Hex(unsealed);
  return { line: `${unsealed.slice(0, -1)},"hash":"${hash}"}`, entry: { ...body, hash } as AuditEntry };
}

export type LineProblem = { seq: number | null; message: string };

/**
 * Checks one line against the chain so far; returns the entry or what is wrong with it.
 * `expected` is the seq and prev the line must carry.
 */
export function checkLine(text: string, expected: { seq: number; prev: string }): { entry: AuditEntry } | { problem: LineProblem } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: { seq: null, message: 'not valid JSON (a torn or overwritten line)' } };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { problem: { seq: null, message: 'not a JSON object' } };
  }
  const entry = parsed as AuditEntry;
  const seq = typeof entry.seq === 'number' ? entry.seq : null;
  const fail = (message: string) => ({ problem: { seq, message } });
  if (entry.v !== AUDIT_LOG_VERSION) return fail(`unknown audit-log version ${JSON.stringify(entry.v)} (this hkubectl reads version ${AUDIT_LOG_VERSION})`);
  const tail = HASH_TAIL.exec(text);
  if (!tail || tail[1] !== entry.hash) return fail('has no "hash" as its last field');
  if (sha256Hex(`${text.slice(0, tail.index)}}`) !== entry.hash) return fail('its content does not match its hash (the line was altered)');
  if (seq !== expected.seq) return fail(`has seq ${JSON.stringify(entry.seq)} where ${expected.seq} was expected (a line is missing or was inserted)`);
  if (entry.prev !== expected.prev) return fail('its "prev" is not the hash of the line before it (the chain is broken here)');
  return { entry };
}
