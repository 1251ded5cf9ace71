// Shared helpers for benches: wall-clock timing of whole processes, interleaved so machine noise
// hits every contender alike, and medians/percentiles.
import { spawnSync } from 'node:child_process';

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface Contender {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** Runs each contender `rounds` times, round-robin; returns wall times in ms per contender. */
export function timeInterleaved(contenders: Contender[], rounds: number, warmup = 3): Map<string, number[]> {
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = -warmup; round < rounds; round++) {
    for (const contender of contenders) {
      const start = process.hrtime.bigint();
      const result = spawnSync(contender.command, contender.args, { env: contender.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) throw new Error(`${contender.name} exited ${result.status}: ${result.stderr?.toString()}`);
      if (round >= 0) times.get(contender.name)!.push(elapsed);
    }
  }
  return times;
}

export const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
