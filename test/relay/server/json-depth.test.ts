import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../../src/relay/server/json-depth.ts';

const deeper = (text: string, max: number) => nestsDeeperThan(Buffer.from(text), max);

describe('nestsDeeperThan', () => {
  it('counts arrays and objects alike, and only past the limit', () => {
    expect(deeper('[[{"a":[1]}]]', 4)).toBe(false);
    expect(deeper('[[{"a":[1]}]]', 3)).toBe(true);
    expect(deeper(`${'['.repeat(5_000)}${']'.repeat(5_000)}`, 64)).toBe(true);
    expect(deeper('{"a":1}{"b":2}{"c":3}', 1)).toBe(false);
  });

  it('skips brackets inside strings, escaped quotes and backslashes included', () => {
    expect(deeper(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(deeper(JSON.stringify({ a: 'say \\"[[[[\\"', b: '\\\\' }), 1)).toBe(false);
    expect(deeper(JSON.stringify({ a: '\\', b: [[1]] }), 2)).toBe(true);
    expect(deeper(JSON.stringify(['"', ['\\"', ['[']]]), 3)).toBe(false);
  });
});
