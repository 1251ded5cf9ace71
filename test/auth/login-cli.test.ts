// hkubectl login / whoami / token / logout as real processes against a real oidc-provider.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/auth/dev-idp.ts';
import type { DevIdp } from '../../src/auth/dev-idp.ts';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import { runHk } from './fixtures/hkubectl.ts';

let idp: DevIdp;
let configDir: string;
beforeAll(async () => {
  idp = await startDevIdp({ pollInterval: 0.2 });
});
afterAll(() => idp.stop());
beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'hk-login-'));
});
afterEach(() => rm(configDir, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({ HKUBECTL_CONFIG_DIR: configDir, ...extra });
const loginArgs = (issuer = idp.issuer) => ['login', '--issuer', issuer, '--client-id', idp.clientId];

async function cachedSession(): Promise<{ file: string; session: Record<string, string> }> {
  const names = (await readdir(join(configDir, 'tokens'))).filter((n) => n !== 'current.json' && n.endsWith('.json'));
  expect(names).toHaveLength(1);
  const file = join(configDir, 'tokens', names[0]!);
  return { file, session: JSON.parse(await readFile(file, 'utf8')) };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('hkubectl login', () => {
  it('completes the device flow when a person confirms the printed code, and caches tokens privately', async () => {
    const run = runHk(loginArgs(), env({ HKUBECTL_OUTPUT: 'json' }));
    const [line] = await run.waitFor('stdout', /^.*\n/);
    const prompt = JSON.parse(line);
    expect(prompt.verification_uri).toBe(`${idp.issuer}/device`);
    expect(prompt.verification_uri_complete).toContain(`user_code=${prompt.user_code}`);
    await idp.approveDeviceCode(prompt.user_code, 'agent-7');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout.trim().split('\n')[1]!);
    expect(outcome).toMatchObject({ logged_in: true, subject: 'agent-7', email: 'agent-7@agents.bank.example', groups: ['agents'], issuer: idp.issuer });

    const { file, session } = await cachedSession();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(configDir, 'tokens'))).mode & 0o777).toBe(0o700);
    for (const secret of [session.idToken!, session.refreshToken!, session.accessToken!]) {
      expect(result.stdout + result.stderr).not.toContain(secret);
    }
  });

  it('prints the verification URI, complete URI and code on stderr for a person to read', async () => {
    const run = runHk(loginArgs(), env());
    const [, code] = await run.waitFor('stderr', /enter the code (\S+)\n/);
    expect(run.stderr()).toContain(`open ${idp.issuer}/device `);
    expect(run.stderr()).toContain(`or open ${idp.issuer}/device?user_code=${code}`);
    await idp.approveDeviceCode(code!, 'alice');
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Logged in as alice <alice@bank.example> (groups: approvers)');
  });

  it('takes issuer and client id from config.yaml', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(configDir, 'config.yaml'), `issuer: ${idp.issuer}\nclient-id: ${idp.clientId}\n`);
    const run = runHk(['login'], env());
    const [, code] = await run.waitFor('stderr', /enter the code (\S+)\n/);
    await idp.approveDeviceCode(code!, 'bob');
    expect((await run.done).code).toBe(0);
  });

  it('exits 77 and says so when the person denies the request', async () => {
    const run = runHk(loginArgs(), env());
    const [, code] = await run.waitFor('stderr', /enter the code (\S+)\n/);
    await idp.denyDeviceCode(code!);
    const result = await run.done;
    expect(result.code).toBe(77);
    expect(result.stderr).toMatch(/^hkubectl: the sign-in request was denied/m);
  });

  it('exits 75 when the code expires before anyone confirms it', async () => {
    const shortLived = await startDevIdp({ pollInterval: 0.2, ttl: { deviceCode: 2 } });
    try {
      const result = await runHk(['login', '--issuer', shortLived.issuer, '--client-id', shortLived.clientId], env()).done;
      expect(result.code).toBe(75);
      expect(result.stderr).toMatch(/^hkubectl: the sign-in code expired before anyone confirmed it — run `hkubectl login` again/m);
    } finally {
      await shortLived.stop();
    }
  });

  it('backs off on slow_down: adds 5 seconds and never polls too fast', async () => {
    const busy = await startDevIdp({ pollInterval: 0.2, slowDown: 1 });
    try {
      const run = runHk(['login', '--issuer', busy.issuer, '--client-id', busy.clientId], env());
      const [, code] = await run.waitFor('stderr', /enter the code (\S+)\n/);
      await new Promise<void>((resolve) => {
        const check = setInterval(() => { if (busy.stats.slowDowns > 0) { clearInterval(check); resolve(); } }, 50);
      });
      await busy.approveDeviceCode(code!, 'agent-7');
      expect((await run.done).code).toBe(0);
      expect(busy.stats.slowDowns).toBe(1);
      expect(busy.stats.tooFastPolls).toBe(0);
    } finally {
      await busy.stop();
    }
  });

  it('exits 78 naming the URL when the issuer is wrong', async () => {
    const wrong = `${idp.issuer}/not-an-issuer`;
    const result = await runHk(loginArgs(wrong), env()).done;
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`hkubectl: ${wrong} is not a usable OpenID Connect issuer`);
  });

  it('exits 75 when the identity provider is down', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const result = await runHk(loginArgs(down), env()).done;
    expect(result.code).toBe(75);
    expect(result.stderr).toMatch(/^hkubectl: cannot reach the identity provider at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/m);
  });

  it('exits 78 with what to set when no issuer is configured', async () => {
    const result = await runHk(['login'], env()).done;
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('hkubectl: no identity provider configured — pass --issuer');
  });
});

