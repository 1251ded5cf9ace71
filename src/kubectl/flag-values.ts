// Flag values read the way kubectl reads them, so that policy compares what kubectl will do and
// not how it was spelt. kubectl's flags are spf13/pflag values parsed by Go's strconv and time:
//   bool:     strconv.ParseBool — 1 t T TRUE true True / 0 f F FALSE false False;
//   int:      strconv.ParseInt(s, 0, 64) — a sign, 0x/0o/0b prefixes, a leading 0 for octal, and
//             `_` between digits (`00`, `-0`, `+0`, `0x0` and `0_0` are all zero);
//   duration: time.ParseDuration — `0`, `90s`, `1.5h`, `1h2m3s`, `-0s`, `500ms`, `1us`/`1µs`.
// A value Go rejects makes kubectl refuse the whole command, so it is kept as written here.
import type { CommandIntent, FlagValue } from './intent.ts';

/** kubectl 1.32 flags that are pflag bools (never take the next argument as their value). */
export const BOOL_FLAGS: ReadonlySet<string> = new Set([
  'force', 'now', 'all', 'all-namespaces', 'wait', 'ignore-not-found', 'overwrite', 'record', 'server-side',
  'force-conflicts', 'prune', 'recursive', 'stdin', 'tty', 'quiet', 'privileged', 'ignore-daemonsets',
  'delete-emptydir-data', 'disable-eviction', 'watch', 'watch-only', 'show-labels', 'show-kind', 'no-headers',
  'local', 'follow', 'previous', 'timestamps', 'insecure-skip-tls-verify', 'rm', 'attach', 'leave-stdin-open',
  'expose', 'show-managed-fields', 'ignore-errors', 'keep-annotations', 'allow-missing-template-keys',
  'interactive', 'match-server-version', 'disable-compression', 'warnings-as-errors', 'list', 'resolve', 'help', 'client',
]);

/** Flags that are pflag ints (int, int32, int64). */
export const INT_FLAGS: ReadonlySet<string> = new Set([
  'grace-period', 'replicas', 'current-replicas', 'tail', 'limit-bytes', 'max-log-requests', 'chunk-size',
  'min', 'max', 'cpu-percent', 'to-revision', 'revision', 'retries', 'skip-wait-for-delete-timeout', 'concurrency',
  'v',
]);

/** Flags that are time.Duration values. */
export const DURATION_FLAGS: ReadonlySet<string> = new Set([
  'timeout', 'since', 'pod-running-timeout', 'duration', 'log-flush-frequency',
]);

export function parseGoBool(text: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return null;
}

