// The `content` field of a submitted command (contract/content-digest.ts) → a typed digest, or a
// 400 naming what is wrong. The relay cannot see the wrapper's files, but it can insist that the
// digest it binds an approval to is the digest of the sources the approver is shown.
import { CONTENT_FLAGS, contentDigest, type ContentDigest, type ContentFlag, type ContentSource } from '../../contract/content-digest.ts';
import { ApiError } from './http.ts';

const MAX_SOURCES = 10_000;
const MAX_TEXT = 4096;
const SHA256 = /^[0-9a-f]{64}$/;

function bad(field: string, expected: string): never {
  throw new ApiError(400, 'ERR_INVALID_BODY', `field "${field}" must be ${expected}`);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown, field: string): string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT ? value : bad(field, `a non-empty string of at most ${MAX_TEXT} characters`);
const count = (value: unknown, field: string): number => (Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : bad(field, 'a non-negative integer'));
const digest = (value: unknown, field: string): string => (typeof value === 'string' && SHA256.test(value) ? value : bad(field, 'a sha256 in lower-case hex'));

function source(raw: unknown, at: string): ContentSource {
  if (!isObject(raw)) return bad(at, 'an object');
  const flag = CONTENT_FLAGS.includes(raw.flag as ContentFlag) ? (raw.flag as ContentFlag) : bad(`${at}.flag`, `one of ${CONTENT_FLAGS.join(', ')}`);
  switch (raw.kind) {
    case 'file':
    case 'stdin':
    case 'kustomization': {
      const documents = raw.documents === null && raw.kind !== 'kustomization' ? null : count(raw.documents, `${at}.documents`);
      if (raw.kind === 'kustomization' && flag !== 'kustomize') bad(`${at}.flag`, '"kustomize" for a kustomization');
      return {
        kind: raw.kind, flag, path: text(raw.path, `${at}.path`), sha256: digest(raw.sha256, `${at}.sha256`), size: count(raw.size, `${at}.size`), documents,
      } as ContentSource;
    }
    case 'url': {
      const url = text(raw.url, `${at}.url`);
      if (!/^https?:\/\//.test(url)) bad(`${at}.url`, 'an http(s) URL');
      return { kind: 'url', flag, url };
    }
    case 'missing':
      return { kind: 'missing', flag, path: text(raw.path, `${at}.path`) };
    case 'unbindable':
      return { kind: 'unbindable', flag, path: text(raw.path, `${at}.path`), problem: text(raw.problem, `${at}.problem`) };
    default:
      return bad(`${at}.kind`, 'one of file, stdin, kustomization, url, missing, unbindable');
  }
}

export function contentBody(raw: unknown): ContentDigest | null {
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) return bad('content', 'an object (the digest of what the command reads), or null');
  if (!Array.isArray(raw.sources) || raw.sources.length === 0 || raw.sources.length > MAX_SOURCES) {
    return bad('content.sources', `a list of 1 to ${MAX_SOURCES} sources`);
  }
  const checked = contentDigest(raw.sources.map((item, index) => source(item, `content.sources[${index}]`)));
  if (raw.sha256 !== checked.sha256) bad('content.sha256', 'the sha256 of its sources (see contract/content-digest.ts)');
  if (raw.documents !== checked.documents) bad('content.documents', `the sum of its sources' documents (${checked.documents})`);
  return checked;
}
