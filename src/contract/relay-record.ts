// The relay's own record of a gateway session, as the auditor's tools read it: JSON lines, the
// first a header `{"hk":"relay-record","v":1,"session":…}`, then one entry per line with a `type`.
// The relay writes it (src/relay/server/gateway); the signed manifest binds it by digest
// (`observed.record`), and `verify` reads it when it sits beside the manifest as
// `<session>.record.jsonl`. Every name the readers depend on is here, so that writer and readers
// agree in one place.

export const RELAY_RECORD_KIND = 'relay-record';
export const RELAY_RECORD_VERSION = 1;
export const RELAY_RECORD_SUFFIX = '.record.jsonl';

export const RELAY_RECORD_ENTRY_TYPES = ['request', 'response', 'watch-event', 'log-chunk', 'tunnel-open', 'tunnel-close', 'end'] as const;
export type RelayRecordEntryType = (typeof RELAY_RECORD_ENTRY_TYPES)[number];

export type RelayRecordHeader = { hk: typeof RELAY_RECORD_KIND; v: typeof RELAY_RECORD_VERSION; session: string };

export const relayRecordFileName = (session: string): string => `${session}${RELAY_RECORD_SUFFIX}`;

/** A number field of an entry, under any of the names it may carry (size of a body, bytes of a stream). */
function count(entry: Record<string, unknown>, names: readonly string[]): number {
  for (const name of names) {
    const value = entry[name];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  }
  return 0;
}

/**
 * Bytes the relay saw go back to the agent's kubectl in this entry: a response body, a watch
 * event, a log chunk, a tunnel's bytes towards the client. A response or stream entry without a
 * size still counts as one byte: it is output the agent received.
 */
export function outputBytesOf(entry: Record<string, unknown>): number {
  switch (entry.type) {
    case 'response':
      return count(entry, ['size', 'bytes', 'bodySize']);
    case 'watch-event':
    case 'log-chunk':
      return Math.max(1, count(entry, ['size', 'bytes']));
    case 'tunnel-close':
      return count(entry, ['bytesToClient', 'toClient', 'bytesOut']);
    default:
      return 0;
  }
}
