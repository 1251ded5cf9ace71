// pflag-faithful scan of a kubectl argv: positionals, flags, and what follows `--`.
import { NO_OPTION_DEFAULTS, type FlagSpec } from './flag-specs.ts';

export interface ScannedArgs {
  positionals: string[];
  /** Arguments after the first `--` (null when there is none). */
  afterDash: string[] | null;
  /** Long flag name → every value given, in order ("true"/"false" for bool flags). */
  flags: Map<string, string[]>;
}

function record(flags: Map<string, string[]>, name: string, value: string): void {
  const values = flags.get(name);
  if (values) values.push(value);
  else flags.set(name, [value]);
}

export function scanArgs(argv: readonly string[], spec: FlagSpec): ScannedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  let afterDash: string[] | null = null;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      afterDash = argv.slice(i + 1);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) record(flags, name, arg.slice(eq + 1));
      else if (name in NO_OPTION_DEFAULTS) record(flags, name, NO_OPTION_DEFAULTS[name] as string);
      else if (spec.takesValue(name) && i + 1 < argv.length) record(flags, name, argv[++i] as string);
      else record(flags, name, 'true');
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // Shorthands cluster (`-it`); a value-taking one swallows the rest of the token, or the
      // next argument when nothing is left (`-nprod`, `-n=prod`, `-n prod`).
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j] as string;
        const short = spec.short(ch);
        const long = short?.long ?? ch;
        if (short?.takesValue) {
          const rest = arg.slice(j + 1);
          // pflag: `-n=` is an empty value, never the next argument.
          if (rest.startsWith('=')) record(flags, long, rest.slice(1));
          else if (rest !== '') record(flags, long, rest);
          else if (i + 1 < argv.length) record(flags, long, argv[++i] as string);
          else record(flags, long, '');
          break;
        }
        if (arg[j + 1] === '=') {
          record(flags, long, arg.slice(j + 2));
          break;
        }
        record(flags, long, 'true');
      }
      continue;
    }
    positionals.push(arg);
  }
  return { positionals, afterDash, flags };
}
