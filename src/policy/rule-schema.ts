// A rule's options and the `rules:` list: ids, actions, masking, recording, approval settings and
// per-rule risk thresholds. `defaults:` uses the same options (without an id or a match).
import { ACTIONS, MASK_PROFILES, type ApprovalSettings, type RiskThresholds, type Rule } from './types.ts';
import type { MatchSchema } from './match-schema.ts';
import { join, type YamlNode, type YamlReader } from './yaml-reader.ts';

/** Everything about a rule except what it matches and where it is written. */
export type RuleOptions = Omit<Rule, 'id' | 'line' | 'match'>;

export const RULE_FIELDS = ['id', 'description', 'match', 'action', 'message', 'requireReason', 'mask', 'record', 'approval', 'risk'];
export const DEFAULT_FIELDS = ['action', 'message', 'requireReason', 'mask', 'record', 'approval'];
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function readThresholds(reader: YamlReader, fields: Map<string, YamlNode>, path: string, base: RiskThresholds): RiskThresholds {
  const approveAt = fields.has('approveAt') ? reader.integer(fields.get('approveAt'), join(path, 'approveAt'), 0, 101) : null;
  const denyAt = fields.has('denyAt') ? reader.integer(fields.get('denyAt'), join(path, 'denyAt'), 0, 101) : null;
  return { approveAt: approveAt ?? base.approveAt, denyAt: denyAt ?? base.denyAt };
}

export function readRules(reader: YamlReader, schema: MatchSchema, node: YamlNode, base: RuleOptions, docNode: YamlNode): Rule[] {
  if (node === undefined) {
    reader.problem(docNode, 'rules', 'required (a list of rules; `hkubectl policy default` prints a complete example)');
    return [];
  }
  const seen = new Set<string>(['default']);
  return (reader.seq(node, 'rules') ?? []).map((ruleNode, index) => {
    const path = `rules[${index}]`;
    const fields = reader.map(ruleNode, path, RULE_FIELDS) ?? new Map<string, YamlNode>();
    const id = fields.has('id') ? reader.string(fields.get('id'), join(path, 'id')) : null;
    if (!fields.has('id')) reader.problem(ruleNode, join(path, 'id'), 'required (a short name that decisions and the audit log refer to)');
    else if (id !== null && !RULE_ID.test(id)) reader.problem(fields.get('id'), join(path, 'id'), 'letters, digits, ".", "_" and "-" only');
    else if (id !== null && seen.has(id)) reader.problem(fields.get('id'), join(path, 'id'), `"${id}" is ${id === 'default' ? 'reserved' : 'used by an earlier rule'}`);
    if (id !== null) seen.add(id);
    if (!fields.has('action')) reader.problem(ruleNode, join(path, 'action'), `required (one of ${ACTIONS.join(', ')})`);
    const options = readRuleOptions(reader, ruleNode, path, RULE_FIELDS, base, fields);
    return { ...options, id: id ?? path, line: reader.lineOf(ruleNode), match: schema.read(fields.get('match'), join(path, 'match')) };
  });
}

export function readRuleOptions(
  reader: YamlReader, node: YamlNode, path: string, known: string[], base: RuleOptions,
  given?: Map<string, YamlNode>,
): RuleOptions {
  const fields = given ?? (node === undefined ? new Map<string, YamlNode>() : reader.map(node, path, known) ?? new Map<string, YamlNode>());
  const rule = { ...base, approval: { ...base.approval }, thresholds: { ...base.thresholds } };
  const at = (field: string) => join(path, field);
  if (fields.has('description')) rule.description = reader.string(fields.get('description'), at('description'));
  if (fields.has('action')) rule.action = reader.oneOf(fields.get('action'), at('action'), ACTIONS) ?? rule.action;
  if (fields.has('message')) rule.message = reader.string(fields.get('message'), at('message'));
  if (fields.has('requireReason')) rule.requireReason = reader.boolean(fields.get('requireReason'), at('requireReason')) ?? false;
  if (fields.has('mask')) rule.mask = reader.oneOf(fields.get('mask'), at('mask'), MASK_PROFILES) ?? rule.mask;
  if (fields.has('record')) rule.record = reader.boolean(fields.get('record'), at('record')) ?? true;
  if (fields.has('approval')) rule.approval = readApproval(reader, fields.get('approval'), at('approval'), rule.approval);
  if (fields.has('risk')) {
    const risk = reader.map(fields.get('risk'), at('risk'), ['approveAt', 'denyAt']);
    if (risk !== null) rule.thresholds = readThresholds(reader, risk, at('risk'), rule.thresholds);
  }
  return rule;
}

function readApproval(reader: YamlReader, node: YamlNode, path: string, base: ApprovalSettings): ApprovalSettings {
  const fields = reader.map(node, path, ['groups', 'wait', 'ttl']);
  if (fields === null) return base;
  return {
    groups: fields.has('groups') ? reader.strings(fields.get('groups'), join(path, 'groups')) ?? base.groups : base.groups,
    waitSec: fields.has('wait') ? reader.duration(fields.get('wait'), join(path, 'wait')) ?? base.waitSec : base.waitSec,
    ttlSec: fields.has('ttl') ? reader.duration(fields.get('ttl'), join(path, 'ttl')) ?? base.ttlSec : base.ttlSec,
  };
}