describe('after login: whoami, token, logout', () => {
  beforeEach(async () => {
    const run = runHk(loginArgs(), env());
    const [, code] = await run.waitFor('stderr', /enter the code (\S+)\n/);
    await idp.approveDeviceCode(code!, 'agent-7');
    expect((await run.done).code).toBe(0);
  });

  it('whoami shows subject, email, groups, issuer and expiry', async () => {
    const json = await runHk(['whoami', '-o', 'json'], env()).done;
    expect(json.code).toBe(0);
    const view = JSON.parse(json.stdout);
    expect(view).toMatchObject({ subject: 'agent-7', email: 'agent-7@agents.bank.example', groups: ['agents'], issuer: idp.issuer });
    expect(Date.parse(view.expires_at)).toBeGreaterThan(Date.now());
    const text = await runHk(['whoami'], env()).done;
    expect(text.stdout).toMatch(/^subject: agent-7\nemail: +agent-7@agents\.bank\.example\ngroups: +agents\nissuer: +http:\/\/127\.0\.0\.1:\d+\nexpires: /);
  });

  it('token prints an ExecCredential whose token the relay-side verifier accepts', async () => {
    const result = await runHk(['token'], env()).done;
    expect(result.code).toBe(0);
    const credential = JSON.parse(result.stdout);
    expect(credential).toMatchObject({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential' });
    expect(Date.parse(credential.status.expirationTimestamp)).toBeGreaterThan(Date.now());
    const verifier = createTokenVerifier({ issuers: [{ issuer: idp.issuer, audience: idp.clientId }] });
    expect(await verifier.verify(credential.status.token)).toEqual({
      subject: 'agent-7', email: 'agent-7@agents.bank.example', groups: ['agents'], issuer: idp.issuer,
    });
  });

  it('logout revokes the refresh token at the IdP and forgets the login', async () => {
    const revocations = idp.stats.revocations;
    const result = await runHk(['logout'], env()).done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('refresh token revoked');
    expect(idp.stats.revocations).toBe(revocations + 1);
    const whoami = await runHk(['whoami'], env()).done;
    expect(whoami.code).toBe(78);
    expect(whoami.stderr).toContain('hkubectl: not logged in — run `hkubectl login`');
  });
});
