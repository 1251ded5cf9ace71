// Two manifests cannot both be the audit-log entry at one place in one log: one of them was
// copied or replayed. `hkubectl verify DIR` flags such manifests with every directory it
// checks; the export checks sessions one at a time, so it notes each signed manifest's place
// here and asks once the whole directory has been seen. The place is the seq with the hash
// before it, so recordings of different relays (each numbering its own log from 1) can share a
// directory. Memory keeps the seq and a record number per manifest; the hash and the session id
// wait on disk until another manifest names the same seq.
import type { SessionCheck } from '../verification.ts';
import { numberMultimap } from './compact-index.ts';
import { recordFile } from './record-file.ts';

export interface ChainPlace {
  seq: number;
  prev: string;
}

export function chainPlaceOf(check: SessionCheck): ChainPlace | null {
  // `payload` is set only once the relay's signature verified: an unsigned claim proves nothing.
  const chain = (check.payload?.chain ?? null) as { seq?: unknown; prev?: unknown } | null;
  return chain && typeof chain.seq === 'number' && typeof chain.prev === 'string' ? { seq: chain.seq, prev: chain.prev } : null;
}

export interface ChainClaims {
  add(session: string, place: ChainPlace): Promise<void>;
  /** What is wrong with a manifest at `place`, if another manifest claims it too. */
  problem(place: ChainPlace): string | null;
  remove(): Promise<void>;
}

export async function chainClaims(): Promise<ChainClaims> {
  const claims = await recordFile<{ session: string; prev: string }>('claims');
  const bySeq = numberMultimap();
  // Only places claimed more than once, with every claimant: there are few, if any.
  const shared = new Map<string, string[]>();
  const key = (place: ChainPlace) => `${place.seq} ${place.prev}`;
  return {
    async add(session, place) {
      for (const index of bySeq.get(place.seq)) {
        const first = await claims.read(index);
        if (first.prev !== place.prev) continue;
        shared.set(key(place), [...(shared.get(key(place)) ?? [first.session]), session]);
        return;
      }
      bySeq.add(place.seq, await claims.append({ session, prev: place.prev }));
    },
    problem(place) {
      const same = shared.get(key(place));
      return same ? `chain: ${same.length} manifests claim audit-log entry #${place.seq} (${[...same].sort().join(', ')})` : null;
    },
    remove: () => claims.remove(),
  };
}
