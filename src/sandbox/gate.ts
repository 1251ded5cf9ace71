// The apiserver's filter chain in front of every handler, in its order: authentication (bearer
// token, else anonymous), impersonation, request info, authorization. What comes out is the
// identity the request runs as and what it was allowed to do, or the answer that ends it.
import type { IncomingMessage } from 'node:http';
import type { TokenAuthenticator } from './auth/authenticate.ts';
import type { ImpersonationHeaders } from './impersonate.ts';
import { impersonate } from './impersonate.ts';
import type { UserInfo } from './auth/user.ts';
import type { Authorizer } from './rbac/authorize.ts';
import { forbidden } from './rbac/authorize.ts';
import type { Attributes } from './rbac/rules.ts';
import type { RequestInfo } from '../kube-api/request-info.ts';
import { resolveRequestInfo, splitTarget } from '../kube-api/request-info.ts';
import type { Status } from './status.ts';
import { status, unauthorized } from './status.ts';

export type Admitted = { ok: true; user: UserInfo; info: RequestInfo; query: URLSearchParams };
/** A refusal: a Status, or (as the apiserver answers a malformed impersonation) plain text. */
export type Refused = { ok: false; status: Status } | { ok: false; plain: { code: number; text: string } };

export const attributesOf = (info: RequestInfo): Attributes => ({
  verb: info.verb, resourceRequest: info.isResourceRequest, path: info.path, apiGroup: info.apiGroup, apiVersion: info.apiVersion,
  namespace: info.namespace, resource: info.resource, subresource: info.subresource, name: info.name,
});

const sanitize = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function impersonationHeaders(req: IncomingMessage): ImpersonationHeaders {
  const out: ImpersonationHeaders = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (name.startsWith('impersonate-')) out[name] = values;
  }
  return out;
}

export class Gate {
  constructor(private readonly tokens: TokenAuthenticator, private readonly authorizer: Authorizer) {}

  admit(req: IncomingMessage): Admitted | Refused {
    const authn = this.tokens.authenticate(req.headers.authorization);
    if (!authn.ok) return { ok: false, status: unauthorized() };
    const target = req.url ?? '/';
    const as = impersonate(authn.user, impersonationHeaders(req), (user, a) => this.authorizer.authorize(user, a));
    if (as.kind === 'invalid') return { ok: false, plain: { code: 500, text: sanitize(`Internal Server Error: ${JSON.stringify(target)}: ${as.message}`) } };
    if (as.kind === 'forbidden') return { ok: false, status: forbidden(authn.user, as.attributes, as.reason) };
    const user = as.kind === 'as' ? as.user : authn.user;
    let split: ReturnType<typeof splitTarget>;
    try {
      split = splitTarget(target);
    } catch (error) {
      return { ok: false, status: status(400, 'BadRequest', (error as Error).message) };
    }
    const info = resolveRequestInfo(req.method ?? 'GET', split.path, split.query);
    const decision = this.authorizer.authorize(user, attributesOf(info));
    if (!decision.allowed) return { ok: false, status: forbidden(user, attributesOf(info), decision.reason) };
    return { ok: true, user, info, query: split.query };
  }
}
