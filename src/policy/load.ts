// Policy document → validated, compiled Policy. The one place policy YAML is interpreted: every
// problem is reported with its line and field, and a policy with any problem does not load
// (fail closed: a half-understood guardrail is worse than none, because it looks like one).
import { isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { ConfigError, UsageError } from '../errors.ts';
import { parseMaskingRules } from '../masking/rules.ts';
import { canonicalResource } from '../kubectl/resources.ts';
import { compileGlobs, type Matcher } from './glob.ts';
import { readClusters, unlistedClusterPatterns } from './clusters.ts';
import { MatchSchema, namespacePatternProblem } from './match-schema.ts';
import { DEFAULT_RESOURCE_POINTS } from './risk.ts';
import { DEFAULT_FIELDS, readRules, readRuleOptions, readThresholds, type RuleOptions } from './rule-schema.ts';
import type { MaskingSettings, MaskProfile, Policy, RiskSettings } from './types.ts';
import { YamlReader, type Problem, type YamlNode } from './yaml-reader.ts';

export const POLICY_VERSION = 1;

const TOP_FIELDS = ['version', 'approvers', 'namespaceClasses', 'clusters', 'defaults', 'risk', 'rules', 'masking'];
const RISK_FIELDS = ['approveAt', 'denyAt', 'agent', 'resources', 'namespaceClasses'];

const BUILTIN_NAMESPACE_CLASSES = new Map([['production', ['prod', 'production', '*-prod']]]);
const BUILTIN_CLASS_POINTS = new Map([['production', 25]]);

/** A policy that cannot be used; `problems` holds every problem found, in document order. */
export class PolicyError extends ConfigError {
  constructor(
    readonly source: string,
    readonly problems: Problem[],
  ) {
    const [first] = problems;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super('ERR_POLICY_INVALID', `${first ? formatProblem(source, first) : `${source}: invalid policy`}${more}`, {
      hint: `run: hkubectl policy lint ${source}`,
    });
  }
}

export function formatProblem(source: string, problem: Problem): string {
  return `${source}:${problem.line}: ${problem.path === '' ? '' : `${problem.path}: `}${problem.message}`;
}

export function loadPolicy(text: string, source = 'policy.yaml'): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new PolicyError(source, doc.errors.map((error) => ({
      line: lines.linePos(error.pos[0]).line, path: '', message: `YAML: ${error.message.split('\n')[0]}`,
    })));
  }
  const reader = new YamlReader(doc, lines);
  const top = reader.map(doc.contents, '', TOP_FIELDS);
  if (top === null) throw new PolicyError(source, reader.problems);
  checkVersion(reader, top.get('version'), doc.contents);
  if (reader.problems.length > 0) throw new PolicyError(source, reader.problems);

  if (!top.has('approvers')) reader.problem(doc.contents, 'approvers', 'required (approvers: { groups: [...] }: who may approve, and who counts as a human)');
  const approverGroups = top.has('approvers') ? readApprovers(reader, top.get('approvers')) : [];
  const classPatterns = top.has('namespaceClasses') ? readClasses(reader, top.get('namespaceClasses')) : BUILTIN_NAMESPACE_CLASSES;
  const namespaceClasses = new Map<string, Matcher>([...classPatterns].map(([name, patterns]) => [name, compileGlobs(patterns)]));
  const risk = readRisk(reader, top.get('risk'), classPatterns);
  const masking = top.has('masking') ? readMasking(reader, top.get('masking'), source) : undefined;
  const base: RuleOptions = {
    description: null, action: 'approve', message: null, requireReason: false, mask: masking?.profile ?? 'standard', record: true,
    approval: { groups: approverGroups, waitSec: 300, ttlSec: 3600 },
    thresholds: { approveAt: risk.approveAt, denyAt: risk.denyAt },
  };
  const fallback = readRuleOptions(reader, top.get('defaults'), 'defaults', DEFAULT_FIELDS, base);
  const schema = new MatchSchema(reader, classPatterns);
  // Rules inherit the defaults' options, not their wording.
  const rules = readRules(reader, schema, top.get('rules'), { ...fallback, message: null, description: null }, doc.contents);
  const clusters = top.has('clusters') ? readClusters(reader, top.get('clusters')) : [];
  for (const [index, rule] of rules.entries()) {
    if (rule.match.clusters === null) continue;
    const unlisted = unlistedClusterPatterns(rule.match.clusters.patterns, clusters);
    if (unlisted.length > 0) {
      reader.problem(null, `rules[${index}].match.clusters`, `${unlisted.map((name) => `"${name}"`).join(', ')} ${unlisted.length === 1 ? 'is' : 'are'} not listed under clusters: (name the clusters the relay decides for, with their server URLs)`, rule.line);
    }
  }
  if (reader.problems.length > 0) throw new PolicyError(source, reader.problems.sort((a, b) => a.line - b.line));
  return {
    version: POLICY_VERSION, source, approverGroups, namespaceClasses, clusters, rules, risk,
    fallback: { ...fallback, id: 'default', line: reader.lineOf(top.get('defaults') ?? null), match: schema.read(null, '') },
    ...(masking ? { masking: masking.settings } : {}),
  };
}

