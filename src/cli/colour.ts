// Colour is off when NO_COLOR is set to anything but "" (no-color.org), with --no-color on an own
// command, and (chalk's own rule) when the output is not a terminal. chalk and Node's
// `hasColors()` both read FORCE_COLOR=0 as "no colour", so saying it once here, before either
// is loaded, reaches every view: replay, the inbox, the demo, diffs.
export function applyColourChoice(env: NodeJS.ProcessEnv, noColorFlag: boolean): void {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) env.FORCE_COLOR = '0';
}

/** Own commands take --no-color (before `--`); it is theirs, not commander's to refuse. */
export function takeNoColorFlag(args: readonly string[]): { args: string[]; noColor: boolean } {
  const end = args.indexOf('--');
  const head = end === -1 ? args : args.slice(0, end);
  const kept = head.filter((arg) => arg !== '--no-color');
  return { args: [...kept, ...(end === -1 ? [] : args.slice(end))], noColor: kept.length !== head.length };
}
