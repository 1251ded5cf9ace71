// `kubectl exec` over WebSocket. Each message starts with a channel byte: 0 stdin, 1 stdout,
// 2 stderr, 3 error (a Status with the exit code, from v4 on), 4 resize (v3+), 255 close
// (v5: the client closed one of its streams, e.g. stdin EOF). The command runs in the pod's jail
// (see jail.ts), in a pty when tty=true; it is killed when the client goes away or the pod goes.
import { spawn } from 'node:child_process';
import * as pty from 'node-pty';
import type { WebSocket } from 'ws';
import type { KubeObject } from './object.ts';
import type { PodRuntime } from './runtime.ts';
import { killTree } from './runtime.ts';

/** How long a tty exec waits for the client's first terminal size before starting at 80x24. */
const FIRST_RESIZE_WAIT_MS = 500;

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

export type ExecRequest = { command: string[]; container?: string; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean };

export function parseExecQuery(query: URLSearchParams): ExecRequest {
  const on = (k: string) => query.get(k) === 'true' || query.get(k) === '1';
  return { command: query.getAll('command'), container: query.get('container') ?? undefined, stdin: on('stdin'), stdout: on('stdout'), stderr: on('stderr'), tty: on('tty') };
}

/** The kubelet's answer on the error channel: Success, or NonZeroExitCode carrying the code. */
function exitStatus(command: string[], code: number): object {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function runExec(ws: WebSocket, runtime: PodRuntime, pod: KubeObject, request: ExecRequest): void {
  const version = ws.protocol === 'channel.k8s.io' ? 1 : Number(/^v(\d)/.exec(ws.protocol)?.[1] ?? 1);
  const send = (channel: number, data: Buffer | string) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
  };
  let finished = false;
  const finish = (code: number, message?: string) => {
    if (finished) return;
    finished = true;
    if (version >= 4) send(3, JSON.stringify(exitStatus(request.command, code)));
    else if (code !== 0) send(3, message ?? `command terminated with non-zero exit code: ${code}`);
    ws.close(1000);
  };

  const state = runtime.state(pod);
  const containers = (pod.spec?.containers ?? []) as { name: string }[];
  const container = containers.find((c) => c.name === (request.container ?? containers[0]?.name));
  if (!state || !container || request.command.length === 0) {
    const why = !state ? `pod ${pod.metadata.name} is not running` : !container ? `container not found ("${request.container}")` : 'command is required';
    send(3, JSON.stringify({ metadata: {}, status: 'Failure', message: why, reason: 'BadRequest', code: 400 }));
    ws.close(1000);
    return;
  }
  const env = runtime.env(pod, container as never, state);
  // Whether the command exists is asked inside the jail, in the view the command would run in
  // (a host-side check would follow the pod's own symlinks out onto the host).
  const launch = runtime.jailer.launch(state.fs, request.command, { tty: request.tty, checkCommand: true });

  let writeStdin: (data: Buffer) => void;
  let endStdin: () => void;
  let resize: (cols: number, rows: number) => void = () => {};
  let kill: () => void;

  if (request.tty) {
    // kubectl sends the terminal's size just after the stream opens; starting the process before
    // it arrives would show it 80x24 for its first moments (`stty size` would lie). So the start
    // waits for that first size, or a short while, and input sent meanwhile is queued.
    let term: ReturnType<typeof pty.spawn> | undefined;
    const early: Buffer[] = [];
    let earlyEnd = false;
    const start = (cols: number, rows: number): void => {
      clearTimeout(fallback);
      if (term || finished) return;
      term = pty.spawn(launch.file, launch.args, { name: 'xterm', cols, rows, cwd: launch.cwd, uid: launch.uid, gid: launch.gid, env: { ...env, TERM: 'xterm' } as Record<string, string> });
      const started = term;
      started.onData((d) => send(1, d));
      const untrack = runtime.track(state, { pid: started.pid, kill: (sig) => (started.kill(sig), true) });
      started.onExit(({ exitCode, signal }) => {
        untrack();
        finish(signal ? 128 + signal : exitCode);
      });
      for (const chunk of early.splice(0)) started.write(chunk.toString('utf8'));
      if (earlyEnd) started.write('\x04');
    };
    const fallback = setTimeout(() => start(80, 24), FIRST_RESIZE_WAIT_MS);
    writeStdin = (d) => (term ? term.write(d.toString('utf8')) : early.push(Buffer.from(d)));
    endStdin = () => (term ? term.write('\x04') : (earlyEnd = true));
    resize = (cols, rows) => (term ? term.resize(Math.max(1, cols), Math.max(1, rows)) : start(Math.max(1, cols), Math.max(1, rows)));
    kill = () => {
      clearTimeout(fallback);
      if (term) killTree({ pid: term.pid, kill: (sig) => (term!.kill(sig), true) });
    };
  } else {
    const child = spawn(launch.file, launch.args, { cwd: launch.cwd, uid: launch.uid, gid: launch.gid, env, detached: true, stdio: [request.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    child.on('exit', runtime.track(state, child));
    child.stdout?.on('data', (d: Buffer) => request.stdout && send(1, d));
    child.stderr?.on('data', (d: Buffer) => request.stderr && send(2, d));
    child.stdin?.on('error', () => {}); // the process may exit before reading its stdin
    child.on('error', (error) => finish(126, error.message));
    child.on('close', (code, signal) => finish(code ?? (signal ? 137 : 1)));
    writeStdin = (d) => child.stdin?.write(d);
    endStdin = () => child.stdin?.end();
    kill = () => killTree(child);
  }

  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    const data = isBinary ? raw : Buffer.from(raw.toString('utf8'));
    if (data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === 0) writeStdin(payload);
    else if (channel === 4) {
      try {
        const size = JSON.parse(payload.toString('utf8')) as { Width?: number; Height?: number };
        resize(size.Width ?? 80, size.Height ?? 24);
      } catch { /* a malformed resize is ignored, as the kubelet does */ }
    } else if (channel === 255 && payload[0] === 0) endStdin();
  });
  // However the client leaves (clean close, reset, half-open), the process goes with it.
  ws.on('close', () => {
    finished = true;
    kill();
  });
  ws.on('error', () => kill());
}
