// Which evidence of a session is relay-observed and which is wrapper-reported, and whether the two
// agree. In gateway mode the relay's record (every API exchange that crossed the boundary) is
// bound by digest in the signed manifest (`observed.record`): it is the evidence nothing on the
// agent's machine could change. The `.cast` is what the wrapper reported seeing. A session whose
// .cast is missing while the relay recorded it, or whose .cast shows no output where the relay saw
// output go back to the agent, was misreported by the agent's machine. A session the relay did not
// observe (local mode, or a manifest from before the gateway) is wrapper-reported throughout:
// every view says "local mode: not tamper-proof".
import { createInterface } from 'node:readline';
import type { ObservedEvidence, SessionManifest } from '../contract/manifest.ts';
import { streamRegular } from '../files/regular-file.ts';
import { readRelayRecord, type RelayRecordSummary } from './relay-record.ts';

export const LOCAL_MODE_LABEL = 'local mode: not tamper-proof';

export type EvidenceView = {
  mode: 'gateway' | 'local';
  /** Relay-observed: the record the manifest binds, and what was found of it beside the manifest. */
  relayRecord: null | {
    file: string;
    sha256: string;
    size: number;
    entries: number;
    /** `checked`: read beside the manifest and its digest matched; `altered`: read, digest differs; `absent`: not beside the manifest (the relay holds it). */
    found: 'checked' | 'altered' | 'absent';
    /** The record's shape when it was read. */
    shape: Pick<RelayRecordSummary, 'byType' | 'unknownTypes' | 'outputBytes' | 'ended'> | null;
  };
  /** Wrapper-reported: the .cast's file name, when the manifest names one. */
  cast: string | null;
  /** One line for people: which is which. */
  summary: string;
};

export type EvidenceFinding = {
  /** `record`: the relay's record beside the manifest is not what was signed; `observed`: the .cast disagrees with it. */
  change: 'record' | 'observed' | 'manifest' | null;
  problem: string;
  /** The wrapper's .cast is missing while the relay recorded the session. */
  missing: boolean;
};

/**
 * The evidence of a session without a verified manifest (an unsigned draft, a lone .cast, a
 * manifest whose signature failed): nothing relay-observed can be told, so all of it is
 * wrapper-reported. `why` says which case it is.
 */
export function wrapperOnlyEvidence(cast: string | null, why: string): EvidenceView {
  return { mode: 'local', relayRecord: null, cast, summary: `${LOCAL_MODE_LABEL} (${why}: nothing relay-observed; everything here is wrapper-reported)` };
}

/**
 * The evidence of a signed session, and what is wrong with it. `castPath`: the .cast beside the
 * manifest when there is one (and it matched its signed digest, so its shape is worth comparing);
 * `recordPath`: the relay's record beside it when there is one.
 */
