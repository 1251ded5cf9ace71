import { describe, expect, it } from 'vitest';
import { parseRelayConfig } from '../../../src/relay/server/config.ts';

describe('relay.yaml', () => {
  it('reads issuers, paths relative to the file, listen address, TLS and auditors', () => {
    const config = parseRelayConfig(`version: 1
listen: 127.0.0.1:7443
data: ./relay-data
policy: policies/bank.yaml
tls: { cert: tls/relay.crt, key: /etc/hk/relay.key }
issuers:
  - issuer: https://idp.bank.example/realms/ops
    audience: hkubectl
    groupsClaim: realm_access.roles
    groupsPrefix: "ops:"
auditors: { groups: [internal-audit] }
maxWait: 2m
checkpoints: { copy: /mnt/worm/hk-checkpoints.jsonl }
`, '/etc/hk/relay.yaml');
    expect(config).toEqual({
      listen: { host: '127.0.0.1', port: 7443 }, dataDir: '/etc/hk/relay-data', policyFile: '/etc/hk/policies/bank.yaml',
      tls: { certFile: '/etc/hk/tls/relay.crt', keyFile: '/etc/hk/relay.key' },
      issuers: [{ issuer: 'https://idp.bank.example/realms/ops', audience: 'hkubectl', groupsClaim: 'realm_access.roles', groupsPrefix: 'ops:' }],
      auditorGroups: ['internal-audit'], maxWaitSec: 120, checkpointCopy: '/mnt/worm/hk-checkpoints.jsonl',
    });
  });

  it('names the line and key of every problem and refuses the file', () => {
    const attempt = () => parseRelayConfig(`version: 1
listen: localhost
issuers:
  - issuer: idp.example
  - audience: x
colour: blue
`, 'relay.yaml');
    expect(attempt).toThrowError(expect.objectContaining({
      code: 'ERR_RELAY_CONFIG_INVALID', exitCode: 78, message: expect.stringMatching(/^relay\.yaml:2: listen: must be HOST:PORT/),
    }));
    const problems = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as { details: { problems: string[] } }).details.problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      'relay.yaml:2: listen: must be HOST:PORT, e.g. 127.0.0.1:7443',
      'relay.yaml:4: issuers[0].audience: required (the client id or resource the tokens are issued for)',
      'relay.yaml:4: issuers[0].issuer: must be an http(s) URL',
      'relay.yaml:5: issuers[1].issuer: required (the issuer URL, exactly as in its tokens)',
      'relay.yaml:6: colour: unknown field (expected one of version, listen, data, policy, tls, issuers, auditors, maxWait, checkpoints)',
    ]);
  });

  it('takes a relative checkpoint copy relative to the file, and names the line of a checkpoints block without one', () => {
    expect(parseRelayConfig('version: 1\nissuers: [{ issuer: https://idp.example, audience: hk }]\ncheckpoints: { copy: ../anchors/checkpoints.jsonl }\n', '/etc/hk/relay.yaml').checkpointCopy)
      .toBe('/etc/anchors/checkpoints.jsonl');
    expect(() => parseRelayConfig('version: 1\nissuers: [{ issuer: https://idp.example, audience: hk }]\ncheckpoints:\n  every: 1m\n', 'relay.yaml'))
      .toThrowError(/^relay\.yaml:4: checkpoints\.every: unknown field \(expected one of copy\)/);
  });

  it('requires a version and at least the issuers key', () => {
    expect(() => parseRelayConfig('data: /tmp/x\n', 'r.yaml')).toThrowError(/r\.yaml:1: version: required.*\(and 1 more\)/);
  });
});
