// argv → CommandIntent. Pure: no I/O, no kubectl discovery. Resources kubectl would only know
// from a live cluster's discovery (CRDs) are kept as written.
import { createRequire } from 'node:module';
import type { CommandIntent, DryRun, FlagValue } from './intent.ts';
import { flagSpecFor } from './flag-specs.ts';
import { scanArgs, type ScannedArgs } from './scan-args.ts';
import { canonicalResource } from './resources.ts';
import { connectionOverrides } from './connection-overrides.ts';
import { podEscapes } from './pod-escape.ts';
import { pluginOf } from './plugins.ts';
import { CREATED_RESOURCE, NODE_VERBS, POD_VERBS, RESOURCE_VERBS, SUB_VERBS, THIRD_WORDS } from './verbs.ts';

/** Flags lifted into their own intent fields rather than `flags`. */
const LIFTED = new Set(['namespace', 'all-namespaces', 'selector', 'filename', 'dry-run', 'force', 'output', 'context', 'stdin', 'tty']);

/** Flag values that are credentials: they must not travel to the relay or the audit log. */
export const SECRET_FLAGS: ReadonlySet<string> = new Set(['token', 'password', 'docker-password', 'from-literal', 'set-raw-bytes']);
export const REDACTED = '[MASKED:kubectl-flag]';

type Positionals = { resources: string[]; names: string[]; args: string[] };

export function parseIntent(argv: readonly string[]): CommandIntent {
  const verb = findVerb(argv);
  const scanned = scanArgs(argv, flagSpecFor(verb.words));
  const positionals = scanned.positionals.slice(verb.wordCount);
  const dashed = scanned.afterDash ?? [];
  const flag = (name: string): string | undefined => scanned.flags.get(name)?.at(-1);
  const isTrue = (name: string): boolean => flag(name) !== undefined && flag(name) !== 'false';

  // `expose --selector` and `create pdb --selector` describe the new object; they select nothing.
  const selectorIsQuery = !(verb.words === 'run' || verb.words === 'expose' || verb.words.startsWith('create '));
  const runsContainerCommand = ['exec', 'run', 'debug'].includes(verb.words);
  const placed = placePositionals(verb.words, runsContainerCommand ? positionals : [...positionals, ...dashed]);
  let namespace = flag('namespace') ?? null;
  if (verb.words === 'cp') namespace = cpNamespace(positionals) ?? namespace;

  let containerCommand: string[] = [];
  if (runsContainerCommand) {
    // `kubectl exec pod cmd args` (no `--`) is kubectl's deprecated form; the rest is the command.
    containerCommand = scanned.afterDash ?? placed.args;
    if (scanned.afterDash === null) placed.args = [];
  }

  return {
    verb: verb.words,
    resources: placed.resources,
    names: placed.names,
    namespace,
    allNamespaces: isTrue('all-namespaces'),
    subresource: subresourceOf(verb.words, flag('subresource')),
    selector: selectorIsQuery ? (flag('selector') ?? null) : null,
    filenames: scanned.flags.get('filename') ?? [],
    dryRun: dryRunOf(flag('dry-run')),
    force: isTrue('force'),
    output: flag('output') ?? null,
    context: flag('context') ?? null,
    containerCommand,
    interactive: isTrue('stdin'),
    tty: isTrue('tty'),
    args: placed.args,
    flags: otherFlags(scanned, selectorIsQuery),
    cluster: flag('cluster') || null,
    overrides: connectionOverrides(verb.words, scanned.flags),
    plugin: pluginOf(argv),
    podEscapes: podEscapes({ verb: verb.words, resources: placed.resources, flag }, parseYamlLazily),
  };
}

/** `kubectl patch -p` takes YAML too; the yaml library is loaded only for a patch that is not JSON. */
function parseYamlLazily(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text, { version: '1.1' });
}

function findVerb(argv: readonly string[]): { words: string; wordCount: number } {
  const { positionals } = scanArgs(argv, flagSpecFor(null));
  const first = positionals[0];
  if (first === undefined) return { words: argv.length === 0 ? 'help' : '', wordCount: 0 };
  const subs = SUB_VERBS[first];
  const second = positionals[1];
  if (subs === undefined || second === undefined) return { words: first, wordCount: 1 };
  const sub = subs === '*' ? second : subs[second];
  if (sub === undefined) return { words: first, wordCount: 1 };
  const twoWords = `${first} ${sub}`;
  const third = positionals[2] === undefined ? undefined : THIRD_WORDS[twoWords]?.[positionals[2]];
  return third === undefined ? { words: twoWords, wordCount: 2 } : { words: `${twoWords} ${third}`, wordCount: 3 };
}

