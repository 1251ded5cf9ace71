// When each recorded event is shown during replay. Pure: recorded times in, playback times out.
// Gaps longer than the idle limit are cut to it (as asciinema's idle_time_limit does), `from`
// skips ahead on that compressed timeline, and speed divides everything after it. Output before
// `from` is still shown, at once, so the screen is what it was at that moment.
import type { AsciicastEvent } from '../recording/asciicast.ts';

export interface TimelineOptions {
  speed?: number;
  /** Seconds; longer pauses are shortened to this. */
  idleLimit?: number;
  /** Seconds into the (idle-limited) recording to start at. */
  from?: number;
}

export interface Frame {
  /** Seconds after playback starts. */
  at: number;
  event: AsciicastEvent;
}

export function timeline(events: Iterable<AsciicastEvent>, options: TimelineOptions = {}): Frame[] {
  const speed = options.speed ?? 1;
  const idleLimit = options.idleLimit ?? Number.POSITIVE_INFINITY;
  const from = options.from ?? 0;
  const frames: Frame[] = [];
  let recorded = 0;
  let compressed = 0;
  for (const event of events) {
    const gap = Math.max(0, event[0] - recorded);
    recorded = Math.max(recorded, event[0]);
    compressed += Math.min(gap, idleLimit);
    if (compressed < from) {
      // Markers passed over are not news; output is needed to rebuild the screen.
      if (event[1] === 'o') frames.push({ at: 0, event });
      continue;
    }
    frames.push({ at: (compressed - from) / speed, event });
  }
  return frames;
}
