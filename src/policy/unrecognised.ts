// A resource name or `--raw` path that kubectl's rules do not resolve against the known API is
// decided as the most sensitive thing it could name (DESIGN: "unknown fails closed"). Matching
// already lets it satisfy every restricting rule (match.ts), so a delete of an unknown type meets
// the namespace guardrail and a write meets the RBAC one; here an allow becomes an approval, the
// output is masked strictly (it could be a Secret), and the message says what was not recognised.
import type { CommandIntent } from '../kubectl/intent.ts';
import type { Action, MaskProfile } from './types.ts';

export function unrecognisedNote(intent: Pick<CommandIntent, 'unrecognised'>): string | null {
  if (intent.unrecognised.length === 0) return null;
  const names = intent.unrecognised.map((name) => `"${name}"`).join(', ');
  return `${names} ${intent.unrecognised.length === 1 ? 'was' : 'were'} not recognised as a resource of this cluster's API, so the command was decided as if it named the most sensitive resource it could (a namespace, an RBAC object, a Secret)`;
}

export function failClosed(action: Action, mask: MaskProfile): { action: Action; mask: MaskProfile } {
  return { action: action === 'allow' ? 'approve' : action, mask: 'strict' };
}