/**
 * The `masking:` section, in the shape `hkubectl mask --rules` takes: its profile is the one rules
 * get unless `defaults.mask` or their own `mask` says otherwise; the rest goes to every session.
 */
function readMasking(reader: YamlReader, node: YamlNode, source: string): { profile?: MaskProfile; settings: MaskingSettings } | undefined {
  const resolved = reader.resolve(node);
  try {
    const rules = parseMaskingRules({ masking: resolved == null ? null : resolved.toJSON() }, source);
    return { profile: rules.profile, settings: { allowDomains: rules.allowDomains, allow: rules.allow, detectors: rules.customDetectors } };
  } catch (error) {
    reader.problem(node, 'masking', error instanceof UsageError ? error.message.replace(`${source}: `, '') : String(error));
    return undefined;
  }
}

function checkVersion(reader: YamlReader, node: YamlNode, docNode: YamlNode): void {
  const resolved = reader.resolve(node);
  const value = isScalar(resolved) ? resolved.value : undefined;
  if (node === undefined) reader.problem(docNode, 'version', `required (write "version: ${POLICY_VERSION}" at the top)`);
  else if (value !== POLICY_VERSION) {
    reader.problem(node, 'version', `unsupported policy version ${JSON.stringify(value)} (this hkubectl understands version ${POLICY_VERSION})`);
  }
}

function readApprovers(reader: YamlReader, node: YamlNode): string[] {
  const fields = reader.map(node, 'approvers', ['groups']);
  if (fields === null) return [];
  if (!fields.has('groups')) reader.problem(node, 'approvers.groups', 'required (a list of identity groups)');
  return (fields.has('groups') ? reader.strings(fields.get('groups'), 'approvers.groups') : null) ?? [];
}

function readClasses(reader: YamlReader, node: YamlNode): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  for (const [name, value] of reader.map(node, 'namespaceClasses', null) ?? []) {
    const path = `namespaceClasses.${name}`;
    const patterns = reader.strings(value, path);
    if (patterns === null) continue;
    const problems = patterns.map(namespacePatternProblem);
    problems.forEach((problem, index) => {
      if (problem !== null) reader.problem(reader.itemOf(value, index), isSeq(reader.resolve(value)) ? `${path}[${index}]` : path, problem);
    });
    if (problems.every((problem) => problem === null)) classes.set(name, patterns);
  }
  return classes;
}

function readRisk(reader: YamlReader, node: YamlNode, classes: ReadonlyMap<string, readonly string[]>): RiskSettings {
  const risk: RiskSettings = {
    approveAt: 60, denyAt: 90, agentPoints: 10, resources: DEFAULT_RESOURCE_POINTS,
    namespaceClasses: new Map([...BUILTIN_CLASS_POINTS].filter(([name]) => classes.has(name))),
  };
  if (node === undefined) return risk;
  const fields = reader.map(node, 'risk', RISK_FIELDS);
  if (fields === null) return risk;
  Object.assign(risk, readThresholds(reader, fields, 'risk', risk));
  if (fields.has('agent')) risk.agentPoints = reader.integer(fields.get('agent'), 'risk.agent', 0, 100) ?? 0;
  if (fields.has('resources')) {
    const points = new Map(DEFAULT_RESOURCE_POINTS);
    for (const [name, value] of reader.map(fields.get('resources'), 'risk.resources', null) ?? []) {
      points.set(canonicalResource(name), reader.integer(value, `risk.resources.${name}`, 0, 100) ?? 0);
    }
    risk.resources = points;
  }
  if (fields.has('namespaceClasses')) {
    const points = new Map(risk.namespaceClasses);
    for (const [name, value] of reader.map(fields.get('namespaceClasses'), 'risk.namespaceClasses', null) ?? []) {
      if (!classes.has(name)) reader.problem(value, `risk.namespaceClasses.${name}`, 'no such class in namespaceClasses');
      points.set(name, reader.integer(value, `risk.namespaceClasses.${name}`, 0, 100) ?? 0);
    }
    risk.namespaceClasses = points;
  }
  return risk;
}
