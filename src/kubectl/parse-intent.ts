// argv → CommandIntent. Pure: no I/O. Resource arguments are resolved with kubectl's rules
// against a discovery table (Kubernetes 1.32's by default; the relay may pass its cluster's);
// names that do not resolve are listed in `unrecognised`. Flag values are read as kubectl's
// flag library reads them (flag-values.ts), and `--raw PATH` as the API request it sends.
import { createRequire } from 'node:module';
import type { CommandIntent, FlagValue } from './intent.ts';
import { connectionOverrides } from './connection-overrides.ts';
import { podEscapes } from './pod-escape.ts';
import { pluginOf } from './plugins.ts';
import { flagSpecFor } from './flag-specs.ts';
import { dryRunOf, flagValueOf, isFlagTrue } from './flag-values.ts';
import { RAW_METHODS, rawRequestModel } from './raw-request.ts';
import { builtinResolver, type ResolvedType, type ResourceResolver } from './resource-resolve.ts';
import { redactFlagValue, SECRET_FLAGS } from './redact.ts';
import { scanArgs, type ScannedArgs } from './scan-args.ts';
import { CREATED_RESOURCE, NODE_VERBS, POD_VERBS, RESOURCE_VERBS, SUB_VERBS, THIRD_WORDS } from './verbs.ts';

/** Flags lifted into their own intent fields rather than `flags`. */
const LIFTED = new Set(['namespace', 'all-namespaces', 'selector', 'filename', 'dry-run', 'force', 'output', 'context', 'stdin', 'tty']);

/** Flag values that are credentials: they must not travel to the relay or the audit log. */

type Positionals = { resources: string[]; names: string[]; args: string[]; unrecognised?: string[] };

export interface ParseOptions {
  /** Resolves resource arguments; the cluster's discovery when the caller has it. */
  resolver?: ResourceResolver;
}

/** Collects resolved types as canonical names, and those that do not resolve as unrecognised. */
class TypeCollector {
  readonly resources: string[] = [];
  readonly unrecognised: string[] = [];
  add(types: readonly ResolvedType[]): void {
    for (const type of types) {
      const name = type.canonical ?? type.written.toLowerCase();
      if (!this.resources.includes(name)) this.resources.push(name);
      if (type.canonical === null && !this.unrecognised.includes(type.written)) this.unrecognised.push(type.written);
    }
  }
}

export function parseIntent(argv: readonly string[], options: ParseOptions = {}): CommandIntent {
  const resolver = options.resolver ?? builtinResolver;
  const verb = findVerb(argv);
  const scanned = scanArgs(argv, flagSpecFor(verb.words));
  const positionals = scanned.positionals.slice(verb.wordCount);
  const dashed = scanned.afterDash ?? [];
  const flag = (name: string): string | undefined => scanned.flags.get(name)?.at(-1);
  const isTrue = (name: string): boolean => isFlagTrue(flag(name));

  // `expose --selector` and `create pdb --selector` describe the new object; they select nothing.
  const selectorIsQuery = !(verb.words === 'run' || verb.words === 'expose' || verb.words.startsWith('create '));
  const runsContainerCommand = ['exec', 'run', 'debug'].includes(verb.words);
  const placed = placePositionals(verb.words, runsContainerCommand ? positionals : [...positionals, ...dashed], resolver);
  let namespace = flag('namespace') ?? null;
  if (verb.words === 'cp') namespace = cpNamespace(positionals) ?? namespace;

  let containerCommand: string[] = [];
  if (runsContainerCommand) {
    // `kubectl exec pod cmd args` (no `--`) is kubectl's deprecated form; the rest is the command.
    containerCommand = scanned.afterDash ?? placed.args;
    if (scanned.afterDash === null) placed.args = [];
  }

  const intent: CommandIntent = {
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
    unrecognised: placed.unrecognised ?? [],
    cluster: flag('cluster') || null,
    overrides: connectionOverrides(verb.words, scanned.flags),
    plugin: pluginOf(argv),
    podEscapes: podEscapes({ verb: verb.words, resources: placed.resources, flag }, parseYamlLazily),
  };
  // kubectl ignores an empty --raw (`len(o.Raw) > 0`) and runs the command as written.
  const raw = flag('raw');
  return raw !== undefined && raw !== '' && verb.words in RAW_METHODS ? withRawRequest(intent, raw, resolver) : intent;
}

