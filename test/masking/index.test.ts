// Options of the public masking API: profiles, custom detectors, allow-lists, fingerprints.
import { describe, expect, it } from 'vitest';
import { HkError } from '../../src/errors.ts';
import { createStreamingMasker, maskText, parseMaskingRules } from '../../src/masking/index.ts';

describe('maskText options', () => {
  it('masks financial data in standard but not in secrets-only', () => {
    const line = 'paid with 4539 1488 0343 6467 from DE89 3704 0044 0532 0130 00\n';
    expect(maskText(line).text).toBe('paid with [MASKED:credit-card] from [MASKED:iban]\n');
    expect(maskText(line, { profile: 'secrets-only' }).text).toBe(line);
  });

  it('rejects card numbers failing Luhn, IBANs failing mod-97 and never-issued SSNs', () => {
    const line = 'card 4539 1488 0343 6468 iban DE89 3704 0044 0532 0130 01 ssn 666-12-3456 ssn 078-05-1120\n';
    const { text, counts } = maskText(line);
    expect(text).toContain('4539 1488 0343 6468');
    expect(text).toContain('DE89 3704 0044 0532 0130 01');
    expect(text).toContain('666-12-3456');
    expect(counts).toEqual({ 'us-ssn': 1 });
  });

  it('leaves uids, resourceVersions, digests, git SHAs, IPs and timestamps alone', () => {
    const text = [
      'uid: 7c9e6679-7425-40de-944b-e07fc1f90ae7',
      'resourceVersion: "4821337712"',
      'image: nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31',
      'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
      '9fceb02d0ae598e95dc970b74767f19372d61af8',
      'podIP: 10.244.1.23 hostIP: 192.168.100.254',
      'creationTimestamp: "2025-01-14T09:21:37Z" ts=1736846400000',
      'name: token-refresher-5f6b7c8d9-abcde',
      '',
    ].join('\n');
    expect(maskText(text, { profile: 'strict' })).toEqual({ text, counts: {} });
  });

  it('applies a custom detector with a validator and context words, masking only its value group', () => {
    const options = {
      customDetectors: [
        { id: 'employee-id', pattern: 'EMP-(?<value>\\d{6})', contextWords: ['employee'], contextWindow: 16 },
        { id: 'iban-ish', pattern: '[A-Z]{2}\\d{2}[A-Z0-9]{11,30}', validator: 'mod97' as const },
      ],
    };
    const { text, counts } = maskText('employee EMP-123456 visitor EMP-654321 acct GB82WEST12345698765432 GB82WEST12345698765433\n', options);
    // A policy's own detector outranks the built-in one that also matched.
    expect(text).toBe('employee EMP-[MASKED:employee-id] visitor EMP-654321 acct [MASKED:iban-ish] GB82WEST12345698765433\n');
    expect(counts).toEqual({ 'employee-id': 1, 'iban-ish': 1 });
  });

  it('refuses a custom detector with a bad regex and names it', () => {
    const bad = () => createStreamingMasker({ customDetectors: [{ id: 'broken-rule', pattern: '([a-z' }] });
    expect(bad).toThrow(HkError);
    expect(bad).toThrow(/custom detector "broken-rule": pattern is not a valid regular expression/);
    expect(() => createStreamingMasker({ customDetectors: [{ id: 'empty', pattern: 'x*' }] })).toThrow(/matches the empty string/);
  });

  it('lets allow-listed values through, as literals or /regex/', () => {
    const input = 'password: changeme\npassword: example-123\npassword: real-Secret-9\n';
    const { text } = maskText(input, { allow: ['changeme', '/example-\\d+/'] });
    expect(text).toBe('password: changeme\npassword: example-123\npassword: [MASKED:secret-assignment]\n');
  });

  it('adds a keyed fingerprint: equal values match, different values and keys differ', () => {
    const key1 = new Uint8Array(32).fill(1);
    const key2 = new Uint8Array(32).fill(2);
    const input = 'a password=hunter2-Xq9\nb password=hunter2-Xq9\nc password=other-Val-1\n';
    const lines = maskText(input, { fingerprintKey: key1 }).text.split('\n');
    const fp = (line: string | undefined) => /\[MASKED:secret-assignment:([0-9a-f]{8})\]/.exec(line ?? '')?.[1];
    expect(fp(lines[0])).toBeDefined();
    expect(fp(lines[0])).toBe(fp(lines[1]));
    expect(fp(lines[2])).not.toBe(fp(lines[0]));
    expect(fp(maskText(input, { fingerprintKey: key2 }).text.split('\n')[0])).not.toBe(fp(lines[0]));
  });

  it('is idempotent: masking masked output changes and counts nothing', () => {
    const once = maskText('apiVersion: v1\ndata:\n  password: aHVudGVyMg==\nkind: Secret\ntoken=abc-Def-123\n').text;
    expect(maskText(once)).toEqual({ text: once, counts: {} });
  });
});

describe('parseMaskingRules', () => {
  it('reads rules from a policy-style masking: section', () => {
    const rules = parseMaskingRules(
      { masking: { profile: 'strict', detectors: [{ id: 'ticket', pattern: 'TCK-\\d+' }], allow: ['x'], allowDomains: ['bank.example'] } },
      'policy.yaml',
    );
    expect(rules).toEqual({
      profile: 'strict', customDetectors: [{ id: 'ticket', pattern: 'TCK-\\d+' }], allow: ['x'], allowDomains: ['bank.example'],
    });
  });

  it('names the file and the field that is wrong', () => {
    expect(() => parseMaskingRules({ detectors: {} }, 'rules.yaml')).toThrow('rules.yaml: detectors must be a list');
    expect(() => parseMaskingRules({ profile: 'lax' }, 'rules.yaml')).toThrow(/rules.yaml: profile must be one of/);
    expect(() => parseMaskingRules({ detector: [] }, 'rules.yaml')).toThrow(/unknown field detector/);
    expect(() => parseMaskingRules({ allowDomains: ['not a domain'] }, 'rules.yaml')).toThrow(/allowDomains entry "not a domain"/);
  });
});