function placePositionals(verb: string, positionals: string[]): Positionals {
  const [head = '', ...rest] = positionals;
  if (verb.startsWith('create ')) {
    const what = verb.split(' ')[1] ?? '';
    return { resources: [CREATED_RESOURCE[what] ?? what], names: head ? [head] : [], args: rest };
  }
  if (verb in POD_VERBS) {
    if (head === '') return { resources: [], names: [], args: [] };
    const ref = splitTypedName(head, 'pods');
    return { resources: [ref.resource], names: [ref.name], args: rest };
  }
  if (verb === 'run') return { resources: ['pods'], names: head ? [head] : [], args: rest };
  if (verb === 'cp') return { resources: ['pods'], names: cpPods(positionals), args: positionals };
  if (verb === 'certificate approve' || verb === 'certificate deny') {
    return { resources: ['certificatesigningrequests.certificates.k8s.io'], names: positionals, args: [] };
  }
  if (verb === 'top node' || verb === 'top pod') {
    return { resources: [verb === 'top node' ? 'nodes' : 'pods'], names: positionals, args: [] };
  }
  if (NODE_VERBS.has(verb)) {
    const typed = head.includes('/') || canonicalResource(head) === 'nodes';
    const targets = typed && !head.includes('/') ? rest : positionals;
    const split = splitArgs(verb, targets);
    return { resources: ['nodes'], names: split.refs.map((ref) => (ref.includes('/') ? ref.slice(ref.indexOf('/') + 1) : ref)), args: split.args };
  }
  if (RESOURCE_VERBS.has(verb)) return typeAndNames(verb, positionals);
  return { resources: [], names: [], args: positionals };
}

/** `TYPE[,TYPE] NAME…` or `TYPE/NAME…`, with verb-specific trailing arguments (labels, images…). */
function typeAndNames(verb: string, positionals: string[]): Positionals {
  const { refs, args } = splitArgs(verb, positionals);
  const resources: string[] = [];
  const names: string[] = [];
  const addResource = (resource: string): void => {
    if (!resources.includes(resource)) resources.push(resource);
  };
  if (refs.length > 0 && refs.every((ref) => ref.includes('/'))) {
    for (const ref of refs) {
      const typed = splitTypedName(ref, '');
      addResource(typed.resource);
      names.push(typed.name);
    }
  } else if (refs.length > 0) {
    for (const type of (refs[0] as string).split(',').filter(Boolean)) addResource(canonicalResource(type));
    names.push(...refs.slice(1));
  }
  return { resources, names, args };
}

/** Separates object references from arguments such as `key=value`, `key-`, `c=image`, taints. */
function splitArgs(verb: string, positionals: string[]): { refs: string[]; args: string[] } {
  const trailing = positionals.findIndex((p, i) => isTrailingArg(verb, p, i, positionals.length));
  if (trailing === -1) return { refs: positionals, args: [] };
  return { refs: positionals.slice(0, trailing), args: positionals.slice(trailing) };
}

function isTrailingArg(verb: string, positional: string, index: number, count: number): boolean {
  if (verb === 'set serviceaccount') return index === count - 1 && index > 0;
  if (index === 0) return false;
  if (positional.includes('=')) return true;
  if (verb === 'label' || verb === 'annotate' || verb === 'taint' || verb === 'set env') {
    return positional.endsWith('-') || (verb === 'taint' && positional.includes(':'));
  }
  return false;
}

function splitTypedName(ref: string, defaultResource: string): { resource: string; name: string } {
  const slash = ref.indexOf('/');
  if (slash === -1) return { resource: defaultResource, name: ref };
  return { resource: canonicalResource(ref.slice(0, slash)), name: ref.slice(slash + 1) };
}

/** `kubectl cp [ns/]pod:path local` — the remote side names the pod, and maybe the namespace. */
function remoteRefs(positionals: string[]): Array<{ namespace: string | null; pod: string }> {
  return positionals.flatMap((p) => {
    const colon = p.indexOf(':');
    if (colon <= 0 || p.startsWith('/') || p.startsWith('.')) return [];
    const ref = p.slice(0, colon);
    const slash = ref.indexOf('/');
    return [slash === -1 ? { namespace: null, pod: ref } : { namespace: ref.slice(0, slash), pod: ref.slice(slash + 1) }];
  });
}

function cpPods(positionals: string[]): string[] {
  return remoteRefs(positionals).map((ref) => ref.pod);
}

function cpNamespace(positionals: string[]): string | null {
  return remoteRefs(positionals).find((ref) => ref.namespace !== null)?.namespace ?? null;
}

function subresourceOf(verb: string, explicit: string | undefined): string | null {
  if (explicit) return explicit;
  if (verb in POD_VERBS) return POD_VERBS[verb] as string;
  switch (verb) {
    case 'cp':
      return 'exec';
    case 'proxy':
      return 'proxy';
    case 'scale':
      return 'scale';
    case 'drain':
      return 'eviction';
    case 'create token':
      return 'token';
    default:
      return null;
  }
}

function dryRunOf(value: string | undefined): DryRun {
  if (value === undefined || value === 'none' || value === 'false') return 'none';
  return value === 'server' ? 'server' : 'client';
}

function otherFlags(scanned: ScannedArgs, selectorIsQuery: boolean): Record<string, FlagValue> {
  const flags: Record<string, FlagValue> = {};
  for (const [name, values] of scanned.flags) {
    if (LIFTED.has(name) && (selectorIsQuery || name !== 'selector')) continue;
    const key = name;
    const shown = SECRET_FLAGS.has(name) ? values.map(redactFlagValue) : values;
    if (shown.length > 1) flags[key] = shown;
    else if (shown[0] === 'true' || shown[0] === 'false') flags[key] = shown[0] === 'true';
    else flags[key] = shown[0] ?? '';
  }
  return flags;
}

/** Keeps the key of `key=value` pairs (`--from-literal=password=…`) so policy can still see it. */
export function redactFlagValue(value: string): string {
  const eq = value.indexOf('=');
  return eq > 0 && !value.startsWith('=') ? `${value.slice(0, eq)}=${REDACTED}` : REDACTED;
}
