// One output stream between kubectl and its readers: masked once, the same bytes to every sink,
// held-back tails flushed when the stream goes idle. The real masker; a scheduler the test turns
// by hand.
import { describe, expect, it } from 'vitest';
import { createStreamingMasker } from '../../src/masking/index.ts';
import { MaskedOutput, type IdleScheduler } from '../../src/recording/masked-output.ts';

/** A scheduler whose callbacks run when the test says a turn has passed. */
function manualTurns(): { scheduler: IdleScheduler; turn: () => void } {
  let queue: Array<() => void> = [];
  return {
    scheduler: (callback) => {
      queue.push(callback);
      return () => {
        queue = queue.filter((queued) => queued !== callback);
      };
    },
    turn: () => {
      const due = queue;
      queue = [];
      for (const callback of due) callback();
    },
  };
}

const SECRET = 'AKIAIOSFODNN7EXAMPLE';

function output() {
  const idle = manualTurns();
  const agent: string[] = [];
  const recording: string[] = [];
  const sinks = [(bytes: Uint8Array) => agent.push(Buffer.from(bytes).toString()), (bytes: Uint8Array) => recording.push(Buffer.from(bytes).toString())];
  const out = new MaskedOutput(createStreamingMasker({ profile: 'standard' }), sinks, idle.scheduler);
  return { out, agent, recording, idle };
}

describe('masked output', () => {
  it('masks a secret split across chunks and gives every sink the same bytes', () => {
    const { out, agent, recording } = output();
    out.push(Buffer.from(`aws_access_key_id = ${SECRET.slice(0, 7)}`));
    out.push(Buffer.from(`${SECRET.slice(7)}\nnext line\n`));
    out.end();
    expect(agent.join('')).not.toContain(SECRET.slice(4));
    expect(agent.join('')).toContain('[MASKED:');
    expect(agent.join('')).toContain('next line\n');
    expect(recording).toEqual(agent);
  });

  it('flushes a held partial line (a prompt, an echoed key) once the stream has been idle a turn', () => {
    const { out, agent, idle } = output();
    out.push(Buffer.from('$ '));
    expect(agent.join('')).toBe('');
    idle.turn();
    expect(agent.join('')).toBe('$ ');
  });
});
