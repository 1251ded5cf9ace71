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
