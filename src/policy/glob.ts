// Policy patterns: exact words or shell-style globs with `*` (any run of characters) and `?` (one
// character). Kubernetes names never contain those two, so no escaping is needed; brackets and
// braces are refused instead of half-supported, so a pattern can never mean something other than
// what it looks like. Compiled once at load: the relay evaluates thousands of commands a second.

export type Matcher = (value: string) => boolean;

/** Why a pattern is unusable, or null when it is fine. */
export function globProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'empty pattern';
  if (/\s{2,}|^\s|\s$/.test(pattern)) return `"${pattern}" has stray whitespace`;
  const bad = /[[\]{}\\]/.exec(pattern);
  if (bad) return `"${pattern}" is not a valid glob: "${bad[0]}" is not supported (use * and ? only)`;
  return null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^$()|]/g, '\\$&');
}

/** One matcher for a list of patterns: exact words go to a Set, globs to one combined RegExp. */
export function compileGlobs(patterns: readonly string[]): Matcher {
  const exact = new Set<string>();
  const globs: string[] = [];
  for (const pattern of patterns) {
    if (pattern === '*') return () => true;
    if (/[*?]/.test(pattern)) globs.push(escapeRegExp(pattern).replace(/\*/g, '.*').replace(/\?/g, '.'));
    else exact.add(pattern);
  }
  if (globs.length === 0) return (value) => exact.has(value);
  const regexp = new RegExp(`^(?:${globs.join('|')})$`, 's');
  return (value) => exact.has(value) || regexp.test(value);
}
