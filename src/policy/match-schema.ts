// The `match:` block of a rule: which commands and identities the rule is about. Every list is
// validated and compiled here, once, into matchers (see match.ts for how they are applied).
import { isScalar, isSeq } from 'yaml';
import { OVERRIDE_FLAGS } from '../kubectl/connection-overrides.ts';
import { POD_ESCAPES } from '../kubectl/pod-escape.ts';
import { canonicalResource } from '../kubectl/resources.ts';
import { compileGlobs, globProblem } from './glob.ts';
import { ACTORS, type FlagCondition, type ListMatcher, type RuleMatch } from './types.ts';
import { VERB_CLASSES, type VerbClass } from './verbs.ts';
import { join, type YamlNode, type YamlReader } from './yaml-reader.ts';

const MATCH_FIELDS = [
  'groups', 'subjects', 'actor', 'verbs', 'resources', 'namespaces', 'names', 'subresources', 'clusters', 'flags',
  'overrides', 'plugins', 'podEscapes',
] as const;

// kubectl v1.32's top-level commands: a verb outside this list in a policy is a typo that would
// silently never match.
const KUBECTL_COMMANDS = new Set([
  'create', 'expose', 'run', 'set', 'explain', 'get', 'edit', 'delete', 'rollout', 'scale', 'autoscale',
  'certificate', 'cluster-info', 'top', 'cordon', 'uncordon', 'drain', 'taint', 'describe', 'logs',
  'attach', 'exec', 'port-forward', 'proxy', 'cp', 'auth', 'debug', 'events', 'diff', 'apply', 'patch',
  'replace', 'wait', 'kustomize', 'label', 'annotate', 'completion', 'alpha', 'api-resources',
  'api-versions', 'config', 'plugin', 'version', 'options', 'help',
]);

/** The short spellings a policy may use for flags (`-A`, `-l`); everything else by its long name. */
const FLAG_ALIASES: Record<string, string> = { A: 'all-namespaces', l: 'selector' };

const NAMESPACE_PATTERN = /^[a-z0-9*?-]+$/;
const FLAG_NAME = /^[a-z][a-z0-9-]*$/;

export function namespacePatternProblem(pattern: string): string | null {
  const problem = globProblem(pattern);
  if (problem !== null) return problem;
  return NAMESPACE_PATTERN.test(pattern) ? null : `"${pattern}" is not a namespace name or glob (a-z, 0-9 and -, with * and ?)`;
}

function listMatcher(patterns: string[]): ListMatcher {
  return { patterns, test: compileGlobs(patterns), matchesEverything: patterns.includes('*') };
}

export class MatchSchema {
  constructor(
    private readonly reader: YamlReader,
    private readonly namespaceClasses: ReadonlyMap<string, readonly string[]>,
  ) {}

  read(node: YamlNode, path: string): RuleMatch {
    const match: RuleMatch = {
      groups: null, subjects: null, actor: null, verbs: null, verbClasses: null, resources: null,
      namespaces: null, names: null, subresources: null, clusters: null, flags: null, overrides: null, plugins: null, podEscapes: null,
    };
    if (this.reader.isAbsent(node)) return match;
    const fields = this.reader.map(node, path, MATCH_FIELDS);
    if (fields === null) return match;
    for (const [field, value] of fields) {
      const at = join(path, field);
      switch (field as (typeof MATCH_FIELDS)[number]) {
        case 'groups': match.groups = this.globs(value, at); break;
        case 'subjects': match.subjects = this.globs(value, at); break;
        case 'actor': match.actor = this.reader.oneOf(value, at, ACTORS); break;
        case 'verbs': this.verbs(value, at, match); break;
        case 'resources': match.resources = this.resources(value, at); break;
        case 'namespaces': match.namespaces = this.namespaces(value, at); break;
        case 'names': match.names = this.globs(value, at); break;
        case 'subresources': match.subresources = this.globs(value, at); break;
        case 'clusters': match.clusters = this.globs(value, at); break;
        case 'flags': match.flags = this.flags(value, at); break;
        case 'overrides': match.overrides = this.named(value, at, OVERRIDE_FLAGS, 'connection override'); break;
        case 'plugins': match.plugins = this.globs(value, at); break;
        case 'podEscapes': match.podEscapes = this.named(value, at, POD_ESCAPES, 'pod escape'); break;
      }
    }
    return match;
  }

  private each(node: YamlNode, path: string, check: (item: string) => string | null): string[] | null {
    const items = this.reader.strings(node, path);
    if (items === null) return null;
    const resolved = this.reader.resolve(node);
    let ok = true;
    items.forEach((item, index) => {
      const at = isSeq(resolved) ? `${path}[${index}]` : path;
      const problem = check(item);
      if (problem !== null) {
        this.reader.problem(this.reader.itemOf(resolved, index), at, problem);
        ok = false;
      }
    });
    return ok ? items : null;
  }

