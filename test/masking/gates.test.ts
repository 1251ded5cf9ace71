// The shortcuts that make masking fast must never change what it finds: a detector's gate (the
// lines it scans) and a keyed detector's key-word test only skip work its regex would have done
// for nothing. Checked against the same detector without the shortcut, on the corpus and on
// generated lines full of digits, separators and keys: whatever the slow path finds, the fast
// path finds too.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { detect } from '../../src/masking/detect.ts';
import type { Detector, Span } from '../../src/masking/detectors/types.ts';
import { scanKeys } from '../../src/masking/key-scan.ts';
import { builtInDetectors } from '../../src/masking/index.ts';

const corpusDir = new URL('corpus/', import.meta.url);
const corpus = readdirSync(corpusDir).map((name) => readFileSync(new URL(name, corpusDir), 'latin1'));

/** A deterministic generator (so a failure can be replayed). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

/** Lines of numbers as kubectl output and customer data write them, and near misses. */
function numberLines(count: number): string {
  const next = random(18);
  const pieces = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '-', '.', '(', ')', '+', '/', ':', 'T', 'Z', 'GB', 'DE', 'x', 'account ', 'routing ', 'card '];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    let line = '';
    const length = 4 + Math.floor(next() * 40);
    for (let j = 0; j < length; j++) line += next() < 0.7 ? String(Math.floor(next() * 10)) : pick(next, pieces);
    lines.push(line);
  }
  // Real layouts among them: cards, SSNs, phones, IBANs, account numbers.
  lines.push('card 4111 1111 1111 1111', 'card 4111-1111-1111-1111', '378282246310005', '3782 822463 10005', 'ssn 123-45-6789');
  lines.push('call (555) 123-4567', 'call +44 20 7946 0958', 'call 555.123.4567', 'call +1-555-123-4567', 'iban GB82 WEST 1234 5698 7654 32');
  lines.push('iban DE89370400440532013000', 'account number 12345678901', 'routing 021000021', 'ts 2025-01-14T09:31:00.123Z ip 10.244.1.23');
  return `${lines.join('\n')}\n`;
}

/** `key: value` and `key=value` lines with keys that end like secret words and keys that do not. */
function keyLines(count: number): string {
  const next = random(42);
  const heads = ['', 'db', 'DB_', 'client-', 'my.', 'x', 'aws_', 'api', 'PRIVATE_', 'session', 'meta', 'string', 'user'];
  const words = ['password', 'passwd', 'pwd', 'secret', 'token', 'api_key', 'apikey', 'access-key', 'private_key_id', 'client-key-data', 'credentials',
    'conn_string', 'connectionString', 'key', 'salt', 'hmac', 'seed', 'signature', 'cookie', 'session_id', 'data', 'metadata', 'id', 'uid', 'name',
    'kind', 'apiVersion', 'Password', 'TOKEN', 'keys', 'tokens', 'secretName', 'ring', 'public_key'];
  const seps = [': ', '=', ':', '": "', '\\": \\"', ' = ', '\t:\t'];
  const values = ['hunter2-Zq8Lm2Vx7', 'aGVsbG8gd29ybGQ=', '"quoted value"', 'true', 'Tk9Zq8Lm2Vx7Tk9Zq8Lm2Vx7', '${VAR}', '12 bytes', 'x'];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const quote = next() < 0.3 ? '"' : '';
    lines.push(`${next() < 0.5 ? '  ' : ''}${quote}${pick(next, heads)}${pick(next, words)}${quote}${pick(next, seps)}${pick(next, values)}`);
  }
  return `${lines.join('\n')}\n`;
}

function findings(text: string, detector: Detector): Span[] {
  const spans: Span[] = [];
  detect(text, [detector], scanKeys(text), spans);
  return spans;
}

describe('masking shortcuts', () => {
  const inputs = [...corpus, numberLines(4000), keyLines(4000)];

  it('a gated detector finds on the lines its gate lets through all it finds scanning everything', () => {
    const gated = builtInDetectors().filter((d) => d.gate !== undefined);
    expect(gated.map((d) => d.id).sort()).toEqual(['bank-account', 'credit-card', 'phone', 'us-ssn']);
    let total = 0;
    for (const detector of gated) {
      const everything: Detector = { ...detector, gate: undefined };
      for (const text of inputs) {
        const slow = findings(text, everything);
        expect(findings(text, detector)).toEqual(slow);
        total += slow.length;
      }
    }
    // The generated lines do hold numbers of every kind, so the comparison is not of empty lists.
    expect(total).toBeGreaterThan(100);
  });

  it('a keyed detector with a key-word test finds what its regex finds at every key of its endings', () => {
    const worded = builtInDetectors().filter((d) => d.keyWord !== undefined);
    expect(worded.map((d) => d.id).sort()).toEqual(['high-entropy-secret', 'secret-assignment']);
    let total = 0;
    for (const detector of worded) {
      const everyKey: Detector = { ...detector, keyWord: undefined };
      for (const text of inputs) {
        const slow = findings(text, everyKey);
        expect(findings(text, detector)).toEqual(slow);
        total += slow.length;
      }
    }
    expect(total).toBeGreaterThan(100);
  });
});
