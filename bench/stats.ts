// Shared helpers for benches: wall-clock timing of whole processes, interleaved so machine noise
// hits every contender alike, medians/percentiles, and aligned tables of the results.
import { spawn, spawnSync } from 'node:child_process';

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
  /** The exit code a correct run ends with (default 0); anything else stops the bench. */
  expectCode?: number;
}

/** Runs each contender `rounds` times, round-robin; returns wall times in ms per contender. */
export function timeInterleaved(contenders: Contender[], rounds: number, warmup = 3): Map<string, number[]> {
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = -warmup; round < rounds; round++) {
    for (const contender of contenders) {
      const start = process.hrtime.bigint();
      const result = spawnSync(contender.command, contender.args, { env: contender.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== (contender.expectCode ?? 0)) throw new Error(`${contender.name} exited ${result.status}: ${result.stderr?.toString()}`);
      if (round >= 0) times.get(contender.name)!.push(elapsed);
    }
  }
  return times;
}

export interface TimedRun {
  ms: number;
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Wall-clock ms (performance.timeOrigin-based) when the process was spawned and when it closed. */
  spawnedAt: number;
  closedAt: number;
}

export const wallNow = (): number => performance.timeOrigin + performance.now();

/**
 * One process, awaited rather than run synchronously: benches that keep their servers (sandbox,
 * relay, IdP) in this process must leave the event loop free while the process runs.
 */
export function runTimed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const spawnedAt = wallNow();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const closedAt = wallNow();
      resolve({ ms: closedAt - spawnedAt, code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), spawnedAt, closedAt });
    });
  });
}

/** timeInterleaved for benches whose servers live in this process. */
export async function timeInterleavedAsync(contenders: Contender[], rounds: number, warmup = 3): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = -warmup; round < rounds; round++) {
    for (const contender of contenders) {
      const result = await runTimed(contender.command, contender.args, contender.env ?? process.env);
      if (result.code !== (contender.expectCode ?? 0)) throw new Error(`${contender.name} exited ${result.code}: ${result.stderr.toString()}`);
      if (round >= 0) times.get(contender.name)!.push(result.ms);
    }
  }
  return times;
}

export const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

/** Prints rows as aligned columns; the first row is the header. */
export function printTable(rows: string[][], indent = '  '): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const row of rows) {
    console.log(indent + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd());
  }
}

/** A row of median and p95 (ms) for a series of measurements. */
export function timingRow(name: string, values: number[]): string[] {
  return [name, median(values).toFixed(1), percentile(values, 95).toFixed(1)];
}
