// A draft (already valid on its own, parseDraft) held against the session the relay opened: the
// masking profile it decided, whether it said to record, and when the session could have run.
// A disagreement is a 400 naming the field; the relay signs nothing it would have to take on trust.
import type { SessionDraft } from '../../contract/manifest.ts';
import { ApiError } from './http.ts';
import type { Session } from './state.ts';

/** How far a wrapper's clock may be from the relay's. */
const CLOCK_SKEW_MS = 5 * 60_000;

function bad(field: string, problem: string): never {
  throw new ApiError(400, 'ERR_INVALID_DRAFT', `draft field "${field}" ${problem}`);
}

export function checkDraftAgainstSession(draft: SessionDraft, session: Session, nowMs: number): void {
  const decision = session.decision;
  if (draft.masking.profile !== decision.mask) bad('masking.profile', `must be the profile the relay decided for this session ("${decision.mask}")`);
  if (draft.cast !== null && !decision.record) bad('cast', 'must be null: the relay decided not to record this session');
  const opened = Date.parse(session.openedAt);
  const started = Date.parse(draft.startedAt);
  const ended = Date.parse(draft.endedAt);
  if (started < opened - CLOCK_SKEW_MS) bad('startedAt', `is before the relay allowed the session (${session.openedAt})`);
  if (ended < started) bad('endedAt', 'is before startedAt');
  if (ended > nowMs + CLOCK_SKEW_MS) bad('endedAt', 'is in the future');
}
