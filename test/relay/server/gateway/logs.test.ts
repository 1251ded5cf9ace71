// Followed logs through the gateway: masked line by line as they come, the stream in the relay's record.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KUBECTL } from '../../../helpers/run.ts';
import { useGatewayWorld } from './use-gateway-world.ts';

const gw = useGatewayWorld();

const SECRET = 'AKIAIOSFODNN7EXAMPLE';

describe('logs -f through the gateway', () => {
  it('masks each line as it arrives, and records the masked chunks', async () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'chatty', namespace: 'staging' },
      spec: { containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', `echo starting; sleep 1; echo "key=${SECRET}"; sleep 30`] }] },
    };
    await gw.adminCreate('/api/v1/namespaces/staging/pods', pod);
    const session = await gw.session(['logs', '-f', 'chatty', '-n', 'staging'], { namespace: 'staging' });
    const child = spawn(KUBECTL, ['logs', '-f', 'chatty', '-n', 'staging'], { env: { PATH: process.env.PATH, KUBECONFIG: session.kubeconfig, HOME: gw.world.root } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    for (let i = 0; i < 150 && !out.includes('key='); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(out).toContain('starting');
    expect(out).toContain('key=[MASKED:');
    expect(out).not.toContain(SECRET);
    child.kill();
    await gw.close(session.sessionId);
    const lines = await gw.record(session.sessionId);
    const logs = lines.filter((line) => line.type === 'log').map((line) => String(line.text)).join('');
    expect(logs).toContain('key=[MASKED:');
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  }, 60_000);
});
