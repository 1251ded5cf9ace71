// A resource name or `--raw` path that kubectl's rules do not resolve against the known API is
// decided as the most sensitive thing it could name (DESIGN: "unknown fails closed"). In matching
// (match.ts) it satisfies every restricting rule whose resources it could be — any, unless it
// spells an API group — so a delete of an unknown type meets the namespace guardrail and a write
// meets the RBAC one; here an allow becomes an approval, the output is masked strictly (it could
// be a Secret), and the message says what was not recognised.
import type { CommandIntent } from '../kubectl/intent.ts';
import { KUBERNETES_1_32_RESOURCES } from '../kubectl/resource-table.ts';
import { canonicalName } from '../kubectl/resource-resolve.ts';
import type { Action, ListMatcher, MaskProfile } from './types.ts';

const VERSION = /^v\d+((alpha|beta)\d+)?$/;
const KNOWN = KUBERNETES_1_32_RESOURCES.map(canonicalName);

/**
 * The API group an unresolved name is confined to, when it spells one: kubectl only looks for
 * `widgets.example.com` in groups that start with `example.com`, so it cannot be a namespace, a
 * Secret or an RBAC object. Null when it could be in any group (`widgets`, `widgets.v1.`, a path).
 */
function groupOf(written: string): string | null {
  if (written.startsWith('--raw ')) return null;
  const parts = written.split('.');
  const group = parts.length >= 3 && VERSION.test(parts[1] ?? '') ? parts.slice(2).join('.') : parts.slice(1).join('.');
  return group === '' ? null : group;
}

/** Whether a restricting rule's resource list could name what an unresolved name is. */
export function couldBeAmong(matcher: ListMatcher, unrecognised: readonly string[]): boolean {
  return unrecognised.some((written) => {
    const group = groupOf(written);
    if (group === null) return true;
    const resource = written.split('.')[0]?.toLowerCase() ?? '';
    const candidates = [`${resource}.${group}`, ...KNOWN.filter((name) => name.includes('.') && name.slice(name.indexOf('.') + 1).startsWith(group))];
    return candidates.some(matcher.test);
  });
}

export function unrecognisedNote(intent: Pick<CommandIntent, 'unrecognised'>): string | null {
  if (intent.unrecognised.length === 0) return null;
  const names = intent.unrecognised.map((name) => `"${name}"`).join(', ');
  return `${names} ${intent.unrecognised.length === 1 ? 'was' : 'were'} not recognised as a resource of this cluster's API, so the command was decided as if it named the most sensitive resource it could (a namespace, an RBAC object, a Secret, unless the name confines it to an API group)`;
}

export function failClosed(action: Action, mask: MaskProfile): { action: Action; mask: MaskProfile } {
  return { action: action === 'allow' ? 'approve' : action, mask: 'strict' };
}
