// Label and field selectors, in the apiserver's text syntax (`app=web,tier!=db`,
// `env in (prod,staging)`, `!legacy`, `metadata.name=web`).
import type { KubeObject } from './object.ts';
import { badRequest } from './status.ts';

type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!exists' | '=' | '!='; values: string[] };
export type Selector = (obj: KubeObject) => boolean;

/** Splits on commas that are not inside a `( … )` value set. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) terms.push(current.trim());
  return terms;
}

function parseTerm(term: string, kind: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter(Boolean) };
  m = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(term);
  if (m) return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] };
  m = /^!\s*([^=!\s]+)$/.exec(term);
  if (m) return { key: m[1]!, op: '!exists', values: [] };
  if (/^[A-Za-z0-9][-A-Za-z0-9_./]*$/.test(term)) return { key: term, op: 'exists', values: [] };
  throw badRequest(`unable to parse requirement: invalid ${kind} selector: ${term}`);
}

function matches(req: Requirement, value: string | undefined): boolean {
  switch (req.op) {
    case 'exists': return value !== undefined;
    case '!exists': return value === undefined;
    case '=': return value === req.values[0];
    case '!=': return value !== req.values[0];
    case 'in': return value !== undefined && req.values.includes(value);
    case 'notin': return value === undefined || !req.values.includes(value);
  }
}

export function parseLabelSelector(text: string | null | undefined): Selector {
  if (!text) return () => true;
  const reqs = splitTerms(text).map((t) => parseTerm(t, 'label'));
  return (obj) => reqs.every((r) => matches(r, obj.metadata.labels?.[r.key]));
}

function fieldValue(obj: KubeObject, path: string): string | undefined {
  let value: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined || value === null ? '' : String(value);
}

export function parseFieldSelector(text: string | null | undefined): Selector {
  if (!text) return () => true;
  const reqs = splitTerms(text).map((t) => parseTerm(t, 'field'));
  for (const r of reqs) if (r.op !== '=' && r.op !== '!=') throw badRequest(`invalid field selector: ${text}`);
  return (obj) => reqs.every((r) => matches(r, fieldValue(obj, r.key)));
}

/** A deployment/replicaset/job `spec.selector` (matchLabels and matchExpressions). */
export function labelSelectorFromSpec(selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): Selector {
  const reqs: Requirement[] = Object.entries(selector?.matchLabels ?? {}).map(([key, v]) => ({ key, op: '=', values: [v] }));
  for (const e of selector?.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists' } as const)[e.operator as 'In'];
    if (op) reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  if (reqs.length === 0) return () => false;
  return (obj) => reqs.every((r) => matches(r, obj.metadata.labels?.[r.key]));
}

export function selectorText(selector: { matchLabels?: Record<string, string> } | undefined): string {
  return Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}