  private globs(node: YamlNode, path: string): ListMatcher | null {
    const items = this.each(node, path, globProblem);
    return items === null ? null : listMatcher(items);
  }

  /** Globs over a fixed vocabulary: a word outside it is a typo that would never match. */
  private named(node: YamlNode, path: string, known: readonly string[], what: string): ListMatcher | null {
    const items = this.each(node, path, (item) => {
      const problem = globProblem(item);
      if (problem !== null) return problem;
      return /[*?]/.test(item) || known.includes(item) ? null : `unknown ${what} "${item}" (expected one of ${known.join(', ')})`;
    });
    return items === null ? null : listMatcher(items);
  }

  private verbs(node: YamlNode, path: string, match: RuleMatch): void {
    const classes = new Set<VerbClass>();
    const words: string[] = [];
    const items = this.each(node, path, (item) => {
      if (item.startsWith('@')) {
        const name = item.slice(1) as VerbClass;
        if (!VERB_CLASSES.includes(name)) return `unknown verb class ${item} (expected one of ${VERB_CLASSES.map((c) => `@${c}`).join(', ')})`;
        classes.add(name);
        return null;
      }
      const problem = globProblem(item);
      if (problem !== null) return problem;
      const first = item.split(' ')[0] ?? '';
      if (!/[*?]/.test(first) && !KUBECTL_COMMANDS.has(first)) return `unknown kubectl command "${first}"`;
      words.push(item);
      return null;
    });
    if (items === null) return;
    match.verbs = words.length > 0 ? listMatcher(words) : null;
    match.verbClasses = classes.size > 0 ? classes : null;
  }

  /** Short names and kinds become the canonical `plural.group` that the command model uses. */
  private resources(node: YamlNode, path: string): ListMatcher | null {
    const items = this.each(node, path, globProblem);
    if (items === null) return null;
    return listMatcher(items.map((item) => (/[*?]/.test(item) ? item.toLowerCase() : canonicalResource(item))));
  }

  /** Namespace names, globs, and `@class` references expanded into the class's patterns. */
  private namespaces(node: YamlNode, path: string): ListMatcher | null {
    const expanded: string[] = [];
    const items = this.each(node, path, (item) => {
      if (item.startsWith('@')) {
        const patterns = this.namespaceClasses.get(item.slice(1));
        if (patterns === undefined) {
          const known = [...this.namespaceClasses.keys()].map((name) => `@${name}`).join(', ') || 'none defined';
          return `unknown namespace class ${item} (namespaceClasses defines: ${known})`;
        }
        expanded.push(...patterns);
        return null;
      }
      const problem = namespacePatternProblem(item);
      if (problem === null) expanded.push(item);
      return problem;
    });
    return items === null ? null : listMatcher(expanded);
  }

  /** One set of flag conditions, or a list of sets of which any one must hold. */
  private flags(node: YamlNode, path: string): Array<Map<string, FlagCondition>> | null {
    const resolved = this.reader.resolve(node);
    if (!isSeq(resolved)) {
      const single = this.flagSet(resolved, path);
      return single === null ? null : [single];
    }
    if (resolved.items.length === 0) {
      this.reader.problem(resolved, path, 'must not be empty (leave the field out to match anything)');
      return null;
    }
    const sets = (resolved.items as YamlNode[]).map((item, index) => this.flagSet(item, `${path}[${index}]`));
    return sets.every((set) => set !== null) ? (sets as Array<Map<string, FlagCondition>>) : null;
  }

  private flagSet(node: YamlNode, path: string): Map<string, FlagCondition> | null {
    const fields = this.reader.map(node, path, null);
    if (fields === null) return null;
    const conditions = new Map<string, FlagCondition>();
    let ok = true;
    for (const [written, value] of fields) {
      const at = join(path, written);
      const name = FLAG_ALIASES[written] ?? written.replace(/^-+/, '');
      if (!FLAG_NAME.test(name)) {
        this.reader.problem(value, at, 'flag names are long kubectl flag names such as force, grace-period, all');
        ok = false;
        continue;
      }
      const scalar = this.reader.resolve(value);
      const raw = isScalar(scalar) ? scalar.value : undefined;
      if (typeof raw === 'boolean') conditions.set(name, raw);
      else if (typeof raw === 'string' && /[*?]/.test(raw)) {
        // Flag values (templates, selectors) may hold anything, so only * and ? are special here.
        const pattern = new RegExp(`^${raw.replace(/[.+^$()|[\]{}\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
        conditions.set(name, { glob: raw, test: (value) => pattern.test(value) });
      } else if ((typeof raw === 'string' && raw !== '') || typeof raw === 'number') conditions.set(name, String(raw));
      else {
        this.reader.problem(value, at, 'must be true (flag given), false (not given), the value it must have, or a glob of it (* and ?)');
        ok = false;
      }
    }
    return ok ? conditions : null;
  }
}
