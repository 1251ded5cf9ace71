// What an agent sends to kubectl on stdin is part of the record: commands piped into `exec -i`
// and manifests applied from `-f -` are recorded (masked) as input events, while the bytes still
// reach kubectl unchanged. Commands that do not read stdin leave it to the caller. Real kubectl,
// sandbox, dev IdP and relay (test/e2e/stack.ts).
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { HKUBECTL_BIN, run } from '../helpers/run.ts';
import { useStack } from './use-stack.ts';
import { eventsOf, manifestPayload, namesIn, newSession, readCast } from './sessions.ts';

const e2e = useStack({ podIn: 'staging' });

describe('stdin sent to kubectl', () => {
  it('records commands piped into `exec -i` as input, masked, and still runs them', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const token = `ghp_${randomBytes(18).toString('hex').slice(0, 36)}`;
    const script = `echo started\nexport GITHUB_TOKEN=${token}\nrm -f ./marker && echo removed\n`;
    const result = await e2e.stack.hk(['exec', '-i', e2e.pod, '-n', 'staging', '--', 'sh'], { stdin: script });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('started\nremoved\n');

    const { castPath, manifestPath } = await newSession(e2e.stack.recordings, before);
    const cast = await readCast(castPath);
    const input = eventsOf(cast, 'i');
    expect(input).toContain('echo started\n');
    expect(input).toContain('rm -f ./marker && echo removed\n');
    expect(input).toContain('GITHUB_TOKEN=[MASKED:');
    expect(cast.text).not.toContain(token.slice(4, 20));
    const manifest = await manifestPayload(manifestPath);
    expect(manifest.terminal).toBe(false);
    expect(Object.values(manifest.masking.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('records a manifest applied from `-f -` as input, with the Secret in it masked', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const manifest = [
      'apiVersion: v1', 'kind: Secret', 'metadata: { name: api-key, namespace: staging }', 'type: Opaque',
      'stringData:', '  key: Zq8-unguessable-Value-41', '---',
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: { name: settings, namespace: staging }', 'data: { mode: fast }', '',
    ].join('\n');
    const result = await e2e.stack.hk(['apply', '-f', '-', '-n', 'staging', '--dry-run=server'], { stdin: manifest });
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain('configmap/settings created (server dry run)');

    const { castPath } = await newSession(e2e.stack.recordings, before);
    const cast = await readCast(castPath);
    const input = eventsOf(cast, 'i');
    expect(input).toContain('kind: ConfigMap');
    expect(input).toContain('mode: fast');
    expect(cast.text).not.toContain('Zq8-unguessable-Value-41');
  });

  it('leaves stdin alone for a command that does not read it, so the caller still has it', async () => {
    const shell = `printf 'first\\nsecond\\n' | { "${process.execPath}" "${HKUBECTL_BIN}" get namespaces -o name >/dev/null; cat; }`;
    const result = await run('sh', ['-c', shell], { env: e2e.stack.env });
    expect(result.stderr.toString()).toBe('');
    expect(result.stdout.toString()).toBe('first\nsecond\n');
  });
});
