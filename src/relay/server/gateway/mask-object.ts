// Masking a Kubernetes API object (or list, Table, watch event) as data, so the JSON that leaves
// the gateway is still valid JSON for kubectl and every template, jsonpath or column it renders
// sees only masked values:
// - a Secret's data/stringData values are replaced whole (data by the base64 of the marker, so
//   `base64decode` prints the marker; any other function of it — printf %x, js, urlquery, slice —
//   is a function of the marker, never of the value);
// - env entries whose name says secret get the marker; annotations that hold a manifest
//   (kubectl.kubernetes.io/last-applied-configuration) are read as the object they are and masked
//   the same way (an unreadable one as text);
// - every other string goes through the session's masker (credentials, personal data).
// Pure: `leaf` masks one string.

/** Masks one string; `key` is the field it sits under, so that `password: …` is read as the masker reads it in YAML. */
export type LeafMasker = (text: string, key?: string) => string;

export const SECRET_DATA_MARKER = '[MASKED:k8s-secret-data]';
export const SECRET_DATA_MARKER_B64 = Buffer.from(SECRET_DATA_MARKER, 'latin1').toString('base64');
export const ENV_SECRET_MARKER = '[MASKED:k8s-env-secret]';
const TOO_DEEP = '[MASKED:unreadable]';

const SECRET_ENV_NAME = /(?:PASSWORD|PASSWD|PASSPHRASE|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|_KEY|CREDENTIALS?|CONN(?:ECTION)?_?STRING|DSN)$/i;
const MANIFEST_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_DEPTH = 200;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type MaskContext = {
  /** The kind of the resource requested (Secret for /secrets): what list items and Table rows are when the JSON does not say. */
  kind?: string;
};

/** The kind a list's items have: SecretList → Secret. */
export function itemKindOf(listKind: unknown): string | undefined {
  return typeof listKind === 'string' && listKind.endsWith('List') && listKind.length > 4 ? listKind.slice(0, -4) : undefined;
}

export function maskObject(value: unknown, leaf: LeafMasker, context: MaskContext = {}): Json {
  const resourceKind = context.kind;
  const walkOne = (value: Json, kind: string | undefined, depth: number): Json => walk(value, { leaf, resourceKind, walk: walkOne }, kind, depth);
  return walkOne(value as Json, resourceKind, 0);
}

type Walker = { leaf: LeafMasker; resourceKind: string | undefined; walk: (value: Json, kind: string | undefined, depth: number) => Json };

function walk(value: Json, w: Walker, kind: string | undefined, depth: number): Json {
  const leaf = w.leaf;
  if (depth > MAX_DEPTH) return TOO_DEEP;
  if (typeof value === 'string') return leaf(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => w.walk(item, undefined, depth + 1));
  const own = typeof value.kind === 'string' ? value.kind : kind;
  const out: { [key: string]: Json } = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = field(key, inner, own, value, w, depth);
  }
  return out;
}

function field(key: string, inner: Json, kind: string | undefined, parent: { [key: string]: Json }, w: Walker, depth: number): Json {
  const next = depth + 1;
  const leaf = w.leaf;
  if (typeof inner === 'string' && !(kind === 'Secret' && (key === 'data' || key === 'stringData'))) return leaf(inner, key);
  if (kind === 'Secret' && (key === 'data' || key === 'stringData') && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
    const marker = key === 'data' ? SECRET_DATA_MARKER_B64 : SECRET_DATA_MARKER;
    return Object.fromEntries(Object.keys(inner).map((name) => [name, marker]));
  }
  if (kind === 'Secret' && (key === 'data' || key === 'stringData')) return key === 'data' ? SECRET_DATA_MARKER_B64 : SECRET_DATA_MARKER;
  if (key === 'items' && Array.isArray(inner)) {
    const itemKind = itemKindOf(kind) ?? w.resourceKind;
    return inner.map((item) => w.walk(item, itemKind, next));
  }
  // A row's object is the listed resource's (or its PartialObjectMetadata): masked as that kind.
  if (kind === 'Table' && key === 'rows' && Array.isArray(inner)) {
    return inner.map((row) => (row !== null && typeof row === 'object' && !Array.isArray(row)
      ? Object.fromEntries(Object.entries(row).map(([name, cell]) => [name, w.walk(cell, name === 'object' ? w.resourceKind : undefined, next + 1)]))
      : w.walk(row, undefined, next)));
  }
  // A watch event's object: its own kind, else the resource's.
  if (key === 'object' && typeof parent.type === 'string' && inner !== null && typeof inner === 'object') return w.walk(inner, w.resourceKind, next);
  if (key === 'annotations' && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
    return Object.fromEntries(Object.entries(inner).map(([name, text]) => [name, annotation(name, text, w, next)]));
  }
  if (key === 'env' && Array.isArray(inner)) return inner.map((entry) => envEntry(entry, w, next));
  return w.walk(inner, undefined, next);
}

function annotation(name: string, text: Json, w: Walker, depth: number): Json {
  if (typeof text !== 'string') return w.walk(text, undefined, depth);
  if (MANIFEST_ANNOTATIONS.has(name)) {
    try {
      return JSON.stringify(w.walk(JSON.parse(text) as Json, undefined, depth + 1));
    } catch {
      return w.leaf(text, name);
    }
  }
  return w.leaf(text, name);
}

function envEntry(entry: Json, w: Walker, depth: number): Json {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return w.walk(entry, undefined, depth);
  const masked = w.walk(entry, undefined, depth) as { [key: string]: Json };
  // The variable's name is the value's key, as `NAME: value` in a .env file.
  if (typeof entry.name === 'string' && typeof entry.value === 'string') masked.value = w.leaf(entry.value, entry.name);
  if (typeof entry.name === 'string' && SECRET_ENV_NAME.test(entry.name) && 'value' in entry) masked.value = ENV_SECRET_MARKER;
  return masked;
}
