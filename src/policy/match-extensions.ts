// The match fields about how a command reaches the cluster and what it runs there: connection
// overrides, plugins and pod escapes. Each matches only commands that have one, so a rule like
// "deny overrides [server]" never catches a plain command; lists follow match.ts's rule (a
// restricting rule matches when ANY of the command's items is listed, an allowing rule only
// when ALL of them are).
import type { CommandIntent } from '../kubectl/intent.ts';
import type { ListMatcher, RuleMatch } from './types.ts';

function listed(matcher: ListMatcher | null, items: readonly string[], restricts: boolean): boolean {
  if (matcher === null) return true;
  if (items.length === 0) return false;
  return restricts ? items.some(matcher.test) : items.every(matcher.test);
}

export function extensionsMatch(match: Pick<RuleMatch, 'overrides' | 'plugins' | 'podEscapes'>, intent: CommandIntent, restricts: boolean): boolean {
  return listed(match.overrides, intent.overrides.map((override) => override.flag), restricts)
    && listed(match.plugins, intent.plugin === null ? [] : [intent.plugin.name], restricts)
    && listed(match.podEscapes, intent.podEscapes, restricts);
}
