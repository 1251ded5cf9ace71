// A session's manifest payload: the wrapper's draft (what only it saw: the .cast digest, times,
// exit) joined with what only the relay knows and the wrapper cannot alter (who, which command,
// the decision, the approval and its justification, the chain position), and what the relay
// itself found in its copy of the recording: its masking counts replace the wrapper's. Pure.
import type { ObservedEvidence, RelayCheck, SessionDraft, SessionManifest } from '../../contract/manifest.ts';
import type { Session } from './state.ts';
import type { ApprovalRequest } from '../../contract/relay-api.ts';

export type ManifestInputs = {
  session: Session;
  draft: SessionDraft;
  /** The approval the session used up, if any. */
  approval: ApprovalRequest | undefined;
  relayCopy: boolean;
  chain: { seq: number; prev: string };
  issuedAt: string;
  /** What the relay observed itself: its gateway record, or `local` mode (wrapper-reported only). */
  observed?: ObservedEvidence;
};

export function buildManifest({ session, draft, approval, relayCopy, chain, issuedAt, observed }: ManifestInputs): SessionManifest {
  const decision = session.decision;
  const review = approval?.review;
  const check = relayCheckOf(session, draft, relayCopy);
  return {
    hk: 1,
    session: session.sessionId,
    issuedAt,
    identity: decision.requester,
    command: { argv: decision.argv, verb: decision.verb, namespace: decision.namespace, context: decision.context, cluster: decision.cluster },
    decision: { decision: 'allow', rule: decision.rule, message: decision.message, risk: decision.risk, mask: decision.mask, record: decision.record },
    approval: approval && review
      ? {
          requestId: approval.id,
          requestedAt: approval.createdAt,
          approver: { subject: review.by.subject, ...(review.by.email ? { email: review.by.email } : {}) },
          justification: review.justification,
          reviewedAt: review.at,
        }
      : null,
    reason: decision.reason,
    agent: decision.agent,
    runId: decision.runId,
    cast: draft.cast,
    startedAt: draft.startedAt,
    endedAt: draft.endedAt,
    exitCode: draft.exitCode,
    signal: draft.signal,
    terminal: draft.terminal,
    masking: { profile: draft.masking.profile, counts: check.countedBy === 'relay' ? session.upload!.counts! : draft.masking.counts },
    relayCopy,
    chain,
    relayCheck: check,
    ...(observed ? { observed } : {}),
  };
}

/** What the relay can vouch for: its own counts when it checked a copy, else the wrapper's claim, so labelled. */
export function relayCheckOf(session: Session, draft: SessionDraft, relayCopy: boolean): RelayCheck {
  const upload = relayCopy ? session.upload : null;
  const checked = upload?.counts !== undefined;
  const unmasked = checked ? upload!.unmasked ?? {} : {};
  return {
    v: 1,
    recording: draft.cast === null ? 'not-recorded' : !upload ? 'not-uploaded' : checked ? 'checked' : 'unchecked',
    countedBy: checked ? 'relay' : 'wrapper',
    wrapperCounts: draft.masking.counts,
    unmasked,
    flagged: Object.keys(unmasked).length > 0,
  };
}
