// Connection overrides in the command model, for every spelling kubectl's flag parser accepts.
// The real kubectl is the oracle for where a request goes: with -v=6 it logs the URL it asks
// (nothing listens there, so it fails at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settleOverrides } from '../../src/kubectl/connection-overrides.ts';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { REDACTED } from '../../src/kubectl/redact.ts';
import { KUBECTL } from '../helpers/run.ts';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hk-overrides-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
current-context: own
contexts:
- name: own
  context: { cluster: own, user: u }
clusters:
- name: own
  cluster: { server: "https://127.0.0.1:1" }
users:
- name: u
  user: { token: t }
`);
  env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The server kubectl sends `get --raw /x` to, with these extra arguments. */
function serverKubectlUses(extra: string[]): string | null {
  const answer = spawnSync(KUBECTL, [...extra.slice(0, extra.indexOf('@')), 'get', '--raw', '/x', '-v=6', '--request-timeout=2s', ...extra.slice(extra.indexOf('@') + 1)], { env, encoding: 'utf8', input: '' });
  return /GET (https:\/\/127\.0\.0\.1:\d+)\/x/.exec(answer.stderr)?.[1] ?? null;
}

const serverOf = (argv: string[]) => parseIntent(argv).overrides.find((o) => o.flag === 'server')?.value ?? null;

describe('--server in every spelling', () => {
  // `@` marks where the verb goes: flags before it come before `get`, after it after `get --raw /x`.
  it.each([
    [['@', '--server=https://127.0.0.1:2'], 'https://127.0.0.1:2'],
    [['@', '--server', 'https://127.0.0.1:3'], 'https://127.0.0.1:3'],
    [['@', '-s', 'https://127.0.0.1:4'], 'https://127.0.0.1:4'],
    [['@', '-shttps://127.0.0.1:5'], 'https://127.0.0.1:5'],
    [['@', '-s=https://127.0.0.1:6'], 'https://127.0.0.1:6'],
    [['--server=https://127.0.0.1:7', '@'], 'https://127.0.0.1:7'],
    [['-s', 'https://127.0.0.1:8', '@'], 'https://127.0.0.1:8'],
    [['@', '--server=https://127.0.0.1:9', '--server', 'https://127.0.0.1:10'], 'https://127.0.0.1:10'],
    [['-s', 'https://127.0.0.1:11', '@', '-shttps://127.0.0.1:12'], 'https://127.0.0.1:12'],
    [['@', '--server='], null],
    [['@', '--server=https://127.0.0.1:13', '--server='], null],
  ] as const)('%j is read as kubectl reads it', (spelled, expected) => {
    const extra = [...spelled];
    const argv = [...extra.slice(0, extra.indexOf('@')), 'get', '--raw', '/x', ...extra.slice(extra.indexOf('@') + 1)];
    expect(serverKubectlUses(extra)).toBe(expected ?? 'https://127.0.0.1:1');
    expect(serverOf(argv)).toBe(expected);
  });

  it('is no override after `--`, where the words belong to the container command', () => {
    expect(serverOf(['exec', 'web', '--', 'kubectl', '--server=https://evil.example'])).toBeNull();
    expect(serverOf(['run', 'x', '--image=i', '--', '--server', 'https://evil.example'])).toBeNull();
  });

  it('is an override after positionals, as pflag reads flags anywhere before `--`', () => {
    expect(serverOf(['get', 'secrets', 'db', '-n', 'prod', '--server', 'https://127.0.0.1:9'])).toBe('https://127.0.0.1:9');
  });
});

describe('--server in generated command lines', () => {
  const spelling = fc.record({
    port: fc.integer({ min: 2, max: 999 }),
    form: fc.constantFrom('--server=V', '--server V', '-s V', '-sV', '-s=V'),
    place: fc.constantFrom('before', 'middle', 'after'),
  });
  const noise = fc.constantFrom([], ['-n', 'prod'], ['--namespace=dev'], ['-nprod'], ['--request-timeout', '3s'], ['--insecure-skip-tls-verify=false']);

  it('reads the server kubectl requests, whatever the spellings, places and repetitions', { timeout: 180_000 }, () => {
    fc.assert(
      fc.property(fc.array(spelling, { minLength: 1, maxLength: 3 }), noise, fc.boolean(), (servers, extra, emptyLast) => {
        const parts: Record<'before' | 'middle' | 'after', string[]> = { before: [], middle: [...extra], after: [] };
        for (const { port, form, place } of servers) {
          const value = `https://127.0.0.1:${port}`;
          parts[place].push(...form.replace('V', value).split(' ').map((word) => (word === '' ? value : word)));
        }
        if (emptyLast) parts.after.push('--server=');
        const argv = [...parts.before, 'get', ...parts.middle, '--raw', '/x', ...parts.after];
        const answer = spawnSync(KUBECTL, [...argv, '-v=6', '--request-timeout=2s'], { env, encoding: 'utf8', input: '' });
        const requested = /GET (https:\/\/127\.0\.0\.1:\d+)\/x/.exec(answer.stderr)?.[1] ?? null;
        const parsed = serverOf(argv);
        expect(parsed ?? 'https://127.0.0.1:1').toBe(requested);
      }),
      { numRuns: 25 },
    );
  });
});

