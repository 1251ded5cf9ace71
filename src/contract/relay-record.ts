// The relay's own record of a gateway session: what crossed the boundary, as the relay saw it,
// masked. The relay writes it (src/relay/server/gateway/record.ts); the signed manifest binds it
// by digest (`observed.record`); the auditor's tools read it when it sits beside the manifest.
// Every name writer and readers depend on is here, so that they agree in one place.
//
// Versioned JSON lines; every line has `v` (1), `n` (its number, from 1), `t` (ISO time), `type`:
//   header       { session, cluster, subject }                                   first line (again after a relay restart)
//   request      { id, method, path, query, verb, resource, subresource, namespace, name, body? }
//   refused      { id, status, rule, message }                                    nothing was forwarded
//   response     { id, status, contentType, size, sha256, body? }                 body: the masked text when small
//   event        { id, text } | { id, size, sha256 }                              a watch event, masked
//   log          { id, text } | { id, size, sha256 }                              a log chunk, masked
//   tunnel-open  { id, protocol }                                                 exec/attach/port-forward upgrade
//   tunnel-close { id, bytesIn, bytesOut, how }                                   bytesOut: towards the agent
//   end          { id, how }                                                      how a stream ended
//   close        { entries }                                                      last line, at session close

export const RELAY_RECORD_VERSION = 1;

export const RELAY_RECORD_ENTRY_TYPES = ['header', 'request', 'refused', 'response', 'event', 'log', 'tunnel-open', 'tunnel-close', 'end', 'close'] as const;
export type RelayRecordEntryType = (typeof RELAY_RECORD_ENTRY_TYPES)[number];

/** The file name of a session's record, beside its manifest and in the relay's blobs. */
export const relayRecordFileName = (session: string): string => `${session}.relay-record.jsonl`;

function count(entry: Record<string, unknown>, name: string): number {
  const value = entry[name];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Bytes the relay saw go back to the agent's kubectl in this entry: a response body, a watch
 * event, a log chunk, a tunnel's bytes towards the client. A stream entry without a size still
 * counts as one byte: it is output the agent received.
 */
export function outputBytesOf(entry: Record<string, unknown>): number {
  switch (entry.type) {
    case 'response':
      return count(entry, 'size');
    case 'event':
    case 'log':
      return Math.max(1, typeof entry.text === 'string' ? Buffer.byteLength(entry.text) : count(entry, 'size'));
    case 'tunnel-close':
      return count(entry, 'bytesOut');
    default:
      return 0;
  }
}
