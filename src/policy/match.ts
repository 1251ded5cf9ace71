// Does a rule match a command? Lists in a command (resources, names, namespaces) are read the
// cautious way round for each kind of rule: a rule that restricts (deny, approve) matches when
// ANY listed thing matches, a rule that allows only when ALL of them do. So `get pods,secrets`
// cannot ride on "allow pods", and `-A` or a command naming no objects counts as touching every
// namespace or object: only a `*` pattern allows it, and any pattern restricts it. A resource name
// that did not resolve (`intent.unrecognised`) could be any resource (of its API group, if it
// spells one): every restricting rule's resource list that could name it matches, no allow rule's.
// Flag conditions compare values as kubectl reads them (flag-values.ts), plus two that kubectl
// derives: `output-format` (the printer -o/--template select), `output-selects-values` (a jsonpath
// or custom-columns expression that can reach Secret values) and `immediate-deletion`.
import { DURATION_FLAGS, INT_FLAGS, isImmediateDeletion, parseGoDuration, parseGoInt } from '../kubectl/flag-values.ts';
import type { CommandIntent, FlagValue } from '../kubectl/intent.ts';
import { outputFormatOf, selectsSecretValues } from '../kubectl/output-format.ts';
import { extensionsMatch } from './match-extensions.ts';
import { affectedNamespaces } from './subject.ts';
import type { Actor, FlagCondition, Identity, ListMatcher, Rule } from './types.ts';
import { couldBeAmong } from './unrecognised.ts';
import type { VerbClass } from './verbs.ts';

export interface MatchInput {
  intent: CommandIntent;
  identity: Identity;
  actor: Actor;
  verbClass: VerbClass;
  namespaces: readonly string[] | 'all';
  /** The policy's name for the cluster; 'any' when the policy does not know it (see clusters.ts). */
  cluster: string | 'any';
}

export function matchInput(intent: CommandIntent, identity: Identity, actor: Actor, verbClass: VerbClass, cluster: string | 'any' = 'any'): MatchInput {
  return { intent, identity, actor, verbClass, namespaces: affectedNamespaces(intent), cluster };
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
  if (match.resources !== null && !(restricts && couldBeAmong(match.resources, intent.unrecognised))) {
    if (intent.resources.length === 0 && !match.resources.matchesEverything) return false;
    if (!listMatches(match.resources, intent.resources, restricts)) return false;
  }
  if (match.namespaces !== null && !listMatches(match.namespaces, input.namespaces, restricts)) return false;
  if (match.names !== null && !listMatches(match.names, intent.names, restricts)) return false;
  if (match.subresources !== null && (intent.subresource === null || !match.subresources.test(intent.subresource))) return false;
  // An unknown cluster could be any of them: read as cautiously as `-A` is for namespaces.
  if (match.clusters !== null && !listMatches(match.clusters, input.cluster === 'any' ? 'all' : [input.cluster], restricts)) return false;
  if (match.flags !== null && !match.flags.some((set) => flagSetHolds(set, intent))) return false;
  return extensionsMatch(match, intent, restricts);
}

function flagSetHolds(conditions: ReadonlyMap<string, FlagCondition>, intent: CommandIntent): boolean {
  for (const [name, condition] of conditions) if (!conditionHolds(condition, flagValue(name, intent), typeOf(name))) return false;
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
    case 'output-format': return outputFormatOf(intent);
    case 'output-selects-values': return selectsSecretValues(intent);
    case 'immediate-deletion': return isImmediateDeletion(intent);
    default: return intent.flags[name];
  }
}

function typeOf(name: string): 'int' | 'duration' | null {
  return INT_FLAGS.has(name) ? 'int' : DURATION_FLAGS.has(name) ? 'duration' : null;
}

function conditionHolds(condition: FlagCondition, value: FlagValue | undefined, type: 'int' | 'duration' | null): boolean {
  const given = value !== undefined && value !== false && value !== 'false';
  if (typeof condition === 'boolean') return condition === given;
  if (typeof condition === 'object') {
    if (value === undefined) return false;
    return Array.isArray(value) ? value.some((item) => condition.test(item)) : condition.test(String(value));
  }
  if (Array.isArray(value)) return value.includes(condition);
  if (type !== null && value !== undefined) {
    // `grace-period: 0` in a policy holds for --grace-period=00, -0, +0, 0x0 alike; `timeout: 60s` for 1m.
    const parse = type === 'int' ? parseGoInt : parseGoDuration;
    const [given, wanted] = [parse(String(value)), parse(condition)];
    if (given !== null && wanted !== null) return given === wanted;
  }
  return String(value) === condition;
}
