// A session's manifest payload: the wrapper's draft (what only it saw: the .cast digest, times,
// exit) joined with what only the relay knows and the wrapper cannot alter (who, which command,
// the decision, the approval and its justification, the chain position). Pure.
import type { SessionDraft, SessionManifest } from '../../contract/manifest.ts';
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
};

export function buildManifest({ session, draft, approval, relayCopy, chain, issuedAt }: ManifestInputs): SessionManifest {
  const decision = session.decision;
  const review = approval?.review;
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
    masking: draft.masking,
    relayCopy,
    chain,
  };
}
