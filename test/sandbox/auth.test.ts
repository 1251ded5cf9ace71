// Authentication and impersonation without HTTP: the token file as tokenfile.NewCSV reads it, the
// bearer header as the bearertoken authenticator splits it, the impersonation headers as
// WithImpersonation checks them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenAuthenticator } from '../../src/sandbox/auth/authenticate.ts';
import { buildIdentities } from '../../src/sandbox/auth/identities.ts';
import { impersonate } from '../../src/sandbox/impersonate.ts';
import { parseTokenFile, tokenFileLine } from '../../src/sandbox/auth/token-file.ts';
import type { UserInfo } from '../../src/sandbox/auth/user.ts';
import type { Attributes } from '../../src/sandbox/rbac/rules.ts';

describe('the token file', () => {
  it('reads token,user,uid and a quoted group list, CRLF or LF, skipping blank lines', () => {
    const { tokens, warnings } = parseTokenFile('t1,agent-7,u7,"agents,oncall"\r\n\r\nt2,alice,ua\n', 'tokens.csv');
    expect(tokens.get('t1')).toEqual({ name: 'agent-7', uid: 'u7', groups: ['agents', 'oncall'], extra: {} });
    expect(tokens.get('t2')).toEqual({ name: 'alice', uid: 'ua', groups: [], extra: {} });
    expect(warnings).toEqual([]);
  });

  it('keeps a token with trailing whitespace verbatim (never presentable) and warns, as the apiserver would leave it unusable', () => {
    const { tokens, warnings } = parseTokenFile('padded \t,bob,ub\n', 'tokens.csv');
    expect([...tokens.keys()]).toEqual(['padded \t']);
    expect(warnings[0]).toMatch(/contains whitespace/);
    const auth = new TokenAuthenticator(tokens);
    expect(auth.authenticate('Bearer padded').ok).toBe(false);
  });

  it('skips an empty token, lets a later duplicate win, and refuses fewer than three columns or a bare quote', () => {
    const { tokens, warnings } = parseTokenFile(',nobody,u0\nt,first,u1\nt,second,u2\n', 'f');
    expect(tokens.get('t')?.name).toBe('second');
    expect(tokens.has('')).toBe(false);
    expect(warnings).toEqual(["empty token has been found in token file 'f', record number '1'", "duplicate token has been found in token file 'f', record number '3'"]);
    expect(() => parseTokenFile('t,user\n', 'f')).toThrow("token file 'f' must have at least 3 columns (token, user name, user uid), found 2");
    expect(() => parseTokenFile('t,us"er,u\n', 'f')).toThrow(/bare " in non-quoted-field/);
  });

  it('writes lines it reads back', () => {
    const line = tokenFileLine('tok', { name: 'a,b', uid: 'u', groups: ['g1', 'g2'] });
    expect(parseTokenFile(`${line}\n`).tokens.get('tok')).toEqual({ name: 'a,b', uid: 'u', groups: ['g1', 'g2'], extra: {} });
  });
});

describe('the bearer header', () => {
  const auth = new TokenAuthenticator(new Map([['s3cret', { name: 'agent-7', uid: 'u7', groups: ['agents'], extra: {} }]]));

  it('authenticates a known token, any case of the scheme, trailing whitespace trimmed, and adds system:authenticated', () => {
    for (const header of ['Bearer s3cret', 'bearer s3cret', 'BEARER s3cret', 'Bearer s3cret \n', '  Bearer s3cret\t']) {
      expect(auth.authenticate(header)).toEqual({ ok: true, user: { name: 'agent-7', uid: 'u7', groups: ['agents', 'system:authenticated'], extra: {} } });
    }
    // A third space-separated part is ignored, as strings.SplitN(auth, " ", 3) leaves it.
    expect(auth.authenticate('Bearer s3cret extra').ok).toBe(true);
  });

  it('refuses an unknown token (401) and treats no token at all as anonymous', () => {
    expect(auth.authenticate('Bearer s3cre').ok).toBe(false);
    expect(auth.authenticate('Bearer s3cret2').ok).toBe(false);
    for (const header of [undefined, '', 'Basic czNjcmV0', 'Bearer', 'Bearer  s3cret', 'Bearer\ts3cret']) {
      expect(auth.authenticate(header)).toEqual({ ok: true, user: { name: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} } });
    }
  });
});

