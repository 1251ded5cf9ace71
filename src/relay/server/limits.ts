// How much one client may ask of the relay: body pacing, recording sizes and per-identity daily
// quotas. An authenticated agent is still the untrusted party, so each of these has a default
// (documented in README.md) and can be set in relay.yaml under `limits:`.

export type RelayLimits = {
  /** Longest silence inside a request body before the relay answers 408. */
  bodyIdleMs: number;
  /** Longest a JSON request body may take to arrive in full (408 after). */
  bodyDeadlineMs: number;
  /** Longest a recording upload may take to arrive in full (408 after). */
  uploadDeadlineMs: number;
  /** Largest recording of one session. */
  maxCastBytes: number;
  /** Recording bytes one identity may have the relay keep per UTC day. */
  uploadBytesPerDay: number;
  /** Sessions (allowed commands) one identity may open per UTC day. */
  sessionsPerDay: number;
};

export const DEFAULT_LIMITS: RelayLimits = {
  bodyIdleMs: 10_000,
  bodyDeadlineMs: 60_000,
  uploadDeadlineMs: 15 * 60_000,
  maxCastBytes: 256 * 1024 ** 2,
  uploadBytesPerDay: 2 * 1024 ** 3,
  sessionsPerDay: 5_000,
};

/** JSON request bodies nest no deeper than this (a CommandIntent is about 4 levels deep). */
export const MAX_JSON_DEPTH = 64;

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** `65536`, `500M`, `1GiB`, `2k` → bytes (binary units); null for anything else. */
export function parseSize(text: string): number | null {
  const match = /^(\d+)([KMG]?)(?:i?B)?$/i.exec(text.trim());
  if (!match) return null;
  const bytes = Number(match[1]) * SIZE_UNITS[match[2]!.toUpperCase()]!;
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}
