// OpenAPI v3 documents, just enough for kubectl's field-validation probe: before `apply`/`create`
// kubectl reads /openapi/v3, fetches the group-version document, and looks for a PATCH operation
// tagged with the object's x-kubernetes-group-version-kind that lists the `fieldValidation`
// parameter. Finding it, kubectl sends `fieldValidation=Strict` and leaves validation to the
// server; without these documents `kubectl apply` fails unless the user passes --validate=false.
// Schemas are left out, so kubectl falls back to its built-in types for strategic-merge patches.
import { createHash } from 'node:crypto';
import type { ResourceType } from './resources.ts';
import { RESOURCES, groupVersion } from './resources.ts';

const urlPrefix = (t: { group: string; version: string }) => (t.group === '' ? `api/${t.version}` : `apis/${t.group}/${t.version}`);

const param = (name: string, where = 'query') => ({ name, in: where, schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = [param('dryRun'), param('fieldManager'), param('fieldValidation')];
const PATCH_BODY = {
  content: Object.fromEntries(
    ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].map((t) => [t, { schema: { type: 'object' } }]),
  ),
  required: true,
};
const OK = { responses: { '200': { description: 'OK' } } };

function operations(t: ResourceType, action: string[], extra: Record<string, unknown> = {}) {
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const ops: Record<string, unknown> = {};
  for (const a of action) {
    const method = a === 'list' || a === 'get' ? 'get' : a === 'create' ? 'post' : a === 'update' ? 'put' : a === 'deletecollection' ? 'delete' : a;
    ops[method] = {
      operationId: `${a}${t.kind}`,
      'x-kubernetes-action': a,
      'x-kubernetes-group-version-kind': gvk,
      parameters: a === 'patch' ? [...WRITE_PARAMS, param('force')] : a === 'create' || a === 'update' ? WRITE_PARAMS : [],
      ...(a === 'patch' ? { requestBody: PATCH_BODY } : {}),
      ...OK,
    };
  }
  return { ...ops, ...extra };
}

function pathsFor(t: ResourceType): Record<string, unknown> {
  const base = `/${urlPrefix(t)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
  if (t.review) return { [base]: operations(t, ['create']) };
  const paths: Record<string, unknown> = {
    [base]: operations(t, ['list', 'create', 'deletecollection']),
    [`${base}/{name}`]: operations(t, ['get', 'update', 'patch', 'delete']),
  };
  if (t.namespaced) paths[`/${urlPrefix(t)}/${t.resource}`] = operations(t, ['list']);
  return paths;
}

export function openApiDocument(group: string, version: string): object | undefined {
  const types = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (types.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-hkubectl-sandbox' },
    paths: Object.assign({}, ...types.map(pathsFor)),
    components: { schemas: {} },
  };
}

let cachedIndex: { doc: object; hashes: Map<string, string> } | undefined;

/** The /openapi/v3 index; each entry's URL carries a content hash, as the apiserver's does. */
export function openApiIndex(): { doc: object; hashes: Map<string, string> } {
  if (cachedIndex) return cachedIndex;
  const hashes = new Map<string, string>();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of new Set(RESOURCES.map((r) => groupVersion(r)))) {
    const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
    const key = urlPrefix({ group, version });
    const hash = createHash('sha512').update(JSON.stringify(openApiDocument(group, version))).digest('hex').slice(0, 128).toUpperCase();
    hashes.set(key, hash);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  cachedIndex = { doc: { paths }, hashes };
  return cachedIndex;
}