/** strconv.ParseInt(text, 0, 64); null where Go returns an error. */
export function parseGoInt(text: string): bigint | null {
  let rest = text;
  let negative = false;
  if (rest.startsWith('+') || rest.startsWith('-')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  let base = 10;
  let digits = rest;
  let prefixed = false;
  const lower = rest.slice(0, 2).toLowerCase();
  if (lower === '0x' || lower === '0o' || lower === '0b') {
    base = lower === '0x' ? 16 : lower === '0o' ? 8 : 2;
    digits = rest.slice(2);
    prefixed = true;
  } else if (rest.length > 1 && rest.startsWith('0')) {
    base = 8;
    digits = rest.slice(1);
    prefixed = true;
  }
  if (!underscoresOk(prefixed ? `0${digits}` : digits, prefixed)) return null;
  digits = digits.replaceAll('_', '');
  if (digits === '') return null;
  const alphabet = '0123456789abcdef'.slice(0, base);
  let value = 0n;
  for (const ch of digits.toLowerCase()) {
    const digit = alphabet.indexOf(ch);
    if (digit === -1) return null;
    value = value * BigInt(base) + BigInt(digit);
  }
  if (negative) value = -value;
  if (value > 9223372036854775807n || value < -9223372036854775808n) return null;
  return value;
}

/** Go's underscoreOK: `_` only between digits, or right after a base prefix. */
function underscoresOk(text: string, prefixed: boolean): boolean {
  if (!text.includes('_')) return true;
  let saw = prefixed ? '0' : '^';
  for (const ch of text) {
    if (ch === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_' && !/[0-9a-z]/i.test(ch)) return false;
      saw = '0';
    }
  }
  return saw !== '_';
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration, in nanoseconds; null where Go returns an error. */
export function parseGoDuration(text: string): number | null {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('+') || rest.startsWith('-')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return null;
  let total = 0;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const match = part.exec(rest);
    if (match === null || (match[1] === '' && (match[2] ?? '') === '')) return null;
    // Go truncates each part to whole nanoseconds.
    total += Math.trunc(Number(`${match[1] || '0'}.${match[2] || '0'}`) * (UNIT_NS[match[3] as string] as number));
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}

/** time.Duration.String for whole numbers of nanoseconds: `0s`, `500ms`, `1m30s`, `1h0m0s`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let n = Math.abs(Math.round(ns));
  if (n < 1e9) {
    const [unit, size] = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${trimDecimal(n / (size as number))}${unit}`;
  }
  const hours = Math.floor(n / 3600e9);
  n -= hours * 3600e9;
  const minutes = Math.floor(n / 60e9);
  n -= minutes * 60e9;
  const seconds = `${trimDecimal(n / 1e9)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

function trimDecimal(value: number): string {
  return String(Number(value.toFixed(9)));
}

/**
 * One flag's values as kubectl reads them. Typed flags keep only the last value (pflag's Set
 * overwrites), bools become booleans, ints their decimal form, durations Go's canonical form.
 */
export function flagValueOf(name: string, values: readonly string[]): FlagValue {
  const last = values.at(-1) ?? '';
  if (BOOL_FLAGS.has(name)) return parseGoBool(last) ?? last;
  if (INT_FLAGS.has(name)) return parseGoInt(last)?.toString() ?? last;
  if (DURATION_FLAGS.has(name)) {
    const ns = parseGoDuration(last);
    return ns === null ? last : formatGoDuration(ns);
  }
  if (values.length > 1) return [...values];
  if (last === 'true' || last === 'false') return last === 'true';
  return last;
}

/** A flag given as a bool, read with strconv.ParseBool; a value Go rejects counts as given. */
export function isFlagTrue(value: FlagValue | undefined): boolean {
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  const text = Array.isArray(value) ? (value.at(-1) ?? '') : value;
  return parseGoBool(text) !== false;
}

/** `--dry-run` as cmdutil.GetDryRunStrategy reads it (1.32 still takes the deprecated bools). */
export function dryRunOf(value: string | undefined): 'none' | 'client' | 'server' {
  if (value === undefined) return 'none';
  if (value === 'server') return 'server';
  if (value === 'client' || value === 'unchanged') return 'client';
  // A value kubectl refuses stops the command, so reading it as "no dry run" is the safe side.
  return parseGoBool(value) === true ? 'client' : 'none';
}

function intFlag(intent: Pick<CommandIntent, 'flags'>, name: string): bigint | null {
  const value = intent.flags[name];
  return typeof value === 'string' ? parseGoInt(value) : null;
}

/**
 * Whether the command deletes without waiting for graceful termination. kubectl delete (delete.go
 * Complete): `--now` means a grace period of 1; `--grace-period=0` without `--force` becomes 1;
 * `--force` with no grace period, or a negative one, becomes 0 — so `--force` alone is an
 * immediate deletion. `replace`/`apply --force` delete and re-create: counted when the grace
 * period given is zero or below.
 */
export function isImmediateDeletion(intent: Pick<CommandIntent, 'verb' | 'force' | 'flags'>): boolean {
  if (!intent.force) return false;
  const grace = intFlag(intent, 'grace-period');
  if (intent.verb === 'delete') {
    if (isFlagTrue(intent.flags['now']) && grace === null) return false;
    return grace === null || grace <= 0n;
  }
  return grace !== null && grace <= 0n;
}
