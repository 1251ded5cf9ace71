// The relay's record survives the relay: a session interrupted by a relay stop mid-watch keeps the
// lines written so far, and the next relay on the same data directory closes it with them.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KUBECTL } from '../../../helpers/run.ts';
import { useGatewayWorld } from './use-gateway-world.ts';

const gw = useGatewayWorld();

describe('the relay record across a relay restart', () => {
  it('ends the agent\'s watch when the relay stops, and the next relay binds the partial record at close', async () => {
    const session = await gw.session(['get', 'pods', '-n', 'prod', '-w']);
    const child = spawn(KUBECTL, ['get', 'pods', '-n', 'prod', '-w'], { env: { PATH: process.env.PATH, KUBECONFIG: session.kubeconfig, HOME: gw.world.root } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && !out.includes('echo'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(out).toContain('echo');
    const dataDir = gw.relay.dataDir;
    const oldUrl = gw.relay.url;
    await gw.relay.stop();
    expect(await exited).not.toBe(0);
    const next = await gw.startRelay({ dataDir });
    // The grant is still the session's (the new relay folded it from the log): the session is open.
    expect(next.state.sessions.get(session.sessionId)?.gateway?.cluster).toBe('sandbox');
    await gw.close(session.sessionId, 'agent-7', next);
    const lines = await gw.record(session.sessionId, next);
    const watch = lines.find((line) => line.type === 'request' && String(line.query).includes('watch=true'));
    expect(watch).toBeDefined();
    expect(lines.find((line) => line.type === 'end' && line.id === watch!.id)).toMatchObject({ how: 'relay-stopped' });
    expect(lines.filter((line) => line.type === 'header')).toHaveLength(2);
    expect(lines.map((line) => line.n)).toEqual(lines.map((_, index) => index + 1));
    expect(lines.at(-1)).toMatchObject({ type: 'close' });
    // And the closed session's grant is dead on the new relay too.
    const moved = join(gw.world.root, 'moved.kubeconfig');
    await writeFile(moved, (await readFile(session.kubeconfig, 'utf8')).replace(oldUrl, next.url));
    const reused = await gw.kubectl({ kubeconfig: moved }, ['get', 'pods', '-n', 'prod']);
    expect(reused.stderr).toContain('You must be logged in to the server');
  }, 60_000);
});
