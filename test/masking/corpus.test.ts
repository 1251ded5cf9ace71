// The corpus: realistic kubectl outputs with the exact secrets that must disappear and the
// look-alikes that must stay, checked whole and re-chunked at random boundaries.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createStreamingMasker, maskText, type MaskProfileName } from '../../src/masking/index.ts';

interface CorpusCase {
  /** The class of the issue it measures (bench: recall by class). */
  class: string;
  disappear: string[];
  stay: string[];
  profile?: MaskProfileName;
  parse?: 'yaml' | 'json';
}

const dir = new URL('./corpus/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as Record<string, CorpusCase>;

function maskChunked(input: Buffer, cuts: number[], profile?: MaskProfileName): Buffer {
  const masker = createStreamingMasker({ profile });
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    parts.push(masker.push(input.subarray(at, cut)));
    at = cut;
  }
  parts.push(masker.push(input.subarray(at)), masker.flush());
  return Buffer.concat(parts);
}

describe('masking corpus', () => {
  for (const [name, spec] of Object.entries(cases)) {
    const input = readFileSync(new URL(name, dir));

    it(`${name}: removes every listed secret and keeps every look-alike`, () => {
      const { text } = maskText(input.toString('utf8'), { profile: spec.profile });
      for (const secret of spec.disappear) expect(text, `leaked ${secret}`).not.toContain(secret);
      for (const keep of spec.stay) expect(text, `lost ${keep}`).toContain(keep);
      if (spec.parse === 'json') expect(() => JSON.parse(text)).not.toThrow();
      if (spec.parse === 'yaml') expect(() => parseYaml(text)).not.toThrow();
    });

    it(`${name}: gives the same bytes however the input is chunked`, () => {
      const whole = Buffer.from(maskText(input.toString('utf8'), { profile: spec.profile }).text, 'utf8');
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: input.length - 1 }), { maxLength: 24 }), (cuts) => {
          expect(maskChunked(input, cuts, spec.profile).equals(whole)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('keeps a masked Secret a valid Secret: data values still decode as base64', () => {
    const input = readFileSync(new URL('get-secret.json', dir), 'utf8');
    const secret = JSON.parse(maskText(input).text) as { data: Record<string, string> };
    for (const value of Object.values(secret.data)) {
      expect(Buffer.from(value, 'base64').toString()).toBe('[MASKED:k8s-secret-data]');
    }
  });

  it('masks email addresses and phone numbers by default (a bank profile), not in secrets-only', () => {
    const input = readFileSync(new URL('logs-contact-strict.log', dir), 'utf8');
    expect(maskText(input).counts).toMatchObject({ email: 1, phone: 2 });
    expect(maskText(input, { profile: 'secrets-only' }).text).toContain('jane.doe@example.com');
  });

  it("keeps the organisation's own domains and the session's identity readable when allowed", () => {
    const input = 'to jane.doe@example.com cc ops@eu.bank.example from agent-7@agents.other.example\n';
    const { text } = maskText(input, { allowDomains: ['bank.example'], ownIdentities: ['agent-7@agents.other.example'] });
    expect(text).toBe('to [MASKED:email] cc ops@eu.bank.example from agent-7@agents.other.example\n');
  });
});
