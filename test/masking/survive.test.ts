// What the masker must survive: bytes that are not UTF-8, a JSON document cut at every byte
// boundary, a very long single line through the real CLI, and an internal error mid-stream
// (the rest withheld, exit 70).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { ExitCode, HkError } from '../../src/errors.ts';
import { createStreamingMasker } from '../../src/masking/index.ts';
import type { StreamingMasker } from '../../src/masking/streaming.ts';
import { maskingTransform } from '../../src/masking/transform.ts';
import { run } from '../helpers/run.ts';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

function maskChunks(chunks: Uint8Array[]): Buffer {
  const masker = createStreamingMasker();
  return Buffer.concat([...chunks.map((c) => masker.push(c)), masker.flush()]);
}

describe('masking survives', () => {
  it('non-UTF-8 bytes next to and inside masked values: kept byte-exactly or masked, never re-encoded', () => {
    const input = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0x20]),
      Buffer.from('password='),
      Buffer.from([0x68, 0x75, 0xe9, 0x6e, 0x74, 0x65, 0x72, 0x32, 0x2d, 0x58, 0x71]), // "hu\xe9nter2-Xq" (latin1 é)
      Buffer.from(' '),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), // invalid UTF-8 sequences
      Buffer.from(' ghp_R8vK2mQ9xL4wZ7tY1bN5cD3fG6hJ0aS2eP4u '),
      Buffer.from([0xf0, 0x9f, 0x92]), // a truncated 4-byte sequence
      Buffer.from('\n'),
    ]);
    const expected = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0x20]),
      Buffer.from('password=[MASKED:secret-assignment] '),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
      Buffer.from(' [MASKED:github-token] '),
      Buffer.from([0xf0, 0x9f, 0x92]),
      Buffer.from('\n'),
    ]);
    expect(maskChunks([input]).equals(expected)).toBe(true);
    for (let cut = 1; cut < input.length; cut++) {
      expect(maskChunks([input.subarray(0, cut), input.subarray(cut)]).equals(expected), `cut at ${cut}`).toBe(true);
    }
  });

  it('a JSON Secret with its last-applied annotation cut at every byte boundary: same bytes, valid JSON', () => {
    const input = readFileSync(new URL('./corpus/get-secret-last-applied.json', import.meta.url));
    const whole = maskChunks([input]);
    expect(() => JSON.parse(whole.toString())).not.toThrow();
    expect(whole.toString()).not.toContain('Vq7#pL2m');
    for (let cut = 1; cut < input.length; cut++) {
      const chunked = maskChunks([input.subarray(0, cut), input.subarray(cut)]);
      if (!chunked.equals(whole)) expect.fail(`output differs when cut at byte ${cut}`);
    }
  });

  it('passes non-UTF-8 bytes through the real `hkubectl mask` unchanged, masking around them', async () => {
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256).filter((b) => b !== 0x0a && b !== 0x0d));
    const input = Buffer.concat([binary, Buffer.from('\ntoken: sk_live_4eC39HqLyjWDarjtT1zdp7dc\n'), binary, Buffer.from('\n')]);
    const result = await run(process.execPath, [MAIN, 'mask'], { stdin: input });
    expect(result.code).toBe(0);
    expect(result.stdout.equals(Buffer.concat([binary, Buffer.from('\ntoken: [MASKED:stripe-key]\n'), binary, Buffer.from('\n')]))).toBe(true);
  });

  it('masks a 16 MB single line through the real `hkubectl mask`, every secret in it', async () => {
    // One minified JSON array (a `-o json` piped through `jq -c`), cut by the stream into segments.
    const filler = '{"kind":"Event","reason":"Pulled","message":"Container image already present on machine"},'.repeat(12_000);
    const parts: string[] = [];
    for (let i = 0; i < 16; i++) parts.push(filler, ` token=${'Tk9-'}${String(i).padStart(4, '0')}Zq8Lm2Vx7 `);
    const input = Buffer.from(parts.join(''), 'latin1');
    const result = await run(process.execPath, [MAIN, 'mask', '--stats'], { stdin: input, timeoutMs: 120_000 });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stderr.toString()).masked).toEqual({ 'secret-assignment': 16 });
    const out = result.stdout.toString('latin1');
    expect(out).not.toMatch(/Tk9-\d{4}Zq8Lm2Vx7/);
    expect(out.length).toBe(input.length - 16 * 'Tk9-0000Zq8Lm2Vx7'.length + 16 * '[MASKED:secret-assignment]'.length);
    expect(out.slice(0, filler.length)).toBe(filler);
  }, 180_000);

  it('withholds everything after an internal masker error, even the held partial line, and fails with exit code 70', async () => {
    let calls = 0;
    const inner = createStreamingMasker();
    const breaksOnSecondChunk: StreamingMasker = {
      push(chunk) {
        if (++calls === 2) throw new Error('internal bug');
        return inner.push(chunk);
      },
      flush: () => inner.flush(),
      get counts() {
        return inner.counts;
      },
      get heldBytes() {
        return inner.heldBytes;
      },
    };
    const source = new PassThrough();
    const seen: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        seen.push(chunk);
        callback();
      },
    });
    const done = pipeline(source, maskingTransform(breaksOnSecondChunk, 60_000), sink);
    source.write('line one\npassword=hunter2-Xq9\npartial ');
    source.write('line two\n');
    source.end('after the error: password=leaks-if-passed\n');
    const error = await done.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HkError);
    expect((error as HkError).exitCode).toBe(ExitCode.software);
    expect((error as HkError).exitCode).toBe(70);
    const out = Buffer.concat(seen).toString();
    expect(out).toBe('line one\npassword=[MASKED:secret-assignment]\n');
  });
});
