// The kube-apiserver's `--token-auth-file`: CSV records `token,user,uid[,"group1,group2"]`, read
// as tokenfile.NewCSV reads them with Go's encoding/csv — fields are taken verbatim (a token with
// a trailing space keeps it, and so can never be presented in a bearer header, which the
// apiserver trims), blank lines are skipped, a later duplicate token replaces an earlier one, an
// empty token is skipped, fewer than three columns is an error. Warnings say what was skipped or
// can never match, so an operator sees it instead of a silent 401.
import type { UserInfo } from './user.ts';

export type TokenTable = Map<string, UserInfo>;
export type ParsedTokenFile = { tokens: TokenTable; warnings: string[] };

export class TokenFileError extends Error {}

/** RFC 4180 records, with Go's csv.Reader rules (no lazy quotes, \r\n as \n, blank lines skipped). */
export function parseCsvRecords(text: string, source: string): string[][] {
  const records: string[][] = [];
  const input = text.replace(/\r\n/g, '\n');
  let i = 0;
  let line = 1;
  while (i < input.length) {
    if (input[i] === '\n') {
      i += 1;
      line += 1;
      continue;
    }
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (input[i] === '"') {
        i += 1;
        for (;;) {
          if (i >= input.length) throw new TokenFileError(`${source}: record on line ${line}: extraneous or missing " in quoted-field`);
          const ch = input[i]!;
          if (ch === '"') {
            if (input[i + 1] === '"') {
              field += '"';
              i += 2;
            } else {
              i += 1;
              break;
            }
          } else {
            if (ch === '\n') line += 1;
            field += ch;
            i += 1;
          }
        }
        if (i < input.length && input[i] !== ',' && input[i] !== '\n') {
          throw new TokenFileError(`${source}: record on line ${line}: extraneous or missing " in quoted-field`);
        }
      } else {
        while (i < input.length && input[i] !== ',' && input[i] !== '\n') {
          if (input[i] === '"') throw new TokenFileError(`${source}: record on line ${line}: bare " in non-quoted-field`);
          field += input[i];
          i += 1;
        }
      }
      record.push(field);
      if (input[i] === ',') {
        i += 1;
        continue;
      }
      break;
    }
    if (input[i] === '\n') {
      i += 1;
      line += 1;
    }
    records.push(record);
  }
  return records;
}

export function parseTokenFile(text: string, source = 'token file'): ParsedTokenFile {
  const tokens: TokenTable = new Map();
  const warnings: string[] = [];
  let recordNum = 0;
  for (const record of parseCsvRecords(text, source)) {
    if (record.length < 3) {
      throw new TokenFileError(`token file '${source}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
    }
    recordNum += 1;
    const [token, name, uid] = record as [string, string, string];
    if (token === '') {
      warnings.push(`empty token has been found in token file '${source}', record number '${recordNum}'`);
      continue;
    }
    if (tokens.has(token)) warnings.push(`duplicate token has been found in token file '${source}', record number '${recordNum}'`);
    if (token !== token.trim() || /\s/.test(token)) {
      warnings.push(`the token of record number '${recordNum}' in token file '${source}' contains whitespace: no bearer header can present it, as on the apiserver`);
    }
    tokens.set(token, { name, uid, groups: record.length >= 4 ? record[3]!.split(',') : [], extra: {} });
  }
  return { tokens, warnings };
}

/** One record of a token file, quoted where Go's csv.Writer would. */
export function tokenFileLine(token: string, user: { name: string; uid: string; groups: string[] }): string {
  const quote = (f: string) => (/[",\r\n]/.test(f) || f.startsWith(' ') ? `"${f.replace(/"/g, '""')}"` : f);
  return [token, user.name, user.uid, user.groups.join(',')].map(quote).join(',');
}
