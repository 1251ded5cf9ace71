// Gateway mode end to end through the relay's real gateway: the real hkubectl and kubectl, the dev
// IdP, a relay with TLS that brokers the sandbox (RBAC on) with hkubectl-relay's impersonating
// token, and agent-7 whose kubeconfig holds no credential at all, only a context naming the
// relay's cluster. What the agent's processes receive is checked byte for byte.
import { describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { DEFAULT_POLICY_YAML, loadPolicy } from '../../src/policy/index.ts';
import { hkubectl, kubectl, run } from '../helpers/run.ts';
import { SMUGGLED_BINDING_MANIFEST } from '../helpers/smuggled-binding.ts';
import { LongRun, manifestPayload, namesIn, newSession, readCast } from './sessions.ts';
import { useStack } from './use-stack.ts';

// The default policy, but with Go templates over Secrets allowed (strictly masked): in gateway
// mode the values are masked before kubectl renders them, whatever function a template applies.
const TEMPLATES_ALLOWED = DEFAULT_POLICY_YAML.replace(
  /(- id: no-templates-over-secrets\n(?:.*\n)*?)    action: deny\n/,
  '$1    action: allow\n    mask: strict\n',
);
if (TEMPLATES_ALLOWED === DEFAULT_POLICY_YAML) throw new Error('the default policy no longer has the rule no-templates-over-secrets');

const e2e = useStack({ gateway: true, podIn: 'staging', policy: loadPolicy(TEMPLATES_ALLOWED) });

const PASSWORD = 's3cr3t-Pa55w0rd!';
/** Every spelling of the password a printer or template function could give. */
function leaks(text: string): string[] {
  const b64 = Buffer.from(PASSWORD).toString('base64');
  const forms = [PASSWORD, b64, Buffer.from(PASSWORD).toString('hex'), 's3cr3t', 'Pa55w0rd', encodeURIComponent(PASSWORD), b64.slice(0, 12)];
  return forms.filter((form) => text.includes(form));
}

async function which(command: string): Promise<string> {
  const found = (await run('sh', ['-c', `command -v ${command}`])).stdout.toString().trim();
  if (!found.startsWith('/')) throw new Error(`${command} is not on PATH`);
  return found;
}

const requestIdIn = (text: string): string => /request ([0-9a-f-]{36})/.exec(text)![1]!;

/** GET on the relay's API with a person's token over its TLS. */
function relayGet(path: string, token: string): Promise<{ status: number; body: Buffer }> {
  const { stack } = e2e;
  return new Promise((resolve, reject) => {
    const req = request(`${stack.relay.url}${path}`, { headers: { authorization: `Bearer ${token}` }, ca: stack.relayCaPem! }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An hkubectl run that waits for an approval, which alice gives. */
async function approved(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { stack } = e2e;
  const running = new LongRun([...args, '--hk-wait', '60s'], stack.env);
  const [waiting] = await running.waitFor('stderr', /approval needed .*\n/);
  await stack.client('alice').review(requestIdIn(waiting), 'approve', 'INC-7: looked at it');
  const { code } = await running.exited;
  return { code, stdout: running.stdout, stderr: running.stderr };
}

describe('the agent\'s own kubectl, without hkubectl', () => {
  it('cannot reach the cluster with the agent\'s kubeconfig, and the gateway answers a guessed token 401', async () => {
    const { stack } = e2e;
    const own = await kubectl(['get', 'pods', '-n', 'prod'], { env: stack.env });
    expect(own.code).not.toBe(0);
    expect(own.stdout.toString()).toBe('');
    // Aimed at the relay's gateway by hand with a token of the grants' shape: no grant, no answer.
    const caFile = join(stack.root, 'relay-ca.pem');
    const guessed = `hkg_${'A'.repeat(43)}`;
    const atGateway = await kubectl(['get', 'pods', '-n', 'prod', '--server', `${stack.relay.url}/gateway/sandbox`, '--certificate-authority', caFile, '--token', guessed], { env: stack.env });
    expect(atGateway.code).toBe(1);
    expect(atGateway.stdout.toString()).toBe('');
    expect(atGateway.stderr.toString()).toContain('error: You must be logged in to the server');
    // Aimed at the API server itself: it does not know the agent either.
    const atCluster = await kubectl(['get', 'pods', '-n', 'prod', '--server', stack.sandbox.url, '--insecure-skip-tls-verify', '--token', guessed], { env: stack.env });
    expect(atCluster.code).toBe(1);
    expect(atCluster.stdout.toString()).toBe('');
    expect(atCluster.stderr.toString()).toContain('error: You must be logged in to the server (Unauthorized)');
  });
});

describe('hkubectl through the gateway', () => {
  it('reads a Secret masked in YAML and in templates that decode or reformat it, in no byte the agent receives (kubectl -v=9 included)', async () => {
    const { stack } = e2e;
    const before = await namesIn(stack.recordings);
    const yaml = await stack.hk(['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'yaml', '-v=9']);
    expect(yaml.code).toBe(0);
    const yamlOut = yaml.stdout.toString();
    expect(yamlOut).toMatch(/kind: Secret/);
    // -v=9 shows the request going to the relay's gateway, and the body it answered.
    expect(yaml.stderr.toString()).toContain(`${stack.relay.url}/gateway/sandbox/api/v1/namespaces/prod/secrets/db-credentials`);
    expect(leaks(yamlOut + yaml.stderr.toString())).toEqual([]);
    const password = /password: (\S+)/.exec(yamlOut)![1]!;
    expect(Buffer.from(password, 'base64').toString()).toMatch(/MASKED/);
    for (const template of ['{{.data.password | base64decode}}', '{{printf "%x" .data.password}}', '{{.data.url | base64decode | printf "%q"}}', '{{printf "%s" .data}}']) {
      const result = await stack.hk(['get', 'secret', 'db-credentials', '-n', 'prod', '-o', `go-template=${template}`, '-v=9']);
      expect(result.code, template).toBe(0);
      expect(leaks(result.stdout.toString() + result.stderr.toString()), template).toEqual([]);
    }
    const casts = (await namesIn(stack.recordings)).filter((name) => name.endsWith('.cast') && !before.includes(name));
    expect(casts).toHaveLength(5);
    for (const cast of casts) expect(leaks(readFileSync(join(stack.recordings, cast), 'utf8')), cast).toEqual([]);
  }, 120_000);

  it('streams logs and a bounded watch', async () => {
    const { stack, pod } = e2e;
    const logs = await stack.hk(['logs', pod, '-n', 'staging', '--tail=5']);
    expect(logs.stderr.toString()).toBe('');
    expect(logs.code).toBe(0);
    const watch = await stack.hk(['get', 'pods', '-n', 'staging', '-w', '--request-timeout=3s']);
    expect(watch.stdout.toString()).toMatch(new RegExp(`(^|\\n)${pod}\\s`));
  }, 60_000);

  it('runs an approved exec in production through the gateway\'s tunnel, with stdin', async () => {
    const { stack } = e2e;
    const exec = new LongRun(['exec', '-i', 'echo', '-n', 'prod', '--hk-reason', 'INC-7 checking echo', '--hk-wait', '60s', '--', 'cat'], stack.env);
    const [waiting] = await exec.waitFor('stderr', /approval needed .*\n/);
    await stack.client('alice').review(requestIdIn(waiting), 'approve', 'INC-7: look, do not touch');
    exec.child.stdin!.end('through-the-gateway\n');
    const { code } = await exec.exited;
    expect(exec.stdout).toBe('through-the-gateway\n');
    expect(code).toBe(0);
  }, 60_000);

  it('refuses the ClusterRoleBinding to cluster-admin in an approved two-document manifest at the gateway, creates the rest, and logs the refusal', async () => {
    const { stack } = e2e;
    const file = join(stack.root, 'smuggle.yaml');
    writeFileSync(file, SMUGGLED_BINDING_MANIFEST);
    // create: a client-side apply first GETs each object, and agent-7 may not read
    // ClusterRoleBindings, so the cluster would refuse that read before the write reached the gateway.
    const created = await approved(['create', '-f', file, '-n', 'staging', '--hk-reason', 'INC-7 config']);
    expect(created.code).not.toBe(0);
    expect(created.stdout).toContain('configmap/innocent created');
    expect(created.stderr).toMatch(/Error from server \(Forbidden\): .*blocked by rule no-rbac-changes/);
    // A server-side apply sends each object in one PATCH: the gateway reads it and refuses the binding
    // (the sandbox API server itself has no server-side apply, so its ConfigMap fails there).
    const applied = await approved(['apply', '--server-side', '-f', file, '-n', 'staging', '--hk-reason', 'INC-7 config']);
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toMatch(/Error from server \(Forbidden\): .*blocked by rule no-rbac-changes/);
    const admin = await kubectl(['get', 'clusterrolebinding', 'agent-7-is-admin'], { env: { ...stack.env, KUBECONFIG: stack.adminKubeconfig } });
    expect(admin.stderr.toString()).toContain('NotFound');
    const refused: Array<Record<string, unknown>> = [];
    for await (const entry of stack.relay.store.read()) if (entry.type === 'gateway.refused') refused.push(entry as never);
    expect(refused.filter((entry) => entry.rule === 'no-rbac-changes' && entry.name === 'agent-7-is-admin')).toHaveLength(2);
  }, 60_000);

  it('passes on the cluster\'s own 403 naming agent-7 when the policy allows what agent-7\'s role does not', async () => {
    const result = await e2e.stack.hk(['create', 'configmap', 'probe', '-n', 'default', '--from-literal=a=b']);
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).toContain('configmaps is forbidden: User "agent-7" cannot create resource "configmaps" in API group "" in the namespace "default"');
  });

  it('refuses the session\'s grant once the session has closed', async () => {
    const { stack } = e2e;
    const watch = new LongRun(['get', 'pods', '-n', 'staging', '-w', '--request-timeout=3s'], stack.env);
    await watch.waitFor('stdout', /web-/);
    const environ = readFileSync(`/proc/${await watch.kubectlPid()}/environ`, 'utf8').split('\0');
    const path = environ.find((entry) => entry.startsWith('KUBECONFIG='))!.slice('KUBECONFIG='.length);
    const kept = join(stack.root, 'kept-session.kubeconfig');
    writeFileSync(kept, readFileSync(path));
    await watch.exited;
    const reused = await kubectl(['get', 'pods', '-n', 'staging'], { env: { ...stack.env, KUBECONFIG: kept } });
    expect(reused.code).toBe(1);
    expect(reused.stdout.toString()).toBe('');
    expect(reused.stderr.toString()).toMatch(/^error: You must be logged in to the server \(the session grant ended when session [0-9a-f-]{36} closed\)/m);
  }, 60_000);
});

describe('evidence from the boundary', () => {
  it('signs a manifest observed in gateway mode; verify reads the relay\'s record beside it, and flags a .cast altered afterwards', async () => {
    const { stack } = e2e;
    const before = await namesIn(stack.recordings);
    const listed = await stack.hk(['get', 'pods', '-n', 'prod']);
    expect(listed.code).toBe(0);
    const { session, castPath, manifestPath } = await newSession(stack.recordings, before);
    expect((await manifestPayload(manifestPath)).observed).toMatchObject({ mode: 'gateway' });

    const record = await relayGet(`/v1/sessions/${session}/record`, stack.tokens.alice);
    expect(record.status).toBe(200);
    writeFileSync(join(stack.recordings, `${session}.relay-record.jsonl`), record.body);
    const jwks = ['--jwks', `${stack.relay.url}/v1/jwks`];
    const verified = await hkubectl(['verify', manifestPath, ...jwks], { env: stack.env });
    expect(verified.stderr.toString()).toBe('');
    expect(verified.stdout.toString()).toContain('gateway mode — relay-observed');
    expect(verified.code).toBe(0);

    // The agent's machine rewrites its .cast without the output the relay saw go back to it.
    const cast = await readCast(castPath);
    const stripped = [JSON.stringify(cast.header), ...cast.events.filter(([, code]) => code !== 'o').map((event) => JSON.stringify(event))].join('\n');
    writeFileSync(castPath, `${stripped}\n`);
    const flagged = await hkubectl(['verify', manifestPath, ...jwks], { env: stack.env });
    expect(flagged.code).not.toBe(0);
    expect(flagged.stdout.toString()).toMatch(/^TAMPERED .*\n.*the recording was altered/m);
    expect(flagged.stdout.toString()).toContain('gateway mode — relay-observed');
  }, 60_000);

  it('flags a session whose wrapper reported no output while the relay saw output go back to the agent', async () => {
    const { stack } = e2e;
    // What a compromised machine would do: run the real kubectl, keep its output from the recording.
    const real = await which('kubectl');
    const hiding = join(stack.root, 'hiding-kubectl');
    writeFileSync(hiding, `#!/bin/sh\n${real} "$@" > ${join(stack.root, 'hidden-output')} 2>&1\n`);
    chmodSync(hiding, 0o755);
    const before = await namesIn(stack.recordings);
    const result = await hkubectl(['get', 'pods', '-n', 'prod'], { env: { ...stack.env, HKUBECTL_KUBECTL: hiding } });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('');
    expect(readFileSync(join(stack.root, 'hidden-output'), 'utf8')).toMatch(/payments-api-/);
    const { session, manifestPath } = await newSession(stack.recordings, before);
    const record = await relayGet(`/v1/sessions/${session}/record`, stack.tokens.alice);
    writeFileSync(join(stack.recordings, `${session}.relay-record.jsonl`), record.body);
    const flagged = await hkubectl(['verify', manifestPath, '--jwks', `${stack.relay.url}/v1/jwks`], { env: stack.env });
    expect(flagged.code).not.toBe(0);
    expect(flagged.stdout.toString()).toMatch(/the \.cast shows no output, but the relay's record saw \d+ bytes go back to the agent: the wrapper's recording disagrees with what crossed the boundary/);
  }, 60_000);
});
