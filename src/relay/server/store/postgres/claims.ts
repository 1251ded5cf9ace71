// What may happen only once in the audit log, as claim keys a database constraint keeps unique
// (hk_claims' primary key): whichever relay writes it first wins, and the other's append is
// refused as a whole, so the relay catches up and decides again. An in-memory check cannot do
// this once two relays hold their own copy of the state.
//   consume:<request>  a single-use approval used by an allowed command
//   review:<request>   a request approved or denied (a second approver then gets 409)
//   close:<session>    a session closed, its manifest signed
// Events this does not know (a later kind) claim nothing.
import type { SealableEvent } from '../../../../contract/audit-chain.ts';

export function claimsOf(event: SealableEvent): string[] {
  switch (event.type) {
    case 'decision': return typeof event.consumes === 'string' ? [`consume:${event.consumes}`] : [];
    case 'review': return typeof event.requestId === 'string' ? [`review:${event.requestId}`] : [];
    case 'session.closed': return typeof event.sessionId === 'string' ? [`close:${event.sessionId}`] : [];
    default: return [];
  }
}

/** How a claim reads in a message. */
export function showClaim(claim: string): string {
  const [kind, id] = [claim.slice(0, claim.indexOf(':')), claim.slice(claim.indexOf(':') + 1)];
  const shown: Record<string, string> = { consume: `the approval of request ${id} was used`, review: `request ${id} was reviewed`, close: `session ${id} was closed` };
  return shown[kind] ?? claim;
}
