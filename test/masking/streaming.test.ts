// The streaming masker: chunk boundaries anywhere, bounded hold-back, bytes preserved exactly
// wherever nothing is masked.
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStreamingMasker, maskText, type MaskingOptions } from '../../src/masking/index.ts';

function run(chunks: Uint8Array[], options?: MaskingOptions): { out: Buffer; maxHeld: number } {
  const masker = createStreamingMasker(options);
  const parts: Uint8Array[] = [];
  let maxHeld = 0;
  for (const chunk of chunks) {
    parts.push(masker.push(chunk));
    maxHeld = Math.max(maxHeld, masker.heldBytes);
  }
  parts.push(masker.flush());
  return { out: Buffer.concat(parts), maxHeld };
}

function split(input: Buffer, cuts: number[]): Buffer[] {
  const sorted = [...new Set(cuts.filter((c) => c > 0 && c < input.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of sorted) {
    out.push(input.subarray(at, cut));
    at = cut;
  }
  out.push(input.subarray(at));
  return out;
}

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLWJ5dGVz';
const SECRETS = [
  JWT,
  'ghp_R8vK2mQ9xL4wZ7tY1bN5cD3fG6hJ0aS2eP4u',
  'AKIAZ7Q3MXN2LK4PWR5T',
  'postgres://app:Sup3r-S3cret@db:5432/x',
  'password: "s3cr3t value"',
  '4539 1488 0343 6467',
];
const SECRET_PART = /R8vK2mQ9|Z7Q3MXN2LK4PWR5T|Sup3r-S3cret|s3cr3t value|4539 1488 0343 6467|c2lnbmF0dXJlLWJ5dGVz/;

describe('streaming masker', () => {
  it('masks a secret split at every possible chunk boundary, with ANSI colour and \\r\\n around it', () => {
    for (const secret of SECRETS) {
      const input = Buffer.from(`\x1b[32mINFO\x1b[0m got ${secret} ok\r\nnext line\r\n`, 'latin1');
      const whole = run([input]).out;
      expect(whole.toString('latin1')).not.toMatch(SECRET_PART);
      for (let cut = 1; cut < input.length; cut++) {
        expect(run(split(input, [cut])).out.equals(whole), `${secret} cut at ${cut}`).toBe(true);
      }
    }
  });

  it('gives identical output whole and re-chunked at random boundaries (property)', () => {
    const lines = fc.constantFrom(
      ...SECRETS.map((s) => `value ${s}\n`),
      'apiVersion: v1\ndata:\n  token: c2VjcmV0LXRva2VuLXZhbHVl\nkind: Secret\n',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx\nabcDEF==\n-----END RSA PRIVATE KEY-----\n',
      '10.244.1.23  sha256:4c0b9d2b6c8f1e3a5d7f9b1c3e5a7d9f2b4c6e8a0d2f4b6c8e0a2c4e6f8a0b2c\n',
      '\x1b[1mbold\x1b[0m\r\n',
      '\xff\xfe invalid utf-8 \xc3\x28\n',
      'x'.repeat(5000) + ' token=' + 'A'.repeat(40) + '\n',
    );
    fc.assert(
      fc.property(fc.array(lines, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (picked, cuts) => {
        const input = Buffer.from(picked.join(''), 'latin1');
        const whole = run([input]).out;
        const chunked = run(split(input, cuts.map((c) => c % (input.length + 1)))).out;
        expect(chunked.equals(whole)).toBe(true);
        expect(whole.toString('latin1')).not.toMatch(SECRET_PART);
      }),
      { numRuns: 200 },
    );
  });

  it('passes bytes through unchanged when it masks nothing (property over arbitrary bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        const input = Buffer.from(bytes);
        const masker = createStreamingMasker();
        const out = Buffer.concat([...split(input, cuts.map((c) => c % (input.length + 1))).map((c) => masker.push(c)), masker.flush()]);
        if (Object.keys(masker.counts).length === 0) expect(out.equals(input)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves gzip output (kubectl cp, binary logs) byte-identical', () => {
    const corpus = readFileSync(new URL('./corpus/get-pods-wide.txt', import.meta.url));
    const gz = gzipSync(Buffer.concat([corpus, Buffer.alloc(200_000, 7), corpus]));
    const { out } = run(split(gz, [1, 1000, 4096, 65536, gz.length - 3]));
    expect(out.equals(gz)).toBe(true);
  });

  it('preserves invalid UTF-8 byte-exactly outside masked spans', () => {
    const input = Buffer.concat([Buffer.from([0xff, 0xc3, 0x28, 0x20]), Buffer.from(`token=${JWT} `), Buffer.from([0xe2, 0x82, 0x0a])]);
    const out = run([input]).out;
    expect(out.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xc3, 0x28, 0x20]));
    expect(out.subarray(-3)).toEqual(Buffer.from([0x20, 0xe2, 0x82, 0x0a]).subarray(1));
    expect(out.toString('latin1')).toContain('[MASKED:jwt]');
  });

  it('never holds back more than 4 KiB, even inside a multi-megabyte line, and still masks in it', () => {
    const filler = Buffer.alloc(3 * 1024 * 1024, 'abcdefgh, ');
    const input = Buffer.concat([filler, Buffer.from(` "token": "${JWT}", `), filler, Buffer.from('\n')]);
    const { out, maxHeld } = run(split(input, Array.from({ length: 200 }, (_, i) => i * 65536 + 17)));
    expect(maxHeld).toBeLessThanOrEqual(4096);
    expect(out.toString('latin1')).not.toContain('c2lnbmF0dXJlLWJ5dGVz');
    expect(out.length).toBe(input.length - JWT.length + '[MASKED:jwt]'.length);
  });

  it('masks the rest of a value longer than the hold-back that a segment cut splits', () => {
    const key = Buffer.alloc(6000, 'QUJD').toString('latin1');
    const input = Buffer.from(`client-key-data: ${key}\n`, 'latin1');
    const { out } = run(split(input, [100, 5000]));
    expect(out.toString('latin1')).toBe('client-key-data: [MASKED:kubeconfig-credential]\n');
  });

  it('masks each body line of a PEM private key as it streams, without holding lines back', () => {
    const masker = createStreamingMasker();
    expect(Buffer.from(masker.push(Buffer.from('-----BEGIN PRIVATE KEY-----\n'))).toString()).toBe('-----BEGIN PRIVATE KEY-----\n');
    expect(Buffer.from(masker.push(Buffer.from('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n'))).toString()).toBe('[MASKED:private-key]\n');
    expect(Buffer.from(masker.push(Buffer.from('-----END PRIVATE KEY-----\nok\n'))).toString()).toBe('-----END PRIVATE KEY-----\nok\n');
    expect(masker.counts).toEqual({ 'private-key': 1 });
  });

  it('emits a held partial line on flush (idle), masked, and keeps masking after it', () => {
    const masker = createStreamingMasker();
    expect(masker.push(Buffer.from('password: '))).toHaveLength(0);
    expect(Buffer.from(masker.flush()).toString()).toBe('password: ');
    expect(Buffer.from(masker.push(Buffer.from('hunter2-Xq9\n'))).toString()).toBe('[MASKED:secret-assignment]\n');
  });

  it('maskText and the stream agree', () => {
    const text = `token: ${JWT}\nplain\n`;
    expect(maskText(text).text).toBe(run([Buffer.from(text)]).out.toString());
  });
});

describe('streaming masker fast paths', () => {
  it('masks a lone base64 line ending in \\r\\n or at the end of input, and leaves near misses', () => {
    const value = 'c2VjcmV0LXRva2VuLXZhbHVl';
    const marker = 'W01BU0tFRDprOHMtc2VjcmV0LWRhdGFd';
    expect(maskText(`${value}\r\n`).text).toBe(`${marker}\r\n`);
    expect(maskText(`x\n${value}`).text).toBe(`x\n${marker}`);
    expect(maskText(`${value}\r\r\n`).text).toBe(`${value}\r\r\n`);
    expect(maskText(`${value}===\n`).text).toBe(`${value}===\n`);
    expect(maskText(` ${value}\n`).text).toBe(` ${value}\n`);
  });

  it('passes bytes held across pushes through exactly when nothing in them is masked', () => {
    const bytes = Buffer.from([0x61, 0xff, 0xfe, 0x0a, 0xc3, 0x28, 0x80, 0x62, 0x0a, 0x00, 0x9f]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const masker = createStreamingMasker();
      const first = masker.push(bytes.subarray(0, cut));
      const second = masker.push(bytes.subarray(cut));
      const out = Buffer.concat([first, second, masker.flush()]);
      expect(out.equals(bytes), `cut at ${cut}`).toBe(true);
    }
  });

  it('keeps the input chunk unaliased: changing it after push changes nothing', () => {
    const masker = createStreamingMasker();
    const chunk = Buffer.from('line one\npartial tail');
    const out = masker.push(chunk);
    chunk.fill(0x78);
    expect(Buffer.from(out).toString()).toBe('line one\n');
    expect(Buffer.from(masker.flush()).toString()).toBe('partial tail');
  });

  it('masks a Secret data value up to its last non-blank, keeping trailing blanks', () => {
    const yaml = 'kind: Secret\ndata:\n  password: c2VjcmV0LXBhc3N3b3Jk \t\n';
    expect(maskText(yaml).text).toBe('kind: Secret\ndata:\n  password: W01BU0tFRDprOHMtc2VjcmV0LWRhdGFd \t\n');
  });
});
