// pflag-faithful scan of a kubectl argv: positionals, flags, and what follows `--`.
import { NO_OPTION_DEFAULTS, type FlagSpec } from './flag-specs.ts';

export interface ScannedArgs {
  positionals: string[];
  /** Arguments after the first `--` (null when there is none). */
  afterDash: string[] | null;
  /** Long flag name → every value given, in order ("true"/"false" for bool flags). */
  flags: Map<string, string[]>;
  /** Where each long flag was written: argv[start, end) (a shorthand cluster counts as its own tokens). */
  occurrences: FlagOccurrence[];
}

/** One flag as written on the command line, so that a caller can take it out of argv exactly. */
export interface FlagOccurrence {
  name: string;
  start: number;
  /** Exclusive: `--flag=value` is one token, `--flag value` two. */
  end: number;
  /** Whether the tokens hold this flag alone (not a cluster of shorthands such as `-it`). */
  alone: boolean;
}

export function scanArgs(argv: readonly string[], spec: FlagSpec): ScannedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const occurrences: FlagOccurrence[] = [];
  let afterDash: string[] | null = null;
  let start = 0;
  let alone = true;
  // Every value is recorded here, with the tokens it came from: argv[start .. i].
  const record = (name: string, value: string, i: number): void => {
    const values = flags.get(name);
    if (values) values.push(value);
    else flags.set(name, [value]);
    occurrences.push({ name, start, end: i + 1, alone });
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    start = i;
    alone = true;
    if (arg === '--') {
      afterDash = argv.slice(i + 1);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      // kubectl's flag sets normalise `_` to `-` (cliflag.WordSepNormalizeFunc): `--client_key`
      // is `--client-key`, `--as_group` is `--as-group`.
      const name = (eq === -1 ? arg.slice(2) : arg.slice(2, eq)).replaceAll('_', '-');
      if (eq !== -1) record(name, arg.slice(eq + 1), i);
      else if (name in NO_OPTION_DEFAULTS) record(name, NO_OPTION_DEFAULTS[name] as string, i);
      else if (spec.takesValue(name) && i + 1 < argv.length) record(name, argv[++i] as string, i);
      else record(name, 'true', i);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // Shorthands cluster (`-it`); a value-taking one swallows the rest of the token, or the
      // next argument when nothing is left (`-nprod`, `-n=prod`, `-n prod`).
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j] as string;
        alone = j === 1 && (spec.short(ch)?.takesValue === true || arg.length === 2 || arg[2] === '=');
        const short = spec.short(ch);
        const long = short?.long ?? ch;
        if (short?.takesValue) {
          const rest = arg.slice(j + 1);
          // pflag: `-n=` is an empty value, never the next argument.
          if (rest.startsWith('=')) record(long, rest.slice(1), i);
          else if (rest !== '') record(long, rest, i);
          else if (i + 1 < argv.length) record(long, argv[++i] as string, i);
          else record(long, '', i);
          break;
        }
        if (arg[j + 1] === '=') {
          record(long, arg.slice(j + 2), i);
          break;
        }
        record(long, 'true', i);
      }
      continue;
    }
    positionals.push(arg);
  }
  return { positionals, afterDash, flags, occurrences };
}
