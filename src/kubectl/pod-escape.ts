// Pod specs that escape their container: host namespaces, host paths, privileged containers,
// added capabilities, privilege escalation. A pod like that is root on the node, so policy must
// see it wherever the spec is visible on the command line: `run --privileged`, `run --overrides`
// (a merge, strategic-merge or JSON patch over the generated Pod), `patch -p` (JSON or YAML),
// and `debug`'s profiles and node targets. What cannot be read is counted as an escape.
//
// How the patch is read, and why that is cautious:
// - a key counts in any spelling of its case: encoding/json matches field names without regard
//   to case, and a reading that misses `HostNetwork` would be the hole;
// - a key counts at any depth, so it does not matter which container list (containers,
//   initContainers, ephemeralContainers) or which template nesting it sits in;
// - of duplicate keys JSON.parse keeps the last, as Go's encoding/json does; keys that differ
//   only in case are all kept and all read;
// - a JSON patch operation counts when its path passes through such a key (`/spec/hostNetwork`,
//   `/spec/volumes/0/hostPath/path`), and `copy`/`move` into one counts whatever it copies.

export const POD_ESCAPES = [
  'hostNetwork', 'hostPID', 'hostIPC', 'hostPath', 'privileged', 'capabilities', 'allowPrivilegeEscalation',
  'unreadable-spec', 'spec-from-file',
] as const;
export type PodEscape = (typeof POD_ESCAPES)[number];

const BY_LOWER_KEY: ReadonlyMap<string, PodEscape> = new Map([
  ['hostnetwork', 'hostNetwork'], ['hostpid', 'hostPID'], ['hostipc', 'hostIPC'], ['hostpath', 'hostPath'],
  ['privileged', 'privileged'], ['capabilities', 'capabilities'], ['allowprivilegeescalation', 'allowPrivilegeEscalation'],
]);

/** strconv.ParseBool's false spellings. */
const FALSE_WORDS = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** Whether a value sets the escape (false and null, which unsets in a merge patch, do not). */
function sets(escape: PodEscape, value: unknown): boolean {
  if (value === null || value === false || value === undefined) return false;
  if (escape === 'capabilities') {
    if (typeof value !== 'object' || Array.isArray(value)) return true;
    return Object.entries(value as Record<string, unknown>).some(([key, added]) => key.toLowerCase() === 'add' && !(Array.isArray(added) && added.length === 0) && added !== null);
  }
  return true;
}

/** Deeper than any Kubernetes object nests; a patch nested further is hostile and not read. */
const MAX_DEPTH = 128;

/** Every escape a JSON value (an object patch, or the value of a patch operation) sets, at any depth. */
function scanValue(value: unknown, found: Set<PodEscape>, depth = 0): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) {
    found.add('unreadable-spec');
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) scanValue(item, found, depth + 1);
    return;
  }
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const escape = BY_LOWER_KEY.get(key.toLowerCase());
    if (escape !== undefined && sets(escape, inner)) found.add(escape);
    scanValue(inner, found, depth + 1);
  }
}

