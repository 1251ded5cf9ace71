// What kind of thing a kubectl verb does. Policies refer to these classes as `@read`, `@write`,
// `@access` and `@local` so that a rule like "writes in production need approval" does not have to
// list thirty verbs, and a verb kubectl adds later falls into `@other`, which no allow rule of the
// default policy covers (fail closed).
import type { CommandIntent } from '../kubectl/intent.ts';

export const VERB_CLASSES = ['read', 'write', 'access', 'local', 'other'] as const;
export type VerbClass = (typeof VERB_CLASSES)[number];

const READ = new Set([
  'get', 'describe', 'logs', 'explain', 'api-resources', 'api-versions', 'cluster-info',
  'cluster-info dump', 'top', 'top pod', 'top node', 'events', 'diff', 'wait', 'auth can-i',
  'auth whoami', 'rollout status', 'rollout history', 'apply view-last-applied', 'version',
]);

const WRITE_FIRST_WORDS = new Set([
  'create', 'apply', 'delete', 'edit', 'patch', 'replace', 'label', 'annotate', 'scale', 'autoscale',
  'set', 'rollout', 'expose', 'run', 'cordon', 'uncordon', 'drain', 'taint', 'certificate', 'auth',
]);

/** Verbs that open a channel into a workload or the API itself rather than making one request. */
const ACCESS = new Set(['exec', 'attach', 'port-forward', 'cp', 'debug', 'proxy']);

// Never contact a cluster: kubectl answers them from the binary or the local kubeconfig.
const LOCAL_FIRST_WORDS = new Set(['help', 'completion', 'kustomize', 'config', 'plugin', 'options']);

function firstWord(verb: string): string {
  const space = verb.indexOf(' ');
  return space === -1 ? verb : verb.slice(0, space);
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export function verbClass(intent: Pick<CommandIntent, 'verb' | 'flags'>): VerbClass {
  const { verb } = intent;
  if (verb === '' || isTrue(intent.flags['help'])) return 'local';
  if (verb === 'version') return isTrue(intent.flags['client']) ? 'local' : 'read';
  if (READ.has(verb)) return 'read';
  const first = firstWord(verb);
  if (LOCAL_FIRST_WORDS.has(first)) return 'local';
  if (ACCESS.has(verb)) return 'access';
  if (WRITE_FIRST_WORDS.has(first)) return 'write';
  return 'other';
}

/** Whether kubectl will talk to an API server for this command (the relay decides only those). */
export function contactsCluster(intent: Pick<CommandIntent, 'verb' | 'flags'>): boolean {
  return verbClass(intent) !== 'local';
}
