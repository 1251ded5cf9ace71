import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000], ['5m', 300_000], ['1h30m', 5_400_000], ['250ms', 250], ['2d', 172_800_000], ['30', 30_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '5 minutes', '-1s', '5x'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