describe('impersonation', () => {
  const relay: UserInfo = { name: 'hkubectl-relay', uid: '', groups: ['system:authenticated'], extra: {} };
  const asked: Attributes[] = [];
  const only = (allowed: (a: Attributes) => boolean) => (_u: UserInfo, a: Attributes) => (asked.push(a), { allowed: allowed(a), reason: '' });

  it('does nothing without headers', () => {
    expect(impersonate(relay, {}, only(() => true))).toEqual({ kind: 'none' });
  });

  it('becomes the user with the groups asked for plus system:authenticated, checking each', () => {
    asked.length = 0;
    const r = impersonate(relay, { 'impersonate-user': ['agent-7'], 'impersonate-group': ['agents', 'oncall'], 'impersonate-extra-reason': ['INC-1'], 'impersonate-uid': ['u7'] }, only(() => true));
    expect(r).toEqual({ kind: 'as', user: { name: 'agent-7', uid: 'u7', groups: ['agents', 'oncall', 'system:authenticated'], extra: { reason: ['INC-1'] } } });
    expect(asked.map((a) => [a.resource, a.subresource, a.name, a.apiGroup])).toEqual([
      ['users', '', 'agent-7', ''], ['groups', '', 'agents', ''], ['groups', '', 'oncall', ''], ['userextras', 'reason', 'INC-1', 'authentication.k8s.io'], ['uids', '', 'u7', 'authentication.k8s.io'],
    ]);
  });

  it('impersonates a service account in its namespace, with its groups unless groups are given', () => {
    asked.length = 0;
    const r = impersonate(relay, { 'impersonate-user': ['system:serviceaccount:prod:deployer'] }, only(() => true));
    expect(r).toEqual({ kind: 'as', user: { name: 'system:serviceaccount:prod:deployer', uid: '', groups: ['system:serviceaccounts', 'system:serviceaccounts:prod', 'system:authenticated'], extra: {} } });
    expect(asked[0]).toMatchObject({ resource: 'serviceaccounts', namespace: 'prod', name: 'deployer' });
  });

  it('stops at the first thing not allowed, and says which', () => {
    const r = impersonate(relay, { 'impersonate-user': ['agent-7'], 'impersonate-group': ['system:masters'] }, only((a) => a.resource === 'users'));
    expect(r).toMatchObject({ kind: 'forbidden', attributes: { verb: 'impersonate', resource: 'groups', name: 'system:masters', namespace: '' } });
  });

  it('refuses groups, extras or a uid without a user before checking anything', () => {
    asked.length = 0;
    const r = impersonate(relay, { 'impersonate-group': ['system:masters'] }, only(() => true));
    expect(r).toEqual({ kind: 'invalid', message: 'requested [{Group  system:masters    }] without impersonating a user' });
    expect(impersonate(relay, { 'impersonate-uid': ['u1'] }, only(() => true)).kind).toBe('invalid');
    expect(impersonate(relay, { 'impersonate-extra-scopes': ['x'] }, only(() => true)).kind).toBe('invalid');
    expect(asked).toEqual([]);
  });
});

describe('the sandbox\'s own tokens', () => {
  const random = () => 'r4nd0m';
  it('refuses an administrator or seeded token with whitespace (say a trailing newline), which no bearer header could carry', () => {
    expect(() => buildIdentities({ adminToken: 'abc\n', randomToken: random })).toThrow(expect.objectContaining({ code: 'SANDBOX_TOKEN_INVALID' }));
    expect(() => buildIdentities({ adminToken: 'abc', users: [{ name: 'x', token: 'tok ' }], randomToken: random })).toThrow(expect.objectContaining({ code: 'SANDBOX_TOKEN_INVALID' }));
  });

  it('keeps the administrator in system:masters whatever a seed or file says about its token', () => {
    expect(() => buildIdentities({ adminToken: 'same', users: [{ name: 'mallory', token: 'same' }], randomToken: random })).toThrow("user mallory has the administrator's token");
    const dir = mkdtempSync(join(tmpdir(), 'hk-tokens-'));
    writeFileSync(join(dir, 'tokens.csv'), 'same,mallory,u1,system:masters\nother,oscar,u2\n');
    const { table, identities, warnings } = buildIdentities({ adminToken: 'same', tokenAuthFile: join(dir, 'tokens.csv'), randomToken: random });
    rmSync(dir, { recursive: true, force: true });
    expect(table.get('same')).toEqual({ name: 'kubernetes-admin', uid: '', groups: ['system:masters'], extra: {} });
    expect(identities.map((i) => i.name)).toEqual(['oscar', 'kubernetes-admin']);
    expect(warnings).toEqual(["the token of user mallory in the token file is the administrator's: it authenticates kubernetes-admin"]);
  });
});
