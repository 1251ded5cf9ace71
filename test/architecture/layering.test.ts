// The layout is a contract too: where a file runs is visible from its folder, and arrows run one
// way (../shared/DESIGN.md, "Components"). These read the import graph of src/ and name every
// offending import, so a change that breaks the layering fails here with the file to fix.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { circles, componentOf, importEdges, sourceFiles, type ImportEdge } from './import-graph.ts';

const SRC = join(import.meta.dirname, '../../src');
const edges = importEdges(SRC);
const show = (list: ImportEdge[]) => list.map(({ from, to }) => `${from} -> ${to}`);

/** What each component may not import, besides the general rules below (DESIGN.md's arrows). */
const FORBIDDEN: Record<string, string[]> = {
  'relay/server': ['relay/client', 'cli', 'demo', 'recording', 'replay', 'sandbox'],
  'relay/client': ['relay/server', 'cli', 'demo', 'replay', 'recording', 'sandbox'],
  contract: ['relay/server', 'relay/client', 'cli', 'demo', 'recording', 'replay', 'sandbox', 'masking', 'auth'],
  policy: ['relay/server', 'relay/client', 'contract', 'cli', 'demo', 'recording', 'replay', 'sandbox'],
  masking: ['relay/server', 'relay/client', 'contract', 'cli', 'demo', 'recording', 'replay', 'sandbox', 'policy', 'kubectl'],
  kubectl: ['relay/server', 'relay/client', 'contract', 'cli', 'demo', 'recording', 'replay', 'sandbox'],
  errors: ['*'],
  // The Kubernetes API's own rules (request info): pure, for the policy, the sandbox and the gateway alike.
  'kube-api': ['*'],
};

describe('the layout of src/', () => {
  it('has a graph to check (the reader finds the imports)', () => {
    expect(sourceFiles(SRC).length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(300);
  });

  it('has no file outside src/cli importing src/cli', () => {
    expect(show(edges.filter(({ from, to }) => componentOf(from) !== 'cli' && componentOf(to) === 'cli'))).toEqual([]);
  });

  it('has no two components importing each other, directly or round a circle', () => {
    const between = edges
      .map(({ from, to }) => ({ from: componentOf(from), to: componentOf(to) }))
      .filter(({ from, to }) => from !== to);
    expect(circles(new Set(sourceFiles(SRC).map(componentOf)), between)).toEqual([]);
  });

  it('has no two folders importing each other (a folder and its own subfolders are one concern)', () => {
    const folder = (file: string) => file.split('/').slice(0, -1).join('/') || '.';
    const nested = (a: string, b: string) => a === '.' || b === '.' || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
    const between = edges
      .map(({ from, to }) => ({ from: folder(from), to: folder(to) }))
      .filter(({ from, to }) => from !== to && !nested(from, to));
    expect(circles(new Set(sourceFiles(SRC).map(folder)), between)).toEqual([]);
  });

  it('has no circle of files importing each other', () => {
    expect(circles(sourceFiles(SRC), edges)).toEqual([]);
  });

  it('keeps each component to the arrows of the design', () => {
    const offending = edges.filter(({ from, to }) => {
      const banned = FORBIDDEN[componentOf(from)] ?? [];
      const target = componentOf(to);
      return target !== componentOf(from) && (banned.includes('*') || banned.includes(target));
    });
    expect(show(offending)).toEqual([]);
  });

  it('finds a circle when there is one (the check itself can fail)', () => {
    const sample = [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'd' }];
    expect(circles(['a', 'b', 'c', 'd'], sample)).toEqual([['a', 'b', 'c']]);
  });
});
