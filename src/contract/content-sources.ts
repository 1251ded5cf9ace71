// Which arguments of a kubectl command name content kubectl will read (manifests, kustomizations,
// data files, stdin), as kubectl's flags define them: pure, so the wrapper reads exactly these and
// the relay can tell that a command reads content its wrapper did not bind.
import type { ContentFlag } from './content-digest.ts';
import type { CommandIntent, FlagValue } from '../kubectl/intent.ts';

const list = (value: FlagValue | undefined): string[] => (value === undefined || typeof value === 'boolean' ? [] : Array.isArray(value) ? value : [value]);
export const isRecursive = (intent: CommandIntent): boolean => truthy(intent.flags.recursive);
const truthy = (value: FlagValue | undefined): boolean => value === true || value === 'true' || value === '1' || value === 't' || value === 'T' || value === 'TRUE' || value === 'True';

/** pflag's string slices are CSV records: `a.yaml,b.yaml`, with "quoted, fields" allowed. */
export function splitSlice(value: string): string[] {
  if (!value.includes('"')) return value === '' ? [] : value.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i]!;
    if (quoted) {
      if (char === '"' && value[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** Whether this command reads content an approval must be bound to. */
export function readsContent(intent: CommandIntent): boolean {
  return contentFlags(intent).length > 0;
}

export function contentFlags(intent: CommandIntent): Array<{ flag: ContentFlag; values: string[] }> {
  const wanted: Array<{ flag: ContentFlag; values: string[] }> = [
    { flag: 'filename', values: intent.filenames.flatMap(splitSlice) },
    { flag: 'kustomize', values: list(intent.flags.kustomize) },
    { flag: 'from-file', values: list(intent.flags['from-file']).flatMap(splitSlice).map((source) => fromFilePath(source)) },
    { flag: 'from-env-file', values: list(intent.flags['from-env-file']).flatMap(splitSlice) },
    { flag: 'patch-file', values: list(intent.flags['patch-file']) },
    { flag: 'custom', values: intent.verb === 'debug' ? list(intent.flags.custom) : [] },
    { flag: 'cert', values: intent.verb === 'create secret tls' ? list(intent.flags.cert) : [] },
    { flag: 'key', values: intent.verb === 'create secret tls' ? list(intent.flags.key) : [] },
    { flag: 'cp-source', values: cpLocalSource(intent) },
  ];
  return wanted.filter((entry) => entry.values.length > 0);
}

/** `kubectl cp LOCAL [ns/]pod:path`: kubectl reads a spec without a colon as a local path (cp.go extractFileSpec). */
function cpLocalSource(intent: CommandIntent): string[] {
  if (intent.verb !== 'cp') return [];
  const [source, destination] = intent.args;
  return source !== undefined && !source.includes(':') && destination !== undefined && destination.indexOf(':') > 0 ? [source] : [];
}

/** `--from-file [key=]source`: kubectl splits at the first `=`. */
function fromFilePath(source: string): string {
  const eq = source.indexOf('=');
  return eq === -1 ? source : source.slice(eq + 1);
}