/** `--raw PATH`: the request's resource, namespace, name and subresource replace the rest. */
function withRawRequest(intent: CommandIntent, target: string, resolver: ResourceResolver): CommandIntent {
  const model = rawRequestModel(intent.verb, target, resolver);
  return {
    ...intent,
    resources: model.resources,
    names: model.names,
    namespace: model.namespace,
    allNamespaces: model.allNamespaces,
    subresource: model.subresource,
    selector: null,
    // kubectl sends a raw request as it is: --dry-run, -l and -A do not reach it.
    dryRun: 'none',
    flags: model.collection ? { ...intent.flags, all: true } : intent.flags,
    unrecognised: model.unrecognised === null ? [] : [model.unrecognised],
  };
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

function placePositionals(verb: string, positionals: string[], resolver: ResourceResolver): Positionals {
  const [head = '', ...rest] = positionals;
  if (verb.startsWith('create ')) {
    const what = verb.split(' ')[1] ?? '';
    return { resources: [CREATED_RESOURCE[what] ?? what], names: head ? [head] : [], args: rest };
  }
  if (verb in POD_VERBS) {
    if (head === '') return { resources: [], names: [], args: [] };
    const slash = head.indexOf('/');
    if (slash === -1) return { resources: ['pods'], names: [head], args: rest };
    const types = new TypeCollector();
    types.add([resolver.resolve(head.slice(0, slash))]);
    return { resources: types.resources, names: [head.slice(slash + 1)], args: rest, unrecognised: types.unrecognised };
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
    const typed = head.includes('/') || resolver.resolve(head).canonical === 'nodes';
    const targets = typed && !head.includes('/') ? rest : positionals;
    const split = splitArgs(verb, targets);
    return { resources: ['nodes'], names: split.refs.map((ref) => (ref.includes('/') ? ref.slice(ref.indexOf('/') + 1) : ref)), args: split.args };
  }
  if (RESOURCE_VERBS.has(verb)) return typeAndNames(verb, positionals, resolver);
  return { resources: [], names: [], args: positionals };
}

/**
 * `TYPE[,TYPE] NAME…` or `TYPE/NAME…`, with verb-specific trailing arguments (labels, images…),
 * as cli-runtime's Builder.ResourceTypeOrNameArgs reads them: the type list may hold categories
 * (`all`); a `TYPE/NAME` names one type, never a category. kubectl refuses to mix both forms; if
 * they are mixed anyway, every type either form names counts.
 */
function typeAndNames(verb: string, positionals: string[], resolver: ResourceResolver): Positionals {
  const { refs, args } = splitArgs(verb, positionals);
  const types = new TypeCollector();
  const names: string[] = [];
  const typed = refs.filter((ref) => ref.includes('/'));
  const plain = refs.filter((ref) => !ref.includes('/'));
  for (const ref of typed) {
    const slash = ref.indexOf('/');
    types.add([resolver.resolve(ref.slice(0, slash))]);
    names.push(ref.slice(slash + 1));
  }
  if (plain.length > 0) {
    if (typed.length === 0) types.add(resolver.resolveTypes(plain[0] as string));
    else types.add(plain.slice(0, 1).flatMap((type) => resolver.resolveTypes(type)));
    names.push(...plain.slice(1));
  }
  return { resources: types.resources, names, args, unrecognised: types.unrecognised };
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

function otherFlags(scanned: ScannedArgs, selectorIsQuery: boolean): Record<string, FlagValue> {
  const flags: Record<string, FlagValue> = {};
  for (const [name, values] of scanned.flags) {
    if (LIFTED.has(name) && (selectorIsQuery || name !== 'selector')) continue;
    const shown = SECRET_FLAGS.has(name) ? values.map(redactFlagValue) : values;
    flags[name] = flagValueOf(name, shown);
  }
  return flags;
}

/** `kubectl patch -p` takes YAML too; the yaml library is loaded only for a patch that is not JSON. */
function parseYamlLazily(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text, { version: '1.1' });
}
