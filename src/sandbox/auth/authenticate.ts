// Bearer-token authentication as the apiserver's bearertoken authenticator does it: the header is
// trimmed, split on single spaces into at most three parts, the scheme matched case-insensitively,
// and the second part looked up. No header, another scheme or an empty token is not an attempt:
// the request goes on as system:anonymous (the apiserver's default anonymous auth), which RBAC
// then allows only the public endpoints. An attempt with an unknown token is a 401.
import { createHash } from 'node:crypto';
import type { TokenTable } from './token-file.ts';
import type { UserInfo } from './user.ts';
import { anonymousUser, withAuthenticatedGroup } from './user.ts';

export type Authentication = { ok: true; user: UserInfo } | { ok: false };

/**
 * Looks tokens up by their SHA-256, so that the lookup's timing says nothing about how much of a
 * guessed token was right (a Map keyed by the token itself compares strings).
 */
export class TokenAuthenticator {
  private readonly byDigest = new Map<string, UserInfo>();

  constructor(tokens: TokenTable) {
    for (const [token, user] of tokens) this.byDigest.set(digest(token), user);
  }

  authenticate(authorization: string | undefined): Authentication {
    const header = (authorization ?? '').trim();
    if (header === '') return { ok: true, user: anonymousUser() };
    const parts = splitN(header, ' ', 3);
    if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return { ok: true, user: anonymousUser() };
    const token = parts[1]!;
    if (token === '') return { ok: true, user: anonymousUser() };
    const user = this.byDigest.get(digest(token));
    return user ? { ok: true, user: withAuthenticatedGroup(user) } : { ok: false };
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64');

/** Go's strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const at = rest.indexOf(sep);
    if (at < 0) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + sep.length);
  }
  out.push(rest);
  return out;
}
