// Values a policy says may pass: a literal (`example-password`) or a regex written `/…/flags`
// that must match the whole value. Values are compared as the bytes kubectl printed.
import { UsageError } from '../errors.ts';

export type AllowList = (value: string) => boolean;

export function compileAllowList(entries: readonly string[] = []): AllowList {
  const literals = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of entries) {
    const m = /^\/(.+)\/([imsu]*)$/.exec(entry);
    if (!m) {
      literals.add(Buffer.from(entry, 'utf8').toString('latin1'));
      continue;
    }
    try {
      patterns.push(new RegExp(`^(?:${m[1]})$`, m[2]));
    } catch (error) {
      throw new UsageError('MASK_RULE_INVALID', `allow-list entry ${entry} is not a valid regular expression`, { cause: error });
    }
  }
  if (literals.size === 0 && patterns.length === 0) return () => false;
  return (value) => literals.has(value) || patterns.some((p) => p.test(value));
}
