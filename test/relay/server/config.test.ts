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
      auditorGroups: ['internal-audit'], maxWaitSec: 120, checkpointCopy: '/mnt/worm/hk-checkpoints.jsonl', limits: {}, clusters: [], maxSessionDuration: {}, store: null,
    });
  });

  it('reads the limits a platform team sets, leaving the rest to their defaults', () => {
    const config = parseRelayConfig(`version: 1
issuers: [{ issuer: https://idp.example, audience: hkubectl }]
limits:
  bodyIdle: 5s
  bodyDeadline: 1m
  uploadDeadline: 2h
  maxCastSize: 64M
  uploadPerDay: 1G
  sessionsPerDay: 20000
`, '/etc/hk/relay.yaml');
    expect(config.limits).toEqual({
      bodyIdleMs: 5_000, bodyDeadlineMs: 60_000, uploadDeadlineMs: 7_200_000, maxCastBytes: 64 * 1024 ** 2, uploadBytesPerDay: 1024 ** 3, sessionsPerDay: 20_000,
    });
    expect(parseRelayConfig('version: 1\nissuers: [{ issuer: https://idp.example, audience: x }]\nlimits: { sessionsPerDay: 10 }\n', 'r.yaml').limits).toEqual({ sessionsPerDay: 10 });
  });

  it('names the line of every bad limit', () => {
    const problems = (() => {
      try {
        parseRelayConfig(`version: 1
issuers: [{ issuer: https://idp.example, audience: hkubectl }]
limits:
  bodyIdle: 0
  bodyDeadline: soon
  maxCastSize: 1.5G
  uploadPerDay: -1
  sessionsPerDay: 0
  uploads: 3
`, 'relay.yaml');
      } catch (error) {
        return (error as { details: { problems: string[] } }).details.problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      'relay.yaml:4: limits.bodyIdle: must be more than 0',
      'relay.yaml:5: limits.bodyDeadline: must be a duration such as 90, 30s, 15m, 2h or 1d',
      'relay.yaml:6: limits.maxCastSize: must be a size such as 65536, 500M or 2G',
      'relay.yaml:7: limits.uploadPerDay: must be a size such as 65536, 500M or 2G',
      'relay.yaml:8: limits.sessionsPerDay: must be a whole number from 1 to 10000000',
      'relay.yaml:9: limits.uploads: unknown field (expected one of bodyIdle, bodyDeadline, uploadDeadline, maxCastSize, uploadPerDay, sessionsPerDay)',
    ]);
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
      'relay.yaml:6: colour: unknown field (expected one of version, listen, data, policy, tls, issuers, auditors, maxWait, checkpoints, limits, clusters, maxSessionDuration, store)',
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
