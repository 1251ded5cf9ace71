// The import graph of src/, read from the source text: which file imports which, and the
// component (folder) each file belongs to. Static `from '…'`, `import '…'` and dynamic
// `import('…')` with a relative literal are edges; package imports are not part of the graph.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export type ImportEdge = { from: string; to: string };

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

export function sourceFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.ts')) found.push(relative(root, path));
    }
  };
  walk(root);
  return found.sort();
}

/** Edges between files of `root`, as paths relative to it. */
export function importEdges(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = relative(root, resolve(root, dirname(file), match[2] as string));
      if (!target.startsWith('..')) edges.push({ from: file, to: target });
    }
  }
  return edges;
}

/**
 * The component a file belongs to: its top folder under src/, except that the relay is two
 * components that run on different machines (relay/server on the relay host, relay/client on
 * the agent's and approver's machines); a file directly in src/ (errors.ts) is its own.
 */
export function componentOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return (parts[0] as string).replace(/\.ts$/, '');
  if (parts[0] === 'relay' && parts.length > 2) return `relay/${parts[1]}`;
  return parts[0] as string;
}

/** Strongly connected groups of more than one node: every circle in the graph, once each. */
export function circles(nodes: Iterable<string>, edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const node of nodes) next.set(node, new Set());
  for (const { from, to } of edges) if (from !== to) next.get(from)?.add(to);
  // Tarjan's algorithm, iterative over the small graphs here.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return found;
}