describe('the other overrides', () => {
  it('records every flag that changes target, identity or trust, credentials masked', () => {
    const argv = [
      '--token', 'eyJ.secret', '--username=bob', '--password', 'hunter2', '--client-certificate', '/tmp/c.crt', '--client-key=/tmp/c.key',
      '--certificate-authority', '/tmp/ca.crt', '--insecure-skip-tls-verify', '--tls-server-name=api.other', '--kubeconfig', '/tmp/other',
      '--cluster', 'k2', '--user', 'admin', '--context', 'other', '--as', 'root', '--as-group', 'a', '--as-group=b', '--as-uid', '0', 'get', 'pods',
    ];
    const intent = parseIntent(argv);
    expect(intent.overrides).toEqual([
      { flag: 'token', value: REDACTED }, { flag: 'username', value: 'bob' }, { flag: 'password', value: REDACTED },
      { flag: 'client-certificate', value: '/tmp/c.crt' }, { flag: 'client-key', value: '/tmp/c.key' },
      { flag: 'certificate-authority', value: '/tmp/ca.crt' }, { flag: 'insecure-skip-tls-verify', value: 'true' },
      { flag: 'tls-server-name', value: 'api.other' }, { flag: 'kubeconfig', value: '/tmp/other' }, { flag: 'cluster', value: 'k2' },
      { flag: 'user', value: 'admin' }, { flag: 'context', value: 'other' }, { flag: 'as', value: 'root' },
      { flag: 'as-group', value: 'a' }, { flag: 'as-group', value: 'b' }, { flag: 'as-uid', value: '0' },
    ]);
    expect(JSON.stringify(intent)).not.toMatch(/eyJ\.secret|hunter2/);
    expect(intent.cluster).toBe('k2');
  });

  it.each([
    ['--insecure-skip-tls-verify', true], ['--insecure-skip-tls-verify=true', true], ['--insecure-skip-tls-verify=1', true],
    ['--insecure-skip-tls-verify=t', true], ['--insecure-skip-tls-verify=T', true], ['--insecure-skip-tls-verify=false', false],
    ['--insecure-skip-tls-verify=0', false], ['--insecure-skip-tls-verify=F', false], ['--insecure-skip-tls-verify=False', false],
  ] as const)('reads %s with strconv.ParseBool', (flag, skips) => {
    expect(parseIntent(['get', 'pods', flag]).overrides.some((o) => o.flag === 'insecure-skip-tls-verify')).toBe(skips);
  });

  it('reads `_` in a flag name as `-`, as kubectl\'s flag sets normalise it (--client_key is --client-key)', () => {
    const intent = parseIntent(['get', 'pods', '--client_key=/tmp/c.key', '--as_group', 'g', '--insecure_skip_tls_verify', '--tls_server_name=api.other', '--as_uid=0']);
    expect(intent.overrides).toEqual([
      { flag: 'client-key', value: '/tmp/c.key' }, { flag: 'insecure-skip-tls-verify', value: 'true' }, { flag: 'tls-server-name', value: 'api.other' },
      { flag: 'as-group', value: 'g' }, { flag: 'as-uid', value: '0' },
    ]);
    // The oracle: kubectl takes them as the flags they normalise to (an unknown flag stops it at once).
    const answer = spawnSync(KUBECTL, ['version', '--client', '--client_key=/tmp/c.key', '--as_group=g', '--insecure_skip_tls_verify', '--tls_server_name=x', '--as_uid=0'], { env, encoding: 'utf8' });
    expect(answer.stderr).not.toContain('unknown flag');
    expect(answer.status).toBe(0);
  });

  it('takes the last of a repeated --insecure-skip-tls-verify', () => {
    expect(parseIntent(['get', 'pods', '--insecure-skip-tls-verify', '--insecure-skip-tls-verify=false']).overrides).toEqual([]);
    expect(parseIntent(['get', 'pods', '--insecure-skip-tls-verify=false', '--insecure-skip-tls-verify']).overrides).toHaveLength(1);
  });

  it('leaves `kubectl config …` alone: there the flags are the fields of the entry being written', () => {
    expect(parseIntent(['config', 'set-cluster', 'k', '--server=https://x', '--insecure-skip-tls-verify']).overrides).toEqual([]);
    expect(parseIntent(['config', 'set-credentials', 'u', '--token=abc']).overrides).toEqual([]);
    expect(parseIntent(['config', 'set-context', 'c', '--cluster=k', '--user=u']).overrides).toEqual([]);
  });

  it('counts empty values as no override, as clientcmd ignores them', () => {
    expect(parseIntent(['get', 'pods', '--kubeconfig=', '--context=', '--token=', '-s', '']).overrides).toEqual([]);
  });
});

describe('settling overrides with what the agent\'s kubeconfig says', () => {
  const overrides = parseIntent(['get', 'pods', '--kubeconfig', '/home/agent/.kube/config', '--context', 'own', '--cluster', 'k2']).overrides;

  it('drops a --kubeconfig naming the agent\'s own file and a --context naming the current one', () => {
    expect(settleOverrides(overrides, { kubeconfigIsOwn: true, currentContext: 'own' }).map((o) => o.flag)).toEqual(['cluster']);
  });

  it('keeps them otherwise, and keeps everything when the machine says nothing', () => {
    expect(settleOverrides(overrides, { kubeconfigIsOwn: false, currentContext: 'other' }).map((o) => o.flag)).toEqual(['kubeconfig', 'cluster', 'context']);
    expect(settleOverrides(overrides, null)).toEqual(overrides);
  });
});
