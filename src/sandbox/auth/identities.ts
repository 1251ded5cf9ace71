// The sandbox's token table: the administrator (kubernetes-admin in system:masters, whose token
// the written kubeconfig carries), the users a seed declares (each given a fresh random token
// unless it brings one), and the records of a `--token-auth-file`. The administrator is added
// last, so no file or seed can take its token over.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors.ts';
import type { TokenTable } from './token-file.ts';
import { TokenFileError, parseTokenFile } from './token-file.ts';
import { SYSTEM_MASTERS } from './user.ts';

export const ADMIN_USER = 'kubernetes-admin';

/** A user a seed declares; `token` defaults to a random one. */
export type SeedUser = { name: string; uid?: string; groups?: string[]; token?: string };

/** A user the sandbox accepts, with the token that authenticates it. */
export type SandboxIdentity = { name: string; uid: string; groups: string[]; token: string };

export type Identities = { table: TokenTable; identities: SandboxIdentity[]; warnings: string[] };

/** Our own tokens go into kubeconfigs verbatim, so one the apiserver could never match is refused here. */
function checkToken(token: string, whose: string): void {
  if (token === '' || /\s/.test(token)) {
    throw new ConfigError('SANDBOX_TOKEN_INVALID', `the token for ${whose} is empty or contains whitespace: a bearer header is trimmed and split on spaces, so it could never authenticate`);
  }
}

export function buildIdentities(input: { adminToken: string; users?: SeedUser[]; tokenAuthFile?: string; randomToken: () => string }): Identities {
  const table: TokenTable = new Map();
  const identities: SandboxIdentity[] = [];
  let warnings: string[] = [];
  if (input.tokenAuthFile) {
    let text: string;
    try {
      text = readFileSync(input.tokenAuthFile, 'utf8');
    } catch (error) {
      throw new ConfigError('SANDBOX_TOKEN_FILE_UNREADABLE', `cannot read token file ${input.tokenAuthFile}: ${(error as Error).message}`, { cause: error });
    }
    try {
      const parsed = parseTokenFile(text, input.tokenAuthFile);
      warnings = parsed.warnings;
      for (const [token, user] of parsed.tokens) {
        table.set(token, user);
        identities.push({ name: user.name, uid: user.uid, groups: user.groups, token });
      }
    } catch (error) {
      if (error instanceof TokenFileError) throw new ConfigError('SANDBOX_TOKEN_FILE_INVALID', error.message, { cause: error });
      throw error;
    }
  }
  for (const user of input.users ?? []) {
    const token = user.token ?? input.randomToken();
    checkToken(token, `user ${user.name}`);
    if (token === input.adminToken) throw new ConfigError('SANDBOX_TOKEN_INVALID', `user ${user.name} has the administrator's token`);
    const identity = { name: user.name, uid: user.uid ?? '', groups: user.groups ?? [], token };
    table.set(token, { name: identity.name, uid: identity.uid, groups: identity.groups, extra: {} });
    identities.push(identity);
  }
  checkToken(input.adminToken, 'the administrator');
  if (table.has(input.adminToken)) {
    warnings.push(`the token of user ${table.get(input.adminToken)!.name} in the token file is the administrator's: it authenticates kubernetes-admin`);
    const at = identities.findIndex((i) => i.token === input.adminToken);
    identities.splice(at, 1);
  }
  table.set(input.adminToken, { name: ADMIN_USER, uid: '', groups: [SYSTEM_MASTERS], extra: {} });
  identities.push({ name: ADMIN_USER, uid: '', groups: [SYSTEM_MASTERS], token: input.adminToken });
  return { table, identities, warnings };
}
