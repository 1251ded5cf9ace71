// What a command reads besides its arguments — manifest files, directories, kustomizations,
// stdin, data files (`--from-file`) — as the wrapper found it when it asked: each source with its
// sha256, and one digest over them all. An approval is bound to that digest (it is part of the
// fingerprint), so an approval given for one m.yaml cannot be used to apply another. Shared by the
// wrapper (which reads), the relay (which validates and binds) and the approver (who is shown it).
import { createHash } from 'node:crypto';
import { showUntrusted } from './show-untrusted.ts';

/** Which flag a source came from: manifests (`filename`, `kustomize`) or data kubectl puts into objects. */
export const CONTENT_FLAGS = ['filename', 'kustomize', 'from-file', 'from-env-file', 'patch-file', 'cert', 'key', 'custom', 'cp-source'] as const;
export type ContentFlag = (typeof CONTENT_FLAGS)[number];

export type ContentSource =
  /** A regular file kubectl reads (from a directory walk, a glob, or named), or stdin (`path: "-"`). */
  | { kind: 'file' | 'stdin'; flag: ContentFlag; path: string; sha256: string; size: number; documents: number | null }
  /** `kubectl kustomize <dir>`'s output: what kubectl applies for `-k <dir>`. */
  | { kind: 'kustomization'; flag: 'kustomize'; path: string; sha256: string; size: number; documents: number }
  /** An http(s) URL: bound to its text only, since the wrapper does not fetch what kubectl will. */
  | { kind: 'url'; flag: ContentFlag; url: string }
  /** A path that does not exist: kubectl will fail on it; bound as absent. */
  | { kind: 'missing'; flag: ContentFlag; path: string }
  /** Something whose content cannot be bound (a pipe, a device, a failed kustomization): it cannot be approved. */
  | { kind: 'unbindable'; flag: ContentFlag; path: string; problem: string };

export type ContentDigest = {
  /** sha256 of the canonical JSON of `sources`: what an approval is bound to. */
  sha256: string;
  /** Manifest documents in the bound files and kustomizations. */
  documents: number;
  sources: ContentSource[];
};

export function contentSha256(sources: readonly ContentSource[]): string {
  return createHash('sha256').update(JSON.stringify(sources.map(canonicalSource))).digest('hex');
}

export function contentDigest(sources: ContentSource[]): ContentDigest {
  const documents = sources.reduce((sum, source) => sum + ('documents' in source && source.documents !== null ? source.documents : 0), 0);
  return { sha256: contentSha256(sources), documents, sources };
}

/** Fixed key order, so the digest does not depend on how a JSON encoder ordered the fields. */
function canonicalSource(source: ContentSource): unknown[] {
  switch (source.kind) {
    case 'file':
    case 'stdin':
    case 'kustomization':
      return [source.kind, source.flag, source.path, source.sha256, source.size];
    case 'url':
      return [source.kind, source.flag, source.url];
    case 'missing':
      return [source.kind, source.flag, source.path];
    case 'unbindable':
      return [source.kind, source.flag, source.path, source.problem];
  }
}

/** Sources whose content cannot be bound: an approval cannot cover them. */
export function unbindable(digest: ContentDigest | null): Array<Extract<ContentSource, { kind: 'unbindable' }>> {
  return (digest?.sources ?? []).filter((source): source is Extract<ContentSource, { kind: 'unbindable' }> => source.kind === 'unbindable');
}

/** What the approver is shown: one line with the digest, then what it covers. Safe for a terminal. */
export function describeContent(digest: ContentDigest): string {
  const files = digest.sources.filter((source): source is Extract<ContentSource, { kind: 'file' | 'stdin' | 'kustomization' }> =>
    source.kind === 'file' || source.kind === 'stdin' || source.kind === 'kustomization');
  const parts: string[] = [];
  const shown = files.slice(0, 6).map((source) => (source.kind === 'stdin' ? 'stdin' : source.path));
  if (files.length > 0) parts.push(`${shown.join(', ')}${files.length > shown.length ? ` and ${files.length - shown.length} more` : ''}`);
  for (const source of digest.sources) {
    if (source.kind === 'url') parts.push(`URL ${source.url} (bound to the URL text only: what it serves is not checked)`);
    if (source.kind === 'missing') parts.push(`${source.path} (does not exist)`);
    if (source.kind === 'unbindable') parts.push(`${source.path} (cannot be bound: ${source.problem})`);
  }
  const count = `${digest.documents} document${digest.documents === 1 ? '' : 's'}`;
  return showUntrusted(`file contents sha256 ${digest.sha256}, ${count}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`);
}

/** A short form for the one-line messages of a refusal. */
export function shortContent(digest: ContentDigest | null): string {
  if (!digest) return 'no file contents';
  return `file contents sha256 ${digest.sha256.slice(0, 12)}…, ${digest.documents} document${digest.documents === 1 ? '' : 's'}`;
}
