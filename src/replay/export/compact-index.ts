// Lookups the export keeps for every session without keeping the session itself: a small number
// (an audit-log seq, or a hash of a session id) leads to record numbers in a RecordFile, about
// twenty bytes a session. A hash can collide, so what it finds is a candidate that the caller
// confirms against the record.

/** Number → record numbers; most keys have one, so one is kept without an array. */
export function numberMultimap() {
  const map = new Map<number, number | number[]>();
  return {
    add(key: number, value: number): void {
      const had = map.get(key);
      map.set(key, had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value]);
    },
    get(key: number): readonly number[] {
      const had = map.get(key);
      return had === undefined ? [] : Array.isArray(had) ? had : [had];
    },
  };
}

/** FNV-1a over the UTF-16 code units, cut to 30 bits so that V8 keeps it as a small integer. */
export function hash30(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash & 0x3fffffff;
}
