// How long a session grant lives: until its session closes, or at most a duration that depends
// on what the command does. A read is over in seconds; a shell, a tunnel or a followed stream
// (logs -f, get -w) legitimately stays open for a while. Pure.
import type { CommandIntent } from '../../../kubectl/intent.ts';
import { verbClass } from '../../../policy/verbs.ts';

export const GRANT_CLASSES = ['read', 'write', 'access', 'follow'] as const;
export type GrantClass = (typeof GRANT_CLASSES)[number];
export type GrantDurations = Record<GrantClass, number>;

/** Defaults, in ms (relay.yaml `maxSessionDuration` overrides each). */
export const DEFAULT_GRANT_DURATIONS: GrantDurations = {
  read: 5 * 60_000,
  write: 15 * 60_000,
  access: 60 * 60_000,
  follow: 60 * 60_000,
};

const truthy = (value: unknown) => value === true || value === 'true';

/** Which lifetime a command gets: streams that follow (logs -f, get -w) and access verbs live longest. */
export function grantClassOf(intent: Pick<CommandIntent, 'verb' | 'flags'>): GrantClass {
  const kind = verbClass(intent);
  if (kind === 'access') return 'access';
  if (truthy(intent.flags['follow']) || truthy(intent.flags['watch']) || truthy(intent.flags['watch-only'])) return 'follow';
  return kind === 'read' ? 'read' : 'write';
}
