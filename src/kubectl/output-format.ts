// Which printer kubectl will use, from -o/--output and --template, as cli-runtime's PrintFlags
// picks it: `--template` given without `-o` means go-template; `FORMAT=ARG` and `FORMAT` with
// `--template ARG` are the same printer; `template`/`templatefile` are go-template's other names.
// Policy matches on this (the `output-format` condition), never on how -o was spelt.
import type { CommandIntent } from './intent.ts';

export type OutputFormat =
  | 'table' | 'wide' | 'json' | 'yaml' | 'name'
  | 'go-template' | 'go-template-file' | 'jsonpath' | 'jsonpath-file' | 'jsonpath-as-json'
  | 'custom-columns' | 'custom-columns-file' | 'unknown';

const NAMED: Record<string, OutputFormat> = {
  '': 'table', wide: 'wide', json: 'json', yaml: 'yaml', name: 'name',
  'go-template': 'go-template', template: 'go-template', 'go-template-file': 'go-template-file', templatefile: 'go-template-file',
  jsonpath: 'jsonpath', 'jsonpath-file': 'jsonpath-file', 'jsonpath-as-json': 'jsonpath-as-json',
  'custom-columns': 'custom-columns', 'custom-columns-file': 'custom-columns-file',
};

export function outputFormatOf(intent: Pick<CommandIntent, 'output' | 'flags'>): OutputFormat {
  const template = intent.flags['template'];
  const templateGiven = typeof template === 'string' ? template !== '' : Array.isArray(template) && template.some((t) => t !== '');
  if (intent.output === null) return templateGiven ? 'go-template' : 'table';
  const eq = intent.output.indexOf('=');
  const name = eq === -1 ? intent.output : intent.output.slice(0, eq);
  // kubectl compares formats case-sensitively and refuses the rest; reading them case-blind here
  // can only make a spelling kubectl refuses look like a template, never the other way round.
  return NAMED[name] ?? NAMED[name.toLowerCase()] ?? 'unknown';
}

/** Printers that run a Go template: the only ones that can compute on a Secret's values. */
export function isGoTemplate(format: OutputFormat): boolean {
  return format === 'go-template' || format === 'go-template-file';
}

// jsonpath and custom-columns expressions that can print a Secret value in a shape the masker
// does not know (several values on a line, a JSON list, a column of a table): anything naming
// `data`, `stringData` or `annotations` (where last-applied-configuration copies the data),
// wildcards other than a list's `[*]`, recursive descent, filters, and escapes. The two shapes
// the masker is tested on (test/policy/secret-output-masking.test.ts) stay allowed: one value
// `{.data.KEY}` and the whole map `{.data}`, alone.
const VALUE_FIELDS = /(^|[^a-z0-9_-])(data|stringdata|annotations)([^a-z0-9_-]|$)/i;
const MASKED_SHAPES = /^\{\.data(\.[A-Za-z0-9_-]+)?\}$/;

/**
 * Whether a jsonpath or custom-columns output could select a Secret's values past the masker;
 * false for every other printer. Expressions read from a file count, since nobody sees them.
 */
export function selectsSecretValues(intent: Pick<CommandIntent, 'output' | 'flags'>): boolean {
  const format = outputFormatOf(intent);
  if (format === 'jsonpath-file' || format === 'custom-columns-file') return true;
  if (format !== 'jsonpath' && format !== 'jsonpath-as-json' && format !== 'custom-columns') return false;
  const eq = intent.output?.indexOf('=') ?? -1;
  const template = intent.flags['template'];
  const expression = eq !== -1 ? (intent.output as string).slice(eq + 1) : typeof template === 'string' ? template : '';
  if (format === 'jsonpath' && MASKED_SHAPES.test(expression)) return false;
  // Text between {"…"} is printed as it is and selects nothing (`{"\n"}`, `{"\t"}`).
  const selecting = expression.replace(/\{"(?:[^"\\]|\\.)*"\}/g, '');
  return VALUE_FIELDS.test(selecting) || selecting.replaceAll('[*]', '').includes('*') || /\.\.|\\|@|\?/.test(selecting);
}
