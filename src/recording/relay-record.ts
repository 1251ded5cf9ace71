// Reading the relay's record of a gateway session (format: src/contract/relay-record.ts) for the
// auditor: its digest, as the manifest binds it, and its shape (how many entries of each type,
// how many bytes went back to the agent), streamed in one pass so a record of any size is read in
// bounded memory. The reader is tolerant: entry types it does not know are counted, not refused;
// a header it does not know is a finding.
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import {
  outputBytesOf, RELAY_RECORD_ENTRY_TYPES, RELAY_RECORD_VERSION,
} from '../contract/relay-record.ts';
import { streamRegular } from '../files/regular-file.ts';

export type RelayRecordSummary = {
  sha256: string;
  size: number;
  /** The session the header names; null when the header is unreadable. */
  session: string | null;
  /** Entries after the header. */
  entries: number;
  byType: Record<string, number>;
  /** Entry types this hkubectl does not know, counted. */
  unknownTypes: Record<string, number>;
  /** Bytes the relay saw go back to the agent (responses, watch events, log chunks, tunnels). */
  outputBytes: number;
  /** Whether the record ends with an `end` entry (a relay killed mid-session leaves none). */
  ended: boolean;
  problems: string[];
};

const KNOWN_TYPES: ReadonlySet<string> = new Set(RELAY_RECORD_ENTRY_TYPES);

/** Reads one record file (a regular file only). */
export async function readRelayRecord(path: string): Promise<RelayRecordSummary> {
  const summary: RelayRecordSummary = { sha256: '', size: 0, session: null, entries: 0, byType: {}, unknownTypes: {}, outputBytes: 0, ended: false, problems: [] };
  const hash = createHash('sha256');
  let lineNumber = 0;
  let headerOk = false;
  let malformed = 0;
  const onLine = (line: string): void => {
    lineNumber += 1;
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    const fields = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    if (lineNumber === 1) {
      if (fields === null || fields.type !== 'header') {
        summary.problems.push('the relay record has no relay-record header on its first line');
      } else if (fields.v !== RELAY_RECORD_VERSION) {
        summary.problems.push(`the relay record is version ${JSON.stringify(fields.v)}, which this hkubectl does not read (it reads ${RELAY_RECORD_VERSION})`);
      } else {
        headerOk = true;
        summary.session = typeof fields.session === 'string' ? fields.session : null;
      }
      return;
    }
    if (!headerOk) return;
    if (fields === null || typeof fields.type !== 'string') {
      malformed += 1;
      return;
    }
    summary.entries += 1;
    const counts = KNOWN_TYPES.has(fields.type) ? summary.byType : summary.unknownTypes;
    counts[fields.type] = (counts[fields.type] ?? 0) + 1;
    summary.outputBytes += outputBytesOf(fields);
    if (fields.type === 'close') summary.ended = true;
  };

  const stream = await streamRegular(path);
  let pending = '';
  // A character cut in two by a chunk boundary is joined before the line is split.
  const decoder = new StringDecoder('utf8');
  await new Promise<void>((done, fail) => {
    stream
      .on('data', (chunk: Buffer) => {
        hash.update(chunk);
        summary.size += chunk.length;
        const lines = (pending + decoder.write(chunk)).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      })
      .once('error', fail)
      .once('end', () => {
        // A last line without its newline: a record cut off mid-write still counts what it holds.
        pending += decoder.end();
        if (pending !== '') onLine(pending);
        done();
      });
  });
  summary.sha256 = hash.digest('hex');
  if (malformed > 0) summary.problems.push(`the relay record has ${malformed} line${malformed === 1 ? '' : 's'} that ${malformed === 1 ? 'is' : 'are'} not an entry`);
  return summary;
}
