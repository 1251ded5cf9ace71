// `hkubectl relay` as a real process: relay.yaml, HTTPS, JWKS, manifest signing, clean stop.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, flattenedVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayClient } from '../../src/relay/client/client.ts';
import { generateSandboxTls } from '../../src/sandbox/tls.ts';
import { HKUBECTL_BIN, hkubectl } from '../helpers/run.ts';
import { startWorld, type World } from './fixtures.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('hkubectl relay', () => {
  it('serves HTTPS from relay.yaml, publishes its JWKS, signs session manifests and stops on SIGTERM', async () => {
    const tls = generateSandboxTls();
    const dir = await world.dataDir();
    await writeFile(join(dir, 'relay.crt'), tls.certPem);
    await writeFile(join(dir, 'relay.key'), tls.keyPem);
    await writeFile(join(dir, 'relay.yaml'), `version: 1
listen: 127.0.0.1:0
data: ./data
tls: { cert: relay.crt, key: relay.key }
issuers:
  - issuer: ${world.idp.issuer}
    audience: ${world.idp.clientId}
`);
    const child = spawn(process.execPath, [HKUBECTL_BIN, 'relay', '--config', join(dir, 'relay.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const match = /listening on (https:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        void exited.then(() => reject(new Error(`relay exited: ${out}`)));
      });
      const client = createRelayClient({ url, token: world.tokens['agent-7'], ca: tls.caPem });
      expect(await client.health()).toMatchObject({ ok: true, api: 'v1' });
      const allow = await client.submit({ argv: ['get', 'pods', '-n', 'dev'] });
      const sessionId = allow.decision === 'allow' ? allow.sessionId : 'not allowed';
      const draft = { hk: 1, session: sessionId, cast: null, startedAt: new Date().toISOString(), endedAt: new Date().toISOString(), exitCode: 0, signal: null, terminal: false, masking: { profile: 'standard', counts: {} } } as const;
      const { manifest: jws } = await client.closeSession(sessionId, draft);
      const verified = await flattenedVerify(jws, createLocalJWKSet(await client.jwks()));
      expect(verified.protectedHeader).toMatchObject({ alg: 'EdDSA', kid: (await client.health()).kid });
      await client.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const log = await hkubectl(['audit', 'log', '--data', join(dir, 'data')]);
    expect(log.stdout.toString()).toMatch(/session\.closed\s+session [\w-]+: kubectl get pods -n dev exited 0/);
  });

  it('refuses to start without a trusted issuer, saying how to add one', async () => {
    const result = await hkubectl(['relay', '--data', await world.dataDir(), '--listen', '127.0.0.1:0']);
    expect(result.code).toBe(78);
    expect(result.stderr.toString()).toMatch(/^hkubectl: the relay trusts no identity provider.*--issuer URL --audience CLIENT_ID/);
  });
});
