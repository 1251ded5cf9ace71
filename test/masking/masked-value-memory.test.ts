// A session's memory of masked values: once a value was masked, its bare recurrences are masked
// too, by every masker of the session, however the stream is chunked; the memory stays bounded
// and never takes in a marker.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStreamingMasker, KNOWN_VALUE_ID, MaskedValueMemory, type MaskingOptions, type StreamingMasker } from '../../src/masking/index.ts';

const KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TYPED = `export AWS_SECRET_ACCESS_KEY=${KEY}\n`;
/** As a shell prints it after its prompt: no detector recognises the value here on its own. */
const ECHOED = `$ ${KEY}\r\n`;

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

function feed(masker: StreamingMasker, chunks: string[]): string {
  return chunks.map((chunk) => text(masker.push(Buffer.from(chunk, 'latin1')))).join('') + text(masker.flush());
}

function fragmentsOf(value: string, size: number): string[] {
  return Array.from({ length: value.length - size + 1 }, (_, at) => value.slice(at, at + size));
}

describe('a session memory of masked values', () => {
  it('masks a value typed in one masker where another masker later sees it bare, and counts it', () => {
    const memory = new MaskedValueMemory();
    const input = createStreamingMasker({}, memory);
    const output = createStreamingMasker({}, memory);
    expect(feed(input, [TYPED])).toBe('export AWS_SECRET_ACCESS_KEY=[MASKED:aws-secret-key]\n');
    expect(feed(output, [ECHOED, `$ echo again: ${KEY}.\r\n`])).toBe(`$ [MASKED:${KNOWN_VALUE_ID}]\r\n$ echo again: [MASKED:${KNOWN_VALUE_ID}].\r\n`);
    expect(output.counts).toEqual({ [KNOWN_VALUE_ID]: 2 });
    expect(input.counts).toEqual({ 'aws-secret-key': 1 });
  });

  it('is what masks the recurrence: without it the bare value passes', () => {
    const input = createStreamingMasker();
    const output = createStreamingMasker();
    feed(input, [TYPED]);
    expect(feed(output, [ECHOED])).toBe(ECHOED);
  });

  it('masks a recurrence further down the same chunk, however that chunk is cut', () => {
    const stream = `${TYPED}${ECHOED}env: X_TOKEN=1 other=${KEY}\n`;
    const whole = feed(createStreamingMasker({}, new MaskedValueMemory()), [stream]);
    expect(whole).not.toContain(KEY.slice(0, 8));
    expect(whole.match(/\[MASKED:session-known-value\]/g)).toHaveLength(2);
    for (let cut = 1; cut < stream.length; cut++) {
      const chunked = feed(createStreamingMasker({}, new MaskedValueMemory()), [stream.slice(0, cut), stream.slice(cut)]);
      expect(chunked, `cut at ${cut}`).toBe(whole);
    }
  });

  it('gives identical output whole and re-chunked at random boundaries (property)', () => {
    const lines = fc.constantFrom(TYPED, ECHOED, `log ${KEY} seen\n`, 'plain line\n', 'password: "s3cr3t value here"\n', 'x s3cr3t value here y\n', `${'z'.repeat(4500)} ${KEY}\n`);
    fc.assert(
      fc.property(fc.array(lines, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 20 }), (picked, cuts) => {
        const input = picked.join('');
        const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
        const chunks = [...points, input.length].map((end, i) => input.slice(i === 0 ? 0 : points[i - 1], end));
        const whole = feed(createStreamingMasker({}, new MaskedValueMemory()), [input]);
        expect(feed(createStreamingMasker({}, new MaskedValueMemory()), chunks)).toBe(whole);
        // Once masked, the key does not appear again.
        const first = whole.indexOf('[MASKED:aws-secret-key]');
        if (first !== -1) expect(whole.slice(first)).not.toContain(KEY);
      }),
      { numRuns: 100 },
    );
  });

  it('masks a recurrence cut by an idle flush, leaving no 8-byte piece of it', () => {
    for (let cut = 1; cut < KEY.length; cut++) {
      const memory = new MaskedValueMemory();
      feed(createStreamingMasker({}, memory), [TYPED]);
      const output = createStreamingMasker({}, memory);
      const first = text(output.push(Buffer.from(`$ ${KEY.slice(0, cut)}`, 'latin1'))) + text(output.flush());
      const rest = feed(output, [`${KEY.slice(cut)}\r\n$ `]);
      const shown = first + rest;
      for (const piece of fragmentsOf(KEY, 8)) expect(shown, `cut at ${cut}`).not.toContain(piece);
      // One marker for one value: the rest of a value masked at the flush goes silently.
      if (cut >= 8) expect(output.counts, `cut at ${cut}`).toEqual({ [KNOWN_VALUE_ID]: 1 });
    }
  });

  it('masks a remembered value a long line\'s segment cut splits at a space inside it', () => {
    const memory = new MaskedValueMemory();
    expect(feed(createStreamingMasker({}, memory), ['password: "s3cr3t-value here-and-more"\n'])).toBe('password: "[MASKED:secret-assignment]"\n');
    // The segment is cut after the last delimiter within its 4096 bytes: the space in the value.
    const line = `${'x'.repeat(4083)}s3cr3t-value here-and-more tail\n`;
    const output = createStreamingMasker({}, memory);
    const shown = feed(output, [line.slice(0, 3000), line.slice(3000)]);
    expect(shown).toBe(`${'x'.repeat(4083)}[MASKED:${KNOWN_VALUE_ID}] tail\n`);
    expect(output.counts).toEqual({ [KNOWN_VALUE_ID]: 1 });
  });

  it('masks the base64 form of a remembered value', () => {
    const memory = new MaskedValueMemory();
    feed(createStreamingMasker({}, memory), [TYPED]);
    const encoded = Buffer.from(KEY).toString('base64');
    expect(feed(createStreamingMasker({}, memory), [`$ echo "$KEY" | base64 -w0\r\n${encoded} done\r\n`])).toBe(
      `$ echo "$KEY" | base64 -w0\r\n[MASKED:${KNOWN_VALUE_ID}] done\r\n`,
    );
  });

  it('ignores values shorter than 8 bytes', () => {
    const memory = new MaskedValueMemory();
    expect(feed(createStreamingMasker({}, memory), ['password: hunter2\n'])).toBe('password: [MASKED:secret-assignment]\n');
    expect(memory.size).toBe(0);
    memory.remember('1234567');
    expect(memory.size).toBe(0);
    expect(feed(createStreamingMasker({}, memory), ['user hunter2 logged in\n'])).toBe('user hunter2 logged in\n');
  });

  it('never remembers a marker, so later markers stay as they are', () => {
    const memory = new MaskedValueMemory();
    const options: MaskingOptions = { fingerprintKey: Buffer.from('k') };
    for (const marker of ['[MASKED:aws-secret-key]', '[MASKED:jwt:0a1b2c3d]', 'W01BU0tFRDprOHMtc2VjcmV0LWRhdGFd', 'x[MASKED:secret-assignment]y']) memory.remember(marker);
    feed(createStreamingMasker(options, memory), ['password: "[MASKED:secret-assignment]"\n', 'token=[MASKED:jwt:0a1b2c3d]\n']);
    expect(memory.size).toBe(0);
    const masker = createStreamingMasker({}, memory);
    expect(feed(masker, [TYPED, TYPED])).toBe('export AWS_SECRET_ACCESS_KEY=[MASKED:aws-secret-key]\n'.repeat(2));
    expect(memory.size).toBe(1);
  });

  it('does not remember an allow-listed value', () => {
    const memory = new MaskedValueMemory();
    const options: MaskingOptions = { allow: ['example-password'] };
    expect(feed(createStreamingMasker(options, memory), ['password: example-password\n'])).toBe('password: example-password\n');
    expect(memory.size).toBe(0);
  });

  it('names a value a detector also recognises by that detector and counts it once', () => {
    const memory = new MaskedValueMemory();
    const masker = createStreamingMasker({}, memory);
    expect(feed(masker, [TYPED, TYPED, ECHOED])).toBe(`${'export AWS_SECRET_ACCESS_KEY=[MASKED:aws-secret-key]\n'.repeat(2)}$ [MASKED:${KNOWN_VALUE_ID}]\r\n`);
    expect(masker.counts).toEqual({ 'aws-secret-key': 2, [KNOWN_VALUE_ID]: 1 });
  });

  it('leaves a recurrence a detector masks anyway to that detector: a private key shown twice counts as without memory', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nKxrXMF+DCkH9bFFRjDYg4H2s2EH3go2z\n-----END PRIVATE KEY-----\n';
    const withMemory = createStreamingMasker({}, new MaskedValueMemory());
    const without = createStreamingMasker();
    const shown = feed(withMemory, [pem, pem]);
    expect(shown).toBe('-----BEGIN PRIVATE KEY-----\n[MASKED:private-key]\n[MASKED:private-key]\n-----END PRIVATE KEY-----\n'.repeat(2));
    expect(feed(without, [pem, pem])).toBe(shown);
    expect(withMemory.counts).toEqual(without.counts);
  });

  it('keeps at most maxValues values, forgetting the oldest', () => {
    const memory = new MaskedValueMemory({ maxValues: 3 });
    const values = ['alpha-value-0001', 'bravo-value-0002', 'charlie-value-03', 'delta-value-0004', 'echo-value-00005'];
    for (const value of values) memory.remember(value);
    expect(memory.size).toBe(3);
    const shown = feed(createStreamingMasker({}, memory), [values.map((v) => `saw ${v}\n`).join('')]);
    expect(shown).toBe(`saw alpha-value-0001\nsaw bravo-value-0002\n${`saw [MASKED:${KNOWN_VALUE_ID}]\n`.repeat(3)}`);
  });

  it('keeps at most maxBytes bytes of values and their base64 forms, and refreshes a value seen again', () => {
    // Each 12-byte value takes 12 + 16 bytes with its base64 form: two fit in 60.
    const memory = new MaskedValueMemory({ maxBytes: 60 });
    memory.remember('first-value1');
    memory.remember('second-valu2');
    memory.remember('first-value1');
    memory.remember('third-value3');
    expect(memory.size).toBe(2);
    expect(memory.has('first-value1')).toBe(true);
    expect(memory.has('second-valu2')).toBe(false);
    expect(memory.has('third-value3')).toBe(true);
    memory.remember('x'.repeat(100));
    expect(memory.has('x'.repeat(100))).toBe(false);
  });

  it('lets few values share the words they are found by, so a text repeating such a word stays cheap to scan', () => {
    // Every word of the first class of these values is `AAAA`: only the newest few keep it.
    const memory = new MaskedValueMemory();
    const values = Array.from({ length: 100 }, (_, i) => `AAAAAAAA${String(i).padStart(2, '0')}`);
    for (const value of values) memory.remember(value);
    expect(memory.size).toBeLessThan(10);
    expect(memory.has(values[99]!)).toBe(true);
    expect(memory.has(values[0]!)).toBe(false);
    const filler = 'AAAAAAAAAAAA, '.repeat(200);
    expect(feed(createStreamingMasker({}, memory), [`${filler}\nlast ${values[99]}\n`])).toBe(`${filler}\nlast [MASKED:${KNOWN_VALUE_ID}]\n`);
    // Values sharing only a prefix (JWTs, base64 certificates) are found by later words instead.
    const tokens = Array.from({ length: 200 }, (_, i) => `eyJhbGciOiJSUzI1NiIsImtpZCI6${(i * 7919).toString(36).padStart(6, 'q')}Zx`);
    const shared = new MaskedValueMemory();
    for (const token of tokens) shared.remember(token);
    expect(shared.size).toBe(200);
  });

  it('stays bounded under a stream of distinct secrets, and still masks the recent ones', () => {
    const memory = new MaskedValueMemory({ maxValues: 100 });
    const masker = createStreamingMasker({}, memory);
    const tokens = Array.from({ length: 1000 }, (_, i) => `tok${String(i).padStart(5, '0')}Zq8`);
    feed(masker, tokens.map((token) => `password: ${token}\n`));
    expect(memory.size).toBe(100);
    expect(feed(createStreamingMasker({}, memory), [`${tokens[0]} ${tokens[999]}\n`])).toBe(`${tokens[0]} [MASKED:${KNOWN_VALUE_ID}]\n`);
  });
});
