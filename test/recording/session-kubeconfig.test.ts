// The session kubeconfig of a gateway-mode run: private, usable by the real kubectl, gone after
// the run, and swept at the next run when its owner was killed. The "gateway" here is the sandbox
// API server itself with one of its users' tokens as the grant: what is proved is that kubectl
// reaches the grant's server with the grant's token and CA, and with nothing of the agent's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayGrant } from '../../src/contract/relay-api.ts';
import { isHkError } from '../../src/errors.ts';
import {
  checkGrant, processStartedAt, SESSION_USER, sessionKubeconfigDir, sessionKubeconfigDocument, sweepStaleKubeconfigs, writeSessionKubeconfig,
} from '../../src/recording/session-kubeconfig.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { kubectl } from '../helpers/run.ts';

let root: string;
let sandbox: Sandbox;
const GRANT: GatewayGrant = { cluster: 'prod', server: 'https://127.0.0.1:6443', token: 'grant-0123456789abcdef0123456789abcdef', expiresAt: '2026-12-06T12:00:00Z' };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hk-session-kubeconfig-'));
  sandbox = await startSandbox({ kubeconfigPath: join(root, 'admin-kubeconfig'), users: [{ name: 'agent-7', groups: ['agents'], token: 'agent-7-token-0123456789abcdef' }] });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(root, { recursive: true, force: true });
});

function freshDir(): string {
  return join(mkdtempSync(join(root, 'run-')), 'kubeconfigs');
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isHkError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('the session kubeconfig document', () => {
  it('has one cluster, one user with the grant as token, one current context in the given namespace', () => {
    const doc = sessionKubeconfigDocument({ ...GRANT, caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }, 'payments', 'prod-ctx');
    expect(doc).toEqual({
      apiVersion: 'v1', kind: 'Config', preferences: {},
      clusters: [{ name: 'prod', cluster: { server: GRANT.server, 'certificate-authority-data': Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64') } }],
      users: [{ name: SESSION_USER, user: { token: GRANT.token } }],
      contexts: [{ name: 'prod-ctx', context: { cluster: 'prod', user: SESSION_USER, namespace: 'payments' } }],
      'current-context': 'prod-ctx',
    });
  });

  it('names the context after the cluster when the agent has no context, and has no CA when the grant brings none', () => {
    const doc = sessionKubeconfigDocument(GRANT, 'default', null) as { clusters: Array<{ cluster: object }>; 'current-context': string };
    expect(doc['current-context']).toBe('prod');
    expect(doc.clusters[0]!.cluster).toEqual({ server: GRANT.server });
  });

  it.each([
    ['plain http to another machine', { server: 'http://10.0.0.1:8080' }],
    ['a server that is no URL', { server: 'relay/gateway/prod' }],
    ['a server URL with credentials', { server: 'https://user:pw@127.0.0.1/gateway/prod' }],
    ['a token with a line break', { token: 'abcdefghijklmnop\nq' }],
    ['a token too short to be a grant', { token: 'short' }],
    ['a CA that is not PEM', { caPem: 'not a certificate' }],
    ['no cluster name', { cluster: '' }],
  ])('refuses a grant with %s', (_, change) => {
    expect(codeOf(() => checkGrant({ ...GRANT, ...change }))).toBe('ERR_GATEWAY_GRANT');
  });

  it.each([['http://127.0.0.1:8080/gateway/prod'], ['http://[::1]:8080/gateway/prod'], ['http://localhost:1/gateway/prod'], ['https://relay.example/gateway/prod']])('takes %s as a server', (server) => {
    expect(codeOf(() => checkGrant({ ...GRANT, server }))).toBe('no error');
  });
});

describe('where session kubeconfigs live', () => {
  it('is the XDG runtime directory when there is one, else the data directory', () => {
    expect(sessionKubeconfigDir({ XDG_RUNTIME_DIR: '/run/user/1000' }, '/data')).toBe('/run/user/1000/hkubectl/kubeconfigs');
    expect(sessionKubeconfigDir({ XDG_RUNTIME_DIR: 'relative' }, '/data')).toBe('/data/run/kubeconfigs');
    expect(sessionKubeconfigDir({}, '/data')).toBe('/data/run/kubeconfigs');
  });
});

describe('writing and removing the session kubeconfig', () => {
  it('writes a 0600 file in a 0700 directory, named by session and process, and remove() takes it away', () => {
    const dir = freshDir();
    const written = writeSessionKubeconfig({ dir, session: 's-1', grant: GRANT, namespace: 'default', contextName: null });
    expect(written.path).toBe(join(dir, `s-1.${process.pid}.kubeconfig`));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(written.path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(written.path, 'utf8')).users[0].user.token).toBe(GRANT.token);
    written.remove();
    written.remove();
    expect(existsSync(written.path)).toBe(false);
  });

  it('refuses a directory others can read, and writes nothing there', () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    expect(codeOf(() => writeSessionKubeconfig({ dir, session: 's-2', grant: GRANT, namespace: 'default', contextName: null }))).toBe('ERR_SESSION_KUBECONFIG');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a directory that is a link', () => {
    const base = mkdtempSync(join(root, 'link-'));
    mkdirSync(join(base, 'real'), { mode: 0o700 });
    symlinkSync(join(base, 'real'), join(base, 'kubeconfigs'));
    expect(codeOf(() => writeSessionKubeconfig({ dir: join(base, 'kubeconfigs'), session: 's-3', grant: GRANT, namespace: 'default', contextName: null }))).toBe('ERR_SESSION_KUBECONFIG');
  });

  it('never writes through a link planted at its name, and leaves what the link points to alone', () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o700 });
    const target = join(root, 'planted-target');
    writeFileSync(target, 'untouched');
    symlinkSync(target, join(dir, `s-4.${process.pid}.kubeconfig`));
    expect(codeOf(() => writeSessionKubeconfig({ dir, session: 's-4', grant: GRANT, namespace: 'default', contextName: null }))).toBe('ERR_SESSION_KUBECONFIG');
    expect(readFileSync(target, 'utf8')).toBe('untouched');
  });

  it('refuses a bad grant before creating anything', () => {
    const dir = freshDir();
    expect(codeOf(() => writeSessionKubeconfig({ dir, session: 's-5', grant: { ...GRANT, server: 'http://192.0.2.1' }, namespace: 'default', contextName: null }))).toBe('ERR_GATEWAY_GRANT');
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a session id that could name another file', () => {
    expect(codeOf(() => writeSessionKubeconfig({ dir: freshDir(), session: '../escape', grant: GRANT, namespace: 'default', contextName: null }))).toBe('ERR_GATEWAY_GRANT');
  });
});

