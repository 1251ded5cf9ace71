import { describe, expect, it } from 'vitest';
import { parseSize } from '../../../src/relay/server/run.ts';

describe('--max-cast-size', () => {
  it('reads plain bytes and binary K/M/G suffixes, and refuses anything else', () => {
    expect(parseSize('65536')).toBe(65536);
    expect(parseSize('500M')).toBe(500 * 1024 * 1024);
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('2k')).toBe(2048);
    for (const bad of ['', '0', '-1', '1.5G', 'lots', '1T']) expect(parseSize(bad)).toBeNull();
  });
});
