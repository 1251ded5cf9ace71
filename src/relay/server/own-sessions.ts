// `GET /v1/sessions/mine`: the sessions the caller was recorded running, and no one else's, so an
// agent can list (and, through the owner-readable manifest and cast endpoints, replay) its own
// past sessions without being an auditor.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../../auth/identity.ts';
import { SESSION_STATES, type SessionStateFilter } from '../../contract/relay-api.ts';
import { samePerson } from './approvals.ts';
import type { RelayCore } from './core.ts';
import { sendJson } from './http.ts';
import { oneOf, parseQuery } from './query.ts';
import { summarize } from './session-list.ts';

type Route = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void>;

export function ownSessionsRoute(core: RelayCore, authenticate: (req: IncomingMessage) => Promise<Identity>): [string, RegExp, Route] {
  const route: Route = async (req, res, url) => {
    const query = parseQuery(url, { state: oneOf(SESSION_STATES) });
    const identity = await authenticate(req);
    const wanted: SessionStateFilter = query.state ?? 'all';
    const sessions = [...core.state.sessions.values()]
      .filter((session) => samePerson(session.decision.requester, identity))
      .filter((session) => wanted === 'all' || (wanted === 'closed') === (session.closed !== null))
      .slice(-10_000)
      .map(summarize);
    sendJson(res, 200, { sessions });
  };
  return ['GET', /^\/v1\/sessions\/mine$/, route];
}