/** A process that has exited: its pid names a file whose owner is gone. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((done) => child.once('exit', done));
  return child.pid!;
}

describe('the sweep of session kubeconfigs left by killed runs', () => {
  it('removes the files of processes that are gone, keeps those of living ones and this one, and leaves other files', async () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o700 });
    const living = spawn('sleep', ['30']);
    try {
      const gone = await deadPid();
      for (const name of [`a.${gone}.kubeconfig`, `b.${living.pid}.kubeconfig`, `c.${process.pid}.kubeconfig`, 'nameless.kubeconfig', 'notes.txt']) writeFileSync(join(dir, name), '{}');
      expect(sweepStaleKubeconfigs(dir).sort()).toEqual([`a.${gone}.kubeconfig`, 'nameless.kubeconfig']);
      expect(readdirSync(dir).sort()).toEqual([`b.${living.pid}.kubeconfig`, `c.${process.pid}.kubeconfig`, 'notes.txt']);
    } finally {
      living.kill('SIGKILL');
    }
  });

  it('removes a file whose process id now belongs to a process started after the file was written', () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o700 });
    const living = spawn('sleep', ['30']);
    try {
      const reused = join(dir, `old.${living.pid}.kubeconfig`);
      const kept = join(dir, `new.${living.pid}.kubeconfig`);
      writeFileSync(reused, '{}');
      writeFileSync(kept, '{}');
      // Written an hour before its pid's present process started: a killed run's, the pid since reused.
      const anHourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(reused, anHourAgo, anHourAgo);
      expect(processStartedAt(living.pid!)).toBeGreaterThan(anHourAgo.getTime());
      expect(sweepStaleKubeconfigs(dir)).toEqual([`old.${living.pid}.kubeconfig`]);
      expect(existsSync(kept)).toBe(true);
    } finally {
      living.kill('SIGKILL');
    }
  });

  it('takes away the file of a run killed with SIGKILL when the next run writes its own', async () => {
    const dir = freshDir();
    const victim = spawn('sleep', ['30']);
    const left = writeSessionKubeconfig({ dir, session: 'killed', grant: GRANT, namespace: 'default', contextName: null }, victim.pid!);
    victim.kill('SIGKILL');
    await new Promise((done) => victim.once('exit', done));
    expect(existsSync(left.path)).toBe(true);
    const next = writeSessionKubeconfig({ dir, session: 'next', grant: GRANT, namespace: 'default', contextName: null });
    expect(readdirSync(dir)).toEqual([`next.${process.pid}.kubeconfig`]);
    next.remove();
    left.remove();
  });
});

describe('the real kubectl with a session kubeconfig', () => {
  const grantFor = (token: string): GatewayGrant => ({ cluster: 'sandbox', server: sandbox.url, caPem: sandbox.caPem, token, expiresAt: '2026-12-06T12:00:00Z' });
  const env = (path: string) => ({ PATH: process.env.PATH, HOME: join(root, 'home'), KUBECONFIG: path });

  it('reaches the grant\'s server with the grant\'s CA and token, in the context\'s namespace, as the grant\'s identity', async () => {
    const written = writeSessionKubeconfig({ dir: freshDir(), session: 'real', grant: grantFor('agent-7-token-0123456789abcdef'), namespace: 'kube-system', contextName: 'prod-ctx' });
    try {
      const who = await kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { env: env(written.path) });
      expect(who.stderr.toString()).toBe('');
      expect(who.stdout.toString()).toBe('agent-7');
      const namespace = await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}'], { env: env(written.path) });
      expect(namespace.stdout.toString()).toBe('kube-system');
    } finally {
      written.remove();
    }
  });

  it('is refused by the server when the grant is not a token it knows (nothing else to fall back on)', async () => {
    const written = writeSessionKubeconfig({ dir: freshDir(), session: 'forged', grant: grantFor('forged-token-0123456789abcdef'), namespace: 'default', contextName: null });
    try {
      const answer = await kubectl(['get', 'pods'], { env: env(written.path) });
      expect(answer.code).toBe(1);
      expect(answer.stderr.toString()).toMatch(/Unauthorized|provide credentials/);
    } finally {
      written.remove();
    }
  });
});
