// The Node stream edge: idle flush for interactive output, fail closed on an internal error.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HkError } from '../../src/errors.ts';
import { createMaskingTransform } from '../../src/masking/index.ts';
import { maskingTransform } from '../../src/masking/transform.ts';
import type { StreamingMasker } from '../../src/masking/streaming.ts';

describe('masking transform', () => {
  it('emits a partial line (a prompt) once input goes idle, and masks what is typed after it', async () => {
    const transform = createMaskingTransform({ idleFlushMs: 5 });
    const chunks: string[] = [];
    transform.on('data', (c: Buffer) => chunks.push(c.toString()));
    transform.write('Enter password: ');
    await once(transform, 'data');
    expect(chunks).toEqual(['Enter password: ']);
    // The rest of the line continues the prompt, so it is masked in the prompt's context.
    transform.end('hunter2-Xq9\nuse ghp_R8vK2mQ9xL4wZ7tY1bN5cD3fG6hJ0aS2eP4u\n');
    await once(transform, 'end');
    expect(chunks.slice(1).join('')).toBe('[MASKED:secret-assignment]\nuse [MASKED:github-token]\n');
    expect(transform.counts).toEqual({ 'secret-assignment': 1, 'github-token': 1 });
  });

  it('fails closed: after an internal error nothing more passes and the stream errors with MASKING_FAILED', async () => {
    // A masker that breaks on its second chunk stands in for an internal bug (none to trigger on purpose).
    let calls = 0;
    const broken: StreamingMasker = {
      push: (chunk) => {
        if (++calls === 2) throw new Error('boom');
        return chunk;
      },
      flush: () => new Uint8Array(0),
      counts: {},
      heldBytes: 0,
    };
    const transform = maskingTransform(broken);
    const seen: string[] = [];
    transform.on('data', (c: Buffer) => seen.push(c.toString()));
    const source = new PassThrough();
    source.pipe(transform);
    source.write('first\n');
    source.write('password: leaked-if-passed\n');
    const [error] = (await once(transform, 'error')) as [HkError];
    expect(error).toBeInstanceOf(HkError);
    expect(error.code).toBe('MASKING_FAILED');
    expect(seen.join('')).toBe('first\n');
  });
});
