// The agent's side of gateway mode, end to end with the real hkubectl, kubectl, dev IdP, relay
// gateway and sandbox: the agent's kubeconfig holds no credentials at all, and kubectl runs with
// the session kubeconfig the allow answer's grant describes (server: the relay's gateway, token:
// the grant). What the wrapper does with that kubeconfig and with the agent's overrides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import { loadPolicy } from '../../src/policy/index.ts';
import { startRelay, type Relay } from '../../src/relay/server/server.ts';
import { hkubectl, kubectl } from '../helpers/run.ts';
import { LongRun, manifestPayload, namesIn, newSession, readCast } from './sessions.ts';
import { useStack } from './use-stack.ts';

/** Every command allowed, so that what refuses an override below is the wrapper, not a guardrail. */
const PERMISSIVE_POLICY = `version: 1
approvers: { groups: [approvers] }
defaults: { action: allow, message: everything is allowed in this test, mask: standard, record: true }
risk: { approveAt: 101, denyAt: 101 }
rules: []
`;

const e2e = useStack({ gateway: true, policy: loadPolicy(PERMISSIVE_POLICY) });

/** A session grant, wherever it might show up. */
const GRANT = /hkg_[A-Za-z0-9_-]{43}/;

/** A relay that knows no clusters: its answers carry no grant (local mode). */
let localRelay: Relay;
let root: string;
let env: NodeJS.ProcessEnv;
let kubeconfigDir: string;
let recordings: string;
let gatewayUrl: string;

beforeAll(async () => {
  const { stack } = e2e;
  root = await mkdtemp(join(stack.root, 'gateway-'));
  localRelay = await startRelay({
    dataDir: await mkdtemp(join(root, 'relay-')),
    policy: loadPolicy(PERMISSIVE_POLICY),
    verifier: createTokenVerifier({ issuers: [{ issuer: stack.idp.issuer, audience: stack.idp.clientId }] }),
  });
  gatewayUrl = `${stack.relay.url}/gateway/sandbox`;
  // The agent's kubeconfig: a context naming a cluster the relay knows, no server, no user, no token.
  const agentKubeconfig = join(root, 'agent-kubeconfig');
  writeFileSync(agentKubeconfig, 'apiVersion: v1\nkind: Config\ncurrent-context: sandbox\ncontexts:\n- name: sandbox\n  context: { cluster: sandbox, namespace: prod }\n');
  recordings = join(root, 'recordings');
  const dataDir = join(root, 'agent-data');
  kubeconfigDir = join(dataDir, 'run', 'kubeconfigs');
  env = { ...stack.envOf('agent-7'), KUBECONFIG: agentKubeconfig, HKUBECTL_RECORDINGS: recordings, HKUBECTL_DATA_DIR: dataDir };
});

afterAll(async () => {
  await localRelay?.stop();
});

const hk = (args: string[]) => hkubectl(args, { env });