/** RFC 6901: `~1` is `/`, `~0` is `~`. */
function pointerSegments(pointer: string): string[] {
  return pointer.split('/').slice(1).map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function scanJsonPatch(operations: unknown[], found: Set<PodEscape>): void {
  for (const operation of operations) {
    if (operation === null || typeof operation !== 'object' || Array.isArray(operation)) {
      found.add('unreadable-spec');
      continue;
    }
    const fields = new Map(Object.entries(operation as Record<string, unknown>).map(([key, value]) => [key.toLowerCase(), value]));
    const op = String(fields.get('op') ?? '').toLowerCase();
    if (op === 'remove' || op === 'test') continue;
    const path = fields.get('path');
    if (typeof path !== 'string') {
      found.add('unreadable-spec');
      continue;
    }
    const segments = pointerSegments(path).map((segment) => segment.toLowerCase());
    const value = fields.get('value');
    segments.forEach((segment, index) => {
      const escape = BY_LOWER_KEY.get(segment);
      if (escape === undefined) return;
      const last = index === segments.length - 1;
      // Written below the key (`…/hostPath/path`, `…/capabilities/add/-`) it sets the key itself.
      if (op !== 'add' && op !== 'replace') found.add(escape);
      else if (!last || sets(escape, value)) found.add(escape);
    });
    scanValue(value, found);
  }
}

/**
 * The escapes a patch text sets. `type` is kubectl's patch type (`merge`, `strategic`, `json`);
 * `yaml` allows YAML as `kubectl patch -p` does (it converts YAML to JSON first).
 */
export function patchEscapes(text: string, type: string, parseYaml: ((text: string) => unknown) | null): PodEscape[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    if (parseYaml === null) return ['unreadable-spec'];
    try {
      document = parseYaml(text);
    } catch {
      return ['unreadable-spec'];
    }
  }
  const found = new Set<PodEscape>();
  if (type === 'json') {
    if (Array.isArray(document)) scanJsonPatch(document, found);
    else found.add('unreadable-spec');
  } else if (document !== null && typeof document === 'object' && !Array.isArray(document)) {
    scanValue(document, found);
  } else {
    found.add('unreadable-spec');
  }
  return POD_ESCAPES.filter((escape) => found.has(escape));
}

/** Built-in resources whose objects never carry a pod spec. */
const NO_POD_SPEC: ReadonlySet<string> = new Set([
  'configmaps', 'secrets', 'services', 'serviceaccounts', 'namespaces', 'nodes', 'persistentvolumeclaims',
  'persistentvolumes', 'endpoints', 'events', 'limitranges', 'resourcequotas', 'ingresses.networking.k8s.io',
  'networkpolicies.networking.k8s.io', 'poddisruptionbudgets.policy', 'horizontalpodautoscalers.autoscaling',
  'roles.rbac.authorization.k8s.io', 'rolebindings.rbac.authorization.k8s.io', 'clusterroles.rbac.authorization.k8s.io',
  'clusterrolebindings.rbac.authorization.k8s.io', 'storageclasses.storage.k8s.io', 'priorityclasses.scheduling.k8s.io',
  'leases.coordination.k8s.io',
]);

export interface PodSpecFlags {
  verb: string;
  resources: readonly string[];
  /** The value kubectl uses for a flag (the last one given), by long name. */
  flag(name: string): string | undefined;
}

/** Escapes in the pod specs a command line shows, in POD_ESCAPES order. */
export function podEscapes({ verb, resources, flag }: PodSpecFlags, parseYaml: ((text: string) => unknown) | null): PodEscape[] {
  const found = new Set<PodEscape>();
  const add = (escapes: readonly PodEscape[]) => escapes.forEach((escape) => found.add(escape));
  if (verb === 'run') {
    const privileged = flag('privileged');
    if (privileged !== undefined && !FALSE_WORDS.has(privileged)) found.add('privileged');
    const overrides = flag('overrides');
    // kubectl run reads --overrides as JSON only.
    if (overrides !== undefined && overrides !== '') add(patchEscapes(overrides, flag('override-type') ?? 'merge', null));
  }
  // A patch to objects that never hold a pod spec (a ConfigMap key named "privileged") escapes nothing;
  // unknown resources (custom resources may embed pod templates) are read like workloads.
  if (verb === 'patch' && !(resources.length > 0 && resources.every((resource) => NO_POD_SPEC.has(resource)))) {
    const patch = flag('patch');
    if (patch !== undefined) add(patchEscapes(patch, flag('type') ?? 'strategic', parseYaml));
    if (flag('patch-file') !== undefined) found.add('spec-from-file');
  }
  if (verb === 'debug') {
    // Node debugging runs a pod in the host's namespaces with the node's root filesystem mounted.
    if (resources.includes('nodes')) add(['hostNetwork', 'hostPID', 'hostIPC', 'hostPath']);
    const profile = flag('profile');
    if (profile === 'sysadmin') found.add('privileged');
    if (profile === 'netadmin') found.add('capabilities');
    if (flag('custom') !== undefined) found.add('spec-from-file');
  }
  return POD_ESCAPES.filter((escape) => found.has(escape));
}
