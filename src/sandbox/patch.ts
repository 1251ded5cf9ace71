// The three patch types kubectl sends: JSON merge patch (RFC 7386), JSON patch (RFC 6902, via
// fast-json-patch) and the Kubernetes strategic merge patch, where some lists merge by a key
// (containers by name, ports by containerPort…) instead of being replaced.
import jsonpatch from 'fast-json-patch';
import type { KubeObject } from './object.ts';
import { clone, isPlainObject } from './object.ts';
import { StatusError, status, unsupportedMediaType } from './status.ts';

export type PatchType = 'json' | 'merge' | 'strategic';

export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = (contentType ?? '').split(';')[0]!.trim();
  if (type === 'application/json-patch+json') return 'json';
  if (type === 'application/merge-patch+json') return 'merge';
  if (type === 'application/strategic-merge-patch+json') return 'strategic';
  throw unsupportedMediaType(type);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The patchMergeKey of built-in list fields (from the k8s.io/api struct tags). */
function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  switch (field) {
    case 'containers': case 'initContainers': case 'ephemeralContainers': case 'env': case 'volumes':
    case 'imagePullSecrets': case 'resourceClaims': case 'secrets':
      return 'name';
    case 'volumeMounts': return 'mountPath';
    case 'volumeDevices': return 'devicePath';
    case 'hostAliases': return 'ip';
    case 'ownerReferences': return 'uid';
    case 'conditions': return 'type';
    case 'topologySpreadConstraints': return 'topologyKey';
    case 'ports': // container ports merge by containerPort, service ports by port
      return items.some((i) => isPlainObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
    default: return undefined;
  }
}
const PRIMITIVE_MERGE_LISTS = new Set(['finalizers']);

function strategicList(field: string, current: unknown, patch: unknown[]): unknown[] {
  const base = Array.isArray(current) ? current : [];
  const key = mergeKeyFor(field, [...base, ...patch]);
  if (PRIMITIVE_MERGE_LISTS.has(field)) return [...new Set([...base, ...patch])];
  if (!key) return patch.filter((i) => !(isPlainObject(i) && i.$patch === 'delete')).map((i) => strategicPatch(undefined, i));
  if (patch.some((i) => isPlainObject(i) && i.$patch === 'replace')) {
    return patch.filter((i) => !(isPlainObject(i) && i.$patch === 'replace'));
  }
  const out = base.map((i) => clone(i));
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    const at = out.findIndex((o) => isPlainObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicPatch(out[at], item);
    else out.push(strategicPatch(undefined, item));
  }
  return out;
}

function orderBy(list: unknown[], order: unknown[], field: string): unknown[] {
  const key = mergeKeyFor(field, list);
  const id = (v: unknown) => (key && isPlainObject(v) ? v[key] : v);
  const wanted = order.map(id);
  const ranked = list.filter((v) => wanted.includes(id(v))).sort((a, b) => wanted.indexOf(id(a)) - wanted.indexOf(id(b)));
  return [...ranked, ...list.filter((v) => !wanted.includes(id(v)))];
}

export function strategicPatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  if (patch.$patch === 'delete') return undefined;
  const rest = Object.fromEntries(Object.entries(patch).filter(([k]) => k !== '$patch'));
  if (patch.$patch === 'replace') return strategicPatch(undefined, Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('$'))));
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  const directives = Object.entries(rest).filter(([k]) => k.startsWith('$'));
  for (const [key, value] of Object.entries(rest)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete out[key];
    else if (Array.isArray(value)) out[key] = strategicList(key, out[key], value);
    else if (isPlainObject(value)) {
      const merged = strategicPatch(out[key], value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else out[key] = value;
  }
  for (const [directive, value] of directives) {
    if (directive === '$retainKeys' && Array.isArray(value)) {
      for (const k of Object.keys(out)) if (!value.includes(k)) delete out[k];
    } else if (directive.startsWith('$deleteFromPrimitiveList/') && Array.isArray(value)) {
      const field = directive.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((v) => !value.includes(v));
    } else if (directive.startsWith('$setElementOrder/') && Array.isArray(value)) {
      const field = directive.slice('$setElementOrder/'.length);
      if (Array.isArray(out[field])) out[field] = orderBy(out[field] as unknown[], value, field);
    }
  }
  return out;
}

const invalidPatch = (message: string) =>
  new StatusError(status(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`));

export function applyPatch(type: PatchType, current: KubeObject, patch: unknown): KubeObject {
  if (type === 'json') {
    if (!Array.isArray(patch)) throw invalidPatch('a JSON patch must be an array of operations');
    try {
      return jsonpatch.applyPatch(clone(current), patch as jsonpatch.Operation[], true, false).newDocument as KubeObject;
    } catch (error) {
      throw invalidPatch((error as Error).message.split('\n')[0] ?? 'invalid JSON patch');
    }
  }
  if (!isPlainObject(patch)) throw invalidPatch('a merge patch must be a JSON object');
  const result = type === 'merge' ? mergePatch(current, patch) : strategicPatch(current, patch);
  if (!isPlainObject(result) || !isPlainObject(result.metadata)) throw invalidPatch('the patch removed metadata');
  return result as KubeObject;
}