export async function signedEvidence(
  manifest: SessionManifest, castPath: string | null, castMatches: boolean, recordPath: string | null,
): Promise<{ view: EvidenceView; findings: EvidenceFinding[] }> {
  const observed = manifest.observed;
  const cast = manifest.cast?.file ?? null;
  if (observed !== undefined && !isObservedEvidence(observed)) {
    // Signed, yet not in the shape this hkubectl reads: nothing in it can be relied on.
    return {
      view: { mode: 'local', relayRecord: null, cast, summary: `${LOCAL_MODE_LABEL} (the manifest's observed evidence is unreadable)` },
      findings: [{ change: 'manifest', missing: false, problem: 'the manifest\'s observed evidence is not { v: 1, mode, record }' }],
    };
  }
  if (!observed || observed.mode !== 'gateway') {
    const why = observed ? 'the relay ran no gateway for it' : 'its manifest says nothing the relay observed';
    // A record file beside a manifest that binds none is nobody's evidence: said, so that it is not taken for some.
    const stray: EvidenceFinding[] = recordPath === null ? [] : [{ change: null, missing: false, problem: 'a relay record sits beside this manifest, but the manifest binds none: it is not evidence of this session' }];
    return { view: { mode: 'local', relayRecord: null, cast, summary: `${LOCAL_MODE_LABEL} (${why}; the .cast is wrapper-reported)` }, findings: stray };
  }
  const findings: EvidenceFinding[] = [];
  const bound = observed.record;
  if (bound === null) {
    return {
      view: { mode: 'gateway', relayRecord: null, cast, summary: 'gateway mode: the relay bound no record of its own; the .cast is wrapper-reported' },
      findings,
    };
  }
  let found: 'checked' | 'altered' | 'absent' = 'absent';
  let shape: RelayRecordSummary | null = null;
  if (recordPath !== null) {
    try {
      shape = await readRelayRecord(recordPath);
      found = shape.sha256 === bound.sha256 && shape.size === bound.size ? 'checked' : 'altered';
      if (found === 'altered') {
        findings.push({ change: 'record', missing: false, problem: `the relay record beside the manifest (sha256 ${shape.sha256}, ${shape.size} bytes) is not the one signed (sha256 ${bound.sha256}, ${bound.size} bytes): it was altered` });
      } else {
        if (shape.session !== null && shape.session !== manifest.session) findings.push({ change: 'record', missing: false, problem: `the relay record's header names session ${shape.session}` });
        for (const problem of shape.problems) findings.push({ change: null, missing: false, problem });
      }
    } catch (error) {
      findings.push({ change: 'record', missing: false, problem: `the relay record beside the manifest is unreadable: ${(error as Error).message}` });
      found = 'altered';
    }
  }
  const trusted = found === 'checked' ? shape : null;
  const relayRecord: NonNullable<EvidenceView['relayRecord']> = {
    file: bound.file, sha256: bound.sha256, size: bound.size, entries: bound.entries, found,
    shape: trusted ? { byType: trusted.byType, unknownTypes: trusted.unknownTypes, outputBytes: trusted.outputBytes, ended: trusted.ended } : null,
  };

  // The relay saw the session run (entries), so the wrapper should have reported it.
  const castAbsent = manifest.cast === null || castPath === null;
  if (castAbsent && bound.entries > 0) {
    findings.push({
      change: null, missing: true,
      problem: `the wrapper's .cast is ${manifest.cast === null ? 'not named by the manifest' : 'missing'}, yet the relay's record holds ${bound.entries} entr${bound.entries === 1 ? 'y' : 'ies'} of this session`,
    });
  }
  if (!castAbsent && castMatches && trusted && trusted.outputBytes > 0 && !(await castHasOutput(castPath!))) {
    findings.push({
      change: 'observed', missing: false,
      problem: `the .cast shows no output, but the relay's record saw ${trusted.outputBytes} bytes go back to the agent: the wrapper's recording disagrees with what crossed the boundary`,
    });
  }
  const notes: string[] = [];
  if (trusted) {
    const unknown = Object.values(trusted.unknownTypes).reduce((sum, n) => sum + n, 0);
    if (unknown > 0) notes.push(`${unknown} of a kind this hkubectl does not know`);
    if (!trusted.ended) notes.push('no close entry: the relay stopped before the session closed');
  }
  const where = [found === 'checked' ? 'checked here' : found === 'altered' ? 'ALTERED here' : 'not beside the manifest; the relay holds it', ...notes].join('; ');
  return {
    view: {
      mode: 'gateway', relayRecord, cast,
      summary: `gateway mode — relay-observed: the relay's record ${bound.file} (${bound.entries} entries, sha256 ${bound.sha256.slice(0, 12)}…, ${where}); wrapper-reported: ${cast ?? 'no .cast'}`,
    },
    findings,
  };
}

const SHA256 = /^[0-9a-f]{64}$/;
const count = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;

/** The `observed` block as the contract has it (the manifest reader checks it too; this reader trusts nothing it did not check). */
export function isObservedEvidence(value: unknown): value is ObservedEvidence {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { v, mode, record } = value as Record<string, unknown>;
  if (v !== 1 || (mode !== 'gateway' && mode !== 'local')) return false;
  if (record === null) return true;
  if (record === undefined || typeof record !== 'object' || Array.isArray(record)) return false;
  const { file, sha256, size, entries } = record as Record<string, unknown>;
  return typeof file === 'string' && file.length > 0 && file.length <= 255 && typeof sha256 === 'string' && SHA256.test(sha256) && count(size) && count(entries);
}

/** Whether a .cast holds any output event with data (streamed: stops at the first). */
export async function castHasOutput(path: string): Promise<boolean> {
  const stream = await streamRegular(path);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let first = true;
  try {
    for await (const line of lines) {
      if (first) {
        first = false;
        continue;
      }
      try {
        const event = JSON.parse(line) as unknown;
        if (Array.isArray(event) && event[1] === 'o' && typeof event[2] === 'string' && event[2].length > 0) return true;
      } catch {
        // A line that is not an event shows no output.
      }
    }
    return false;
  } finally {
    lines.close();
    stream.destroy();
  }
}
