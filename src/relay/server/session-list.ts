// Sessions as auditors list them (GET /v1/sessions, `hkubectl audit sessions`): every allowed
// command and whether its wrapper closed it. The same fold of the audit log the relay runs at
// start gives the list straight from a data directory, with no relay running.
import type { AuditStoreReader } from './store/store.ts';
import { ConfigError } from '../../errors.ts';
import { RelayState, type Session } from './state.ts';
import type { SessionStateFilter, SessionSummary } from '../../contract/relay-api.ts';

export function summarize(session: Session): SessionSummary {
  const { decision, closed } = session;
  return {
    sessionId: session.sessionId, requester: decision.requester, command: decision.command, rule: decision.rule, risk: decision.risk.score,
    requestId: session.requestId, openedAt: session.openedAt, closed: closed !== null, closedAt: closed?.at ?? null, closedSeq: closed?.seq ?? null,
    exitCode: closed?.exitCode ?? null, manifestSha256: closed?.manifestSha256 ?? null, relayCopy: closed ? closed.relayCopy : session.upload !== null,
    ...(session.gatewayRefusals ? { gatewayRefusals: session.gatewayRefusals } : {}),
  };
}

export function inState(summary: SessionSummary, state: SessionStateFilter): boolean {
  return state === 'all' || (state === 'closed') === summary.closed;
}

/** Every session in a relay's audit log, oldest first. */
export async function sessionsFromStore(store: Pick<AuditStoreReader, 'checkChain'>): Promise<SessionSummary[]> {
  const state = new RelayState();
  const { broken } = await store.checkChain((entry) => state.apply(entry));
  if (broken) {
    throw new ConfigError('ERR_AUDIT_CHAIN_BROKEN', `cannot list sessions: ${broken.where}${broken.seq === null ? '' : ` (seq ${broken.seq})`} ${broken.message}`, { hint: 'run hkubectl audit verify' });
  }
  return [...state.sessions.values()].map(summarize);
}

export function sessionLine(summary: SessionSummary): string {
  const approval = summary.requestId ? `, approval ${summary.requestId}` : '';
  const end = summary.closed
    ? `closed ${summary.closedAt} (#${summary.closedSeq}, exit ${summary.exitCode}${summary.relayCopy ? ', relay copy' : ''})`
    : 'UNCLOSED';
  const refusals = summary.gatewayRefusals ? `  ${summary.gatewayRefusals} gateway refusal${summary.gatewayRefusals === 1 ? '' : 's'}` : '';
  return `${summary.openedAt}  ${summary.sessionId}  ${summary.requester.subject}: ${summary.command}  [${summary.rule}, risk ${summary.risk}${approval}]  ${end}${refusals}`;
}