describe('gateway mode on the agent\'s machine', () => {
  it('runs kubectl with the session kubeconfig: an agent kubeconfig without credentials reads the cluster', async () => {
    const direct = await kubectl(['get', 'pods', '-n', 'prod'], { env });
    expect(direct.code).not.toBe(0);

    const before = await namesIn(recordings);
    const result = await hk(['get', 'pods']);
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    // The context's namespace (prod) is the session kubeconfig's.
    expect(result.stdout.toString()).toMatch(/^NAME\s+READY[^\n]*\n(.*\n)*payments-api-/);

    const { castPath, manifestPath } = await newSession(recordings, before);
    const castText = readFileSync(castPath, 'utf8');
    expect(castText).not.toMatch(GRANT);
    expect((await readCast(castPath)).events.some(([, code, data]) => code === 'm' && data === 'gateway: cluster sandbox through the relay')).toBe(true);
    expect((await manifestPayload(manifestPath)).exitCode).toBe(0);
    expect(await namesIn(kubeconfigDir)).toEqual([]);
  });

  it('takes the agent\'s --context, --cluster and --kubeconfig (its own file) out, so kubectl can only use the grant', async () => {
    const result = await hk(['--context', 'sandbox', 'get', 'pods', '--cluster=sandbox', '--user', 'nobody', '--kubeconfig', env.KUBECONFIG!, '-o', 'name']);
    expect(result.stderr.toString()).toBe('');
    expect(result.stdout.toString()).toMatch(/(^|\n)pod\/web-/);
  });

  it.each([
    [['--token', 'agent-own-token-0123456789'], '--token'],
    [['--client_key=/tmp/agent.key'], '--client-key'],
    [['-s', 'https://127.0.0.1:1'], '--server=https://127.0.0.1:1'],
    [['--as=system:admin'], '--as=system:admin'],
    [['--kubeconfig', 'ELSEWHERE'], '--kubeconfig=ELSEWHERE'],
    [['--insecure-skip-tls-verify'], '--insecure-skip-tls-verify'],
  ])('refuses %j with one line and exit 77 at the relay, before any session or grant exists', async (flags, named) => {
    const before = await namesIn(recordings);
    // Another kubeconfig that exists (the agent's kubeconfig is read before the relay is asked).
    const elsewhere = join(root, 'elsewhere-kubeconfig');
    writeFileSync(elsewhere, readFileSync(env.KUBECONFIG!));
    const result = await hk(['get', 'pods', ...flags.map((flag) => flag.replace('ELSEWHERE', elsewhere))]);
    expect(result.code).toBe(77);
    const stderr = result.stderr.toString();
    expect(stderr.split('\n')).toEqual([expect.stringMatching(/^hkubectl: .*gateway-overrides/), '']);
    expect(stderr).toContain(named.replace('ELSEWHERE', elsewhere).replace(/=.*/, ''));
    expect(stderr).not.toContain('agent-own-token');
    expect(result.stdout.toString()).toBe('');
    // Refused when deciding: no session was opened, so there is nothing to record or sign.
    expect((await namesIn(recordings)).filter((name) => !before.includes(name))).toEqual([]);
  });

  it('keeps the grant off kubectl\'s command line, in a 0600 file only while kubectl runs; a SIGKILLed run\'s file goes at the next run', async () => {
    const watch = new LongRun(['get', 'pods', '-w'], env);
    await watch.waitFor('stdout', /web-/);
    const kubectlPid = await watch.kubectlPid();
    const cmdline = readFileSync(`/proc/${kubectlPid}/cmdline`, 'utf8');
    expect(cmdline).not.toMatch(GRANT);
    const environ = readFileSync(`/proc/${kubectlPid}/environ`, 'utf8').split('\0');
    expect(environ.join('\n')).not.toMatch(GRANT);
    const path = environ.find((entry) => entry.startsWith('KUBECONFIG='))!.slice('KUBECONFIG='.length);
    expect(path.startsWith(`${kubeconfigDir}/`)).toBe(true);
    expect(path.endsWith(`.${watch.child.pid}.kubeconfig`)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(kubeconfigDir).mode & 0o777).toBe(0o700);

    watch.child.kill('SIGKILL');
    process.kill(kubectlPid, 'SIGKILL');
    await watch.exited;
    expect(existsSync(path)).toBe(true);

    const next = await hk(['get', 'pods', '-o', 'name']);
    expect(next.code).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(await namesIn(kubeconfigDir)).toEqual([]);
  });

  it('masks the grant wherever the client prints it: the agent\'s output and the recording never hold it', async () => {
    // A client that prints the token of its kubeconfig bare, on a line of its own, where no
    // detector knows it for a credential, then the server it talks to.
    const leaky = join(root, 'leaky-kubectl');
    writeFileSync(leaky, '#!/bin/sh\nsed -n -e \'s/.*"token": "\\(.*\\)".*/\\1/p\' -e \'s/.*"server": "\\(.*\\)".*/server \\1/p\' "$KUBECONFIG"\n');
    chmodSync(leaky, 0o755);
    const before = await namesIn(recordings);
    const result = await hkubectl(['get', 'pods'], { env: { ...env, HKUBECTL_KUBECTL: leaky } });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain(`server ${gatewayUrl}`);
    // The token line was printed, masked.
    expect(result.stdout.toString().trim().split('\n')).toEqual([`server ${gatewayUrl}`, '[MASKED:session-known-value]']);
    expect(result.stdout.toString()).not.toMatch(GRANT);
    const { castPath } = await newSession(recordings, before);
    expect(readFileSync(castPath, 'utf8')).not.toMatch(GRANT);
  });

  it('in local mode (no grant in the answer) runs kubectl with the agent\'s own kubeconfig, and still sweeps a killed run\'s file', async () => {
    mkdirSync(kubeconfigDir, { recursive: true, mode: 0o700 });
    const gone = spawn('true');
    await new Promise((done) => gone.once('exit', done));
    const stale = join(kubeconfigDir, `stale.${gone.pid}.kubeconfig`);
    writeFileSync(stale, '{}');
    // Straight to the relay: its answers carry no grant.
    const result = await hkubectl(['get', 'pods'], { env: { ...env, HKUBECTL_RELAY: localRelay.url } });
    // The agent's kubeconfig names no server and no credentials, so its own kubectl cannot connect.
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).not.toContain('refused in gateway mode');
    expect(existsSync(stale)).toBe(false);
  });

  it('removes the session kubeconfig when kubectl cannot even start', async () => {
    // An executable whose interpreter does not exist: found, allowed, then spawn fails (ENOENT).
    const broken = join(root, 'broken-kubectl');
    writeFileSync(broken, '#!/nonexistent/interpreter\n');
    chmodSync(broken, 0o755);
    mkdirSync(kubeconfigDir, { recursive: true, mode: 0o700 });
    const result = await hkubectl(['get', 'pods'], { env: { ...env, HKUBECTL_KUBECTL: broken } });
    expect(result.stderr.toString()).toMatch(/^hkubectl: could not start [^\n]*\n$/);
    expect(result.code).toBe(78);
    expect(await namesIn(kubeconfigDir)).toEqual([]);
  });
});
