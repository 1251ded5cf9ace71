import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { growableArray, recordFile } from '../../../src/replay/export/record-file.ts';

// The record file lives in the system's temporary directory; each test gets its own, to see
// what is left there.
let temp: string;
let previous: string | undefined;
beforeEach(async () => {
  previous = process.env.TMPDIR;
  temp = await mkdtemp(join(tmpdir(), 'hk-record-file-test-'));
  process.env.TMPDIR = temp;
});
afterEach(async () => {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  await rm(temp, { recursive: true, force: true });
});

describe('recordFile', () => {
  it('reads records back by number in any order, before and after they reach the disk', async () => {
    const records = await recordFile<{ n: number; text: string }>('test');
    try {
      // ~700 KB: several batched writes, and a tail still waiting in memory.
      const text = (n: number) => `record ${n} ${'é'.repeat(n % 500)}`;
      for (let n = 0; n < 1500; n += 1) expect(await records.append({ n, text: text(n) })).toBe(n);
      expect(records.count).toBe(1500);
      for (const n of [1499, 0, 777, 1, 1498, 250]) expect(await records.read(n)).toEqual({ n, text: text(n) });
      expect(await records.append({ n: 1500, text: 'last' })).toBe(1500);
      expect(await records.read(1500)).toEqual({ n: 1500, text: 'last' });
      await expect(records.read(1501)).rejects.toThrow(RangeError);
    } finally {
      await records.remove();
    }
  });

  it('answers reads made while earlier records are still being written', async () => {
    const records = await recordFile<{ n: number; pad: string }>('test');
    try {
      const pad = 'x'.repeat(900);
      const appended = Array.from({ length: 1200 }, (_, n) => records.append({ n, pad }));
      const read = Array.from({ length: 1200 }, (_, n) => records.read(1199 - n));
      expect(await Promise.all(appended)).toEqual(Array.from({ length: 1200 }, (_, n) => n));
      expect((await Promise.all(read)).map((r) => r.n)).toEqual(Array.from({ length: 1200 }, (_, n) => 1199 - n));
    } finally {
      await records.remove();
    }
  });

  it('keeps its file private and leaves nothing behind once removed', async () => {
    const records = await recordFile<string>('test');
    await records.append('secret-ish');
    const [dir] = await readdir(temp);
    expect(dir).toMatch(/^hk-export-test-/);
    await records.remove();
    expect(await readdir(temp)).toEqual([]);
  });
});

describe('growableArray', () => {
  it('grows past its first block and keeps every number', () => {
    const numbers = growableArray(Float64Array);
    for (let i = 0; i < 5000; i += 1) numbers.push(i * 1.5e9);
    expect(numbers.length).toBe(5000);
    expect([numbers.at(0), numbers.at(1023), numbers.at(1024), numbers.at(4999)]).toEqual([0, 1023 * 1.5e9, 1024 * 1.5e9, 4999 * 1.5e9]);
    expect(() => numbers.at(5000)).toThrow(RangeError);
  });
});
