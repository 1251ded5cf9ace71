// Resource and kind arguments resolved the way kubectl 1.32 resolves them, so that the policy
// judges the object kubectl will act on, whatever the spelling. Follows cli-runtime's
// Builder.mappingFor and what it calls:
//   - schema.ParseResourceArg: three or more dot parts are resource.version.group (SplitN 3, so
//     `namespaces.v1.` is the core group and `deployments.v1.` is "version v1 of any group"),
//     otherwise resource.group split at the first dot (`namespaces.` is the core group);
//   - restmapper's shortcut expander: an exact plural or singular name wins over a short name,
//     short names compare case-sensitively, and a group may be a prefix (`deploy.ap`);
//   - the REST mapper: the resource is lower-cased; a group may be a prefix of the real one
//     (`rolebindings.rbac`); several matches are settled by discovery's group priority;
//   - then the argument read as a Kind (`ClusterRoleBinding.rbac.authorization.k8s.io`).
// Categories (`all`, `api-extensions`) are expanded in a type list as Builder.ReplaceAliases does.
// A name nothing resolves is returned as unresolved: the caller decides it fail-closed.
import { KUBERNETES_1_32_RESOURCES, type ApiResource } from './resource-table.ts';

export interface ResolvedType {
  /** What was written (one comma part, or the category member it expanded to). */
  written: string;
  /** `plural` or `plural.group`; null when kubectl's rules find nothing in the table. */
  canonical: string | null;
  resource: ApiResource | null;
}

export interface ResourceResolver {
  /** One resource or kind argument, without commas. */
  resolve(arg: string): ResolvedType;
  /** A type argument as kubectl's builder reads it: a comma list, with categories expanded. */
  resolveTypes(arg: string): ResolvedType[];
  /** A resource as a URL names it: its exact plural in its exact group (any version). */
  byGroupResource(group: string, name: string): ResolvedType;
}

type Gvr = { group: string; version: string; resource: string };

export function canonicalName(resource: Pick<ApiResource, 'name' | 'group'>): string {
  return resource.group === '' ? resource.name : `${resource.name}.${resource.group}`;
}

/**
 * A resolver over a discovery table (in the API server's group priority order). The relay can
 * build one from the cluster's own discovery; parseIntent uses the Kubernetes 1.32 table by default.
 */
export function createResourceResolver(table: readonly ApiResource[]): ResourceResolver {
  const categories = new Map<string, string[]>();
  for (const entry of table) {
    for (const category of entry.categories) {
      const members = categories.get(category) ?? [];
      const name = canonicalName(entry);
      if (!members.includes(name)) members.push(name);
      categories.set(category, members);
    }
  }

  /** client-go's shortcutExpander.expandResourceShortcut. */
  function expandShortcut(input: Gvr): Gvr {
    for (const entry of table) {
      if (input.group !== '' && input.group !== entry.group) continue;
      if (input.resource === entry.name || input.resource === entry.singularName) return input;
    }
    for (const entry of table) {
      if (input.group !== '' && input.group !== entry.group) continue;
      // The expander drops the version when a short name matches.
      if (entry.shortNames.includes(input.resource)) return { group: entry.group, version: '', resource: entry.name };
    }
    if (input.group === '') return input;
    for (const entry of table) {
      if (entry.group.startsWith(input.group) && entry.shortNames.includes(input.resource)) {
        return { group: entry.group, version: input.version, resource: entry.name };
      }
    }
    return input;
  }

  /** The REST mapper's KindsFor, settled by priority (table order): the first match. */
  function kindFor(written: Gvr): ApiResource | null {
    const gvr = expandShortcut(written);
    const resource = gvr.resource.toLowerCase();
    if (resource === '') return null;
    const named = (entry: ApiResource) => entry.name === resource || entry.singularName === resource;
    if (gvr.group !== '' && gvr.version !== '') {
      return table.find((entry) => entry.group === gvr.group && entry.version === gvr.version && named(entry)) ?? null;
    }
    if (gvr.group !== '') {
      return table.find((entry) => entry.group === gvr.group && named(entry))
        ?? table.find((entry) => entry.group.startsWith(gvr.group) && named(entry)) ?? null;
    }
    if (gvr.version !== '') return table.find((entry) => entry.version === gvr.version && named(entry)) ?? null;
    return table.find(named) ?? null;
  }

  /** RESTMapping(GroupKind, version): the kind exactly, or its lower-case form, in that group. */
  function mappingForKind(kind: string, group: string, version: string): ApiResource | null {
    return table.find((entry) => entry.group === group && (version === '' || entry.version === version)
      && (entry.kind === kind || entry.kind.toLowerCase() === kind)) ?? null;
  }

  function resolve(arg: string): ResolvedType {
    const found = mappingFor(arg);
    return { written: arg, canonical: found === null ? null : canonicalName(found), resource: found };
  }

  function mappingFor(arg: string): ApiResource | null {
    const parts = arg.split('.');
    const full = parts.length >= 3 ? { resource: parts[0] as string, version: parts[1] as string, group: parts.slice(2).join('.') } : null;
    const dot = arg.indexOf('.');
    const groupResource = dot === -1 ? { resource: arg, group: '' } : { resource: arg.slice(0, dot), group: arg.slice(dot + 1) };
    const byResource = (full === null ? null : kindFor(full)) ?? kindFor({ ...groupResource, version: '' });
    if (byResource !== null) return byResource;
    if (full !== null) {
      const byFullKind = mappingForKind(full.resource, full.group, full.version);
      if (byFullKind !== null) return byFullKind;
    }
    return mappingForKind(groupResource.resource, groupResource.group, '');
  }

  function resolveTypes(arg: string): ResolvedType[] {
    const out: ResolvedType[] = [];
    const seen = new Set<string>();
    for (const part of arg.split(',')) {
      if (part === '') continue;
      for (const member of categories.get(part) ?? [part]) {
        if (seen.has(member)) continue;
        seen.add(member);
        out.push(resolve(member));
      }
    }
    return out;
  }

  function byGroupResource(group: string, name: string): ResolvedType {
    const found = table.find((entry) => entry.group === group && entry.name === name) ?? null;
    return { written: group === '' ? name : `${name}.${group}`, canonical: found === null ? null : canonicalName(found), resource: found };
  }

  return { resolve, resolveTypes, byGroupResource };
}

export const builtinResolver: ResourceResolver = createResourceResolver(KUBERNETES_1_32_RESOURCES);
