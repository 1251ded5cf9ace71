// The separator scan that finds `key: value` / `key=value` keys worth a keyed detector.
import { describe, expect, it } from 'vitest';
import { endingCode, scanKeys } from '../../src/masking/key-scan.ts';
import { maskText } from '../../src/masking/index.ts';

const keysOf = (text: string) => scanKeys(text).map((h) => text.slice(h.keyStart, h.keyEnd));

describe('scanKeys', () => {
  it('finds quoted, escaped, spaced and upper-case keys with the start a sticky regex needs', () => {
    const text = '"DB_PASSWORD" : x\n{\\"token\\":\\"y\\"}\nAPI_KEY=z\n';
    const hits = scanKeys(text);
    expect(hits.map((h) => text.slice(h.keyStart, h.keyEnd))).toEqual(['DB_PASSWORD', 'token', 'API_KEY']);
    expect(hits.map((h) => text.slice(h.start, h.start + 2))).toEqual(['"D', '\\"', 'AP']);
    expect(hits.map((h) => h.ending)).toEqual([endingCode('ord'), endingCode('ken'), endingCode('key')]);
  });

  it('skips timestamps, ports and keys no detector or walker follows', () => {
    expect(keysOf('at 09:31:05 host:8080 labels: {} status: Running\n')).toEqual([]);
    expect(keysOf(':x\n=y\nab: c\n')).toEqual([]);
  });
});

describe('keyed detectors behind the key-ending filter', () => {
  it('still mask high-entropy values under salt/hmac/seed/signature/cookie/session-id keys', () => {
    const value = 'Zk3q9TbV7xW2mN8pL4rY6sD1';
    for (const key of ['PASSWORD_SALT', 'webhook-hmac', 'rng.seed', 'X-Signature', 'auth_cookie', 'user_sessionId', 'user.session-id', 'x_session_id']) {
      expect(maskText(`${key}: ${value}\n`).text, key).toBe(`${key}: [MASKED:high-entropy-secret]\n`);
    }
  });

  it('still masks kubeconfig client certificates in strict', () => {
    const line = '    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n';
    expect(maskText(line, { profile: 'strict' }).text).toBe('    client-certificate-data: [MASKED:kubeconfig-client-certificate]\n');
  });
});
