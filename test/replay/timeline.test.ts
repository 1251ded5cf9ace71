import { describe, expect, it } from 'vitest';
import type { AsciicastEvent } from '../../src/recording/asciicast.ts';
import { timeline } from '../../src/replay/timeline.ts';

const events: AsciicastEvent[] = [
  [0, 'm', 'decision: allow'],
  [0.5, 'o', 'a'],
  [10.5, 'o', 'b'],
  [11, 'o', 'c'],
  [11, 'm', 'exit 0'],
];

describe('timeline', () => {
  it('keeps recorded times at speed 1', () => {
    expect(timeline(events).map((f) => f.at)).toEqual([0, 0.5, 10.5, 11, 11]);
  });

  it('divides every time by the speed', () => {
    expect(timeline(events, { speed: 2 }).map((f) => f.at)).toEqual([0, 0.25, 5.25, 5.5, 5.5]);
  });

  it('cuts pauses longer than the idle limit down to it', () => {
    expect(timeline(events, { idleLimit: 1 }).map((f) => f.at)).toEqual([0, 0.5, 1.5, 2, 2]);
  });

  it('starts at --from, showing earlier output at once and dropping earlier markers', () => {
    const frames = timeline(events, { from: 10.5 });
    expect(frames.map((f) => [f.at, f.event[2]])).toEqual([[0, 'a'], [0, 'b'], [0.5, 'c'], [0.5, 'exit 0']]);
  });

  it('measures --from on the idle-limited timeline', () => {
    const frames = timeline(events, { idleLimit: 1, from: 1.5 });
    expect(frames.map((f) => [f.at, f.event[2]])).toEqual([[0, 'a'], [0, 'b'], [0.5, 'c'], [0.5, 'exit 0']]);
  });
});
