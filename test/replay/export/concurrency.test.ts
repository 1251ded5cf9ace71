import { describe, expect, it } from 'vitest';
import { ordered, unordered } from '../../../src/replay/export/concurrency.ts';

async function* numbers(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i += 1) yield i;
}

/** Resolves after `turns` turns of the event loop: later items can finish before earlier ones. */
const turns = (count: number) => new Promise<void>((resolve) => {
  const step = (left: number) => (left === 0 ? resolve() : setImmediate(() => step(left - 1)));
  step(count);
});

/** Work that counts how many calls run at once. */
function tracked(delay: (n: number) => number) {
  const state = { running: 0, most: 0 };
  const work = async (n: number) => {
    state.running += 1;
    state.most = Math.max(state.most, state.running);
    await turns(delay(n));
    state.running -= 1;
    return n * 10;
  };
  return { state, work };
}

describe('ordered', () => {
  it('hands results out in input order while later items finish first, never more than the limit at once', async () => {
    const { state, work } = tracked((n) => 20 - (n % 5) * 4);
    const results: number[] = [];
    for await (const result of ordered(numbers(23), 4, work)) results.push(result);
    expect(results).toEqual(Array.from({ length: 23 }, (_, i) => i * 10));
    expect(state.most).toBe(4);
  });

  it('passes a failure on at the failed item', async () => {
    const results: number[] = [];
    const run = async () => {
      for await (const result of ordered(numbers(10), 3, async (n) => {
        await turns(10 - n);
        if (n === 4) throw new Error('item 4 failed');
        return n;
      })) results.push(result);
    };
    await expect(run()).rejects.toThrow('item 4 failed');
    expect(results).toEqual([0, 1, 2, 3]);
  });
});

describe('unordered', () => {
  it('hands out every result once, as each finishes, never more than the limit at once', async () => {
    const { state, work } = tracked((n) => (n * 7) % 11);
    const results: number[] = [];
    for await (const result of unordered(numbers(40), 5, work)) results.push(result);
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i * 10));
    expect(results).not.toEqual([...results].sort((a, b) => a - b));
    expect(state.most).toBe(5);
  });

  it('passes a failure on and stops taking items', async () => {
    let taken = 0;
    async function* counted(): AsyncGenerator<number> {
      for (let i = 0; i < 1000; i += 1) {
        taken += 1;
        yield i;
      }
    }
    const run = async () => {
      for await (const _ of unordered(counted(), 2, async (n) => {
        await turns(1);
        if (n === 5) throw new Error('item 5 failed');
        return n;
      }));
    };
    await expect(run()).rejects.toThrow('item 5 failed');
    expect(taken).toBeLessThan(10);
  });

  it('finishes at once on no items', async () => {
    const results: number[] = [];
    for await (const result of unordered(numbers(0), 3, async (n) => n)) results.push(result);
    expect(results).toEqual([]);
  });
});
