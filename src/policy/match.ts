// Does a rule match a command? Lists in a command (resources, names, namespaces) are read the
// cautious way round for each kind of rule: a rule that restricts (deny, approve) matches when
// ANY listed thing matches, a rule that allows only when ALL of them do. So `get pods,secrets`
// cannot ride on "allow pods", and `-A` or a command naming no objects counts as touching every
// namespace or object: only a `*` pattern allows it, and any pattern restricts it.
import type { CommandIntent, FlagValue } from '../kubectl/intent.ts';
import { extensionsMatch } from './match-extensions.ts';
import { affectedNamespaces } from './subject.ts';
import type { Actor, FlagCondition, Identity, ListMatcher, Rule } from './types.ts';
import type { VerbClass } from './verbs.ts';

export interface MatchInput {
  intent: CommandIntent;
  identity: Identity;
  actor: Actor;
  verbClass: VerbClass;
  namespaces: readonly string[] | 'all';
}

export function matchInput(intent: CommandIntent, identity: Identity, actor: Actor, verbClass: VerbClass): MatchInput {
  return { intent, identity, actor, verbClass, namespaces: affectedNamespaces(intent) };
}

function listMatches(matcher: ListMatcher, values: readonly string[] | 'all', restricts: boolean): boolean {
  if (values === 'all' || values.length === 0) return restricts || matcher.matchesEverything;
  return restricts ? values.some(matcher.test) : values.every(matcher.test);
}

export function ruleMatches(rule: Rule, input: MatchInput): boolean {
  const { match } = rule;
  const { intent, identity } = input;
  const restricts = rule.action !== 'allow';
  if (match.actor !== null && match.actor !== input.actor) return false;
  if (match.subjects !== null && !match.subjects.test(identity.subject)) return false;
  if (match.groups !== null && !identity.groups.some(match.groups.test)) return false;
  if (match.verbs !== null || match.verbClasses !== null) {
    const byWord = match.verbs?.test(intent.verb) ?? false;
    if (!byWord && !(match.verbClasses?.has(input.verbClass) ?? false)) return false;
  }
  // A command whose resources are unknown (`apply -f`) matches only `*`, even for restricting rules:
  // otherwise every resource guardrail would block every file-based command.
  if (match.resources !== null && intent.resources.length === 0 && !match.resources.matchesEverything) return false;
  if (match.resources !== null && !listMatches(match.resources, intent.resources, restricts)) return false;
  if (match.namespaces !== null && !listMatches(match.namespaces, input.namespaces, restricts)) return false;
  if (match.names !== null && !listMatches(match.names, intent.names, restricts)) return false;
  if (match.subresources !== null && (intent.subresource === null || !match.subresources.test(intent.subresource))) return false;
  if (match.flags !== null && !match.flags.some((set) => flagSetHolds(set, intent))) return false;
  return extensionsMatch(match, intent, restricts);
}

function flagSetHolds(conditions: ReadonlyMap<string, FlagCondition>, intent: CommandIntent): boolean {
  for (const [name, condition] of conditions) if (!conditionHolds(condition, flagValue(name, intent))) return false;
  return true;
}

/** The command model lifts some flags into fields of their own; policy names them as flags. */
function flagValue(name: string, intent: CommandIntent): FlagValue | undefined {
  switch (name) {
    case 'force': return intent.force;
    case 'all-namespaces': return intent.allNamespaces;
    case 'selector': return intent.selector ?? undefined;
    case 'dry-run': return intent.dryRun === 'none' ? undefined : intent.dryRun;
    case 'filename': return intent.filenames.length > 0 ? intent.filenames : undefined;
    case 'output': return intent.output ?? undefined;
    case 'context': return intent.context ?? undefined;
    case 'stdin': return intent.interactive;
    case 'tty': return intent.tty;
    default: return intent.flags[name];
  }
}

function conditionHolds(condition: FlagCondition, value: FlagValue | undefined): boolean {
  const given = value !== undefined && value !== false && value !== 'false';
  if (typeof condition === 'boolean') return condition === given;
  if (typeof condition === 'object') {
    if (value === undefined) return false;
    return Array.isArray(value) ? value.some((item) => condition.test(item)) : condition.test(String(value));
  }
  if (Array.isArray(value)) return value.includes(condition);
  return String(value) === condition;
}
