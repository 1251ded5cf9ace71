// What a kubelet would do for sandbox pods, with local processes standing in for containers:
// each pod gets its own temp directory (its private /root and /tmp); a container with a command
// runs it in a bubblewrap jail (see jail.ts) and its output is the container's log; a container
// without one "runs" an idle process-less workload whose log says so. Everything a pod started
// dies with the pod, and with the sandbox.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EventRecorder } from './controllers/events.ts';
import { POD_PATH, type Jailer, type PodFs } from './jail.ts';
import type { KubeObject } from './object.ts';
import type { Cluster } from './operations.ts';
import { findResource } from './resources.ts';
import type { Change } from './store.ts';

const PODS = findResource('', 'v1', 'pods')!;
const LOG_LIMIT = 1024 * 1024;

type Container = { name: string; image?: string; command?: string[]; args?: string[]; env?: { name: string; value?: string }[]; ports?: { containerPort: number }[] };
type ContainerLog = { text: string; followers: Set<(chunk: string | null) => void> };
type Killable = { pid?: number; kill(signal?: NodeJS.Signals): boolean };
type PodState = { uid: string; dir: string; fs: PodFs; ip: string; logs: Map<string, ContainerLog>; processes: Set<Killable> };

const podKey = (ns: string | undefined, name: string | undefined) => `${ns}/${name}`;
const stamp = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** Kills a process and everything it started (it leads its own process group). */
export function killTree(child: { pid?: number; kill(signal?: NodeJS.Signals): boolean }): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
}

export class PodRuntime {
  private readonly pods = new Map<string, PodState>();
  private nextIp = 10;
  private readonly off: () => void;

  constructor(private readonly cluster: Cluster, private readonly root: string, private readonly record: EventRecorder, readonly jailer: Jailer) {
    this.off = cluster.store.onChange((c) => this.onChange(c));
  }

  private onChange(c: Change): void {
    if (c.resource !== PODS) return;
    const key = podKey(c.object.metadata.namespace, c.object.metadata.name);
    if (c.type === 'DELETED') {
      const state = this.pods.get(key);
      if (state && state.uid === c.object.metadata.uid) this.teardown(key, state);
    } else if (c.type === 'ADDED') {
      setImmediate(() => this.start(c.object));
    }
  }

  private teardown(key: string, state: PodState): void {
    this.pods.delete(key);
    for (const p of state.processes) killTree(p);
    for (const log of state.logs.values()) for (const f of log.followers) f(null);
    rmSync(state.dir, { recursive: true, force: true });
  }

  state(pod: KubeObject): PodState | undefined {
    const state = this.pods.get(podKey(pod.metadata.namespace, pod.metadata.name));
    return state && state.uid === pod.metadata.uid ? state : undefined;
  }

  appendLog(state: PodState, container: string, text: string): void {
    const log = state.logs.get(container);
    if (!log) return;
    log.text = (log.text + text).slice(-LOG_LIMIT);
    for (const f of log.followers) f(text);
  }

  log(pod: KubeObject, container: string): ContainerLog | undefined {
    return this.state(pod)?.logs.get(container);
  }

  env(pod: KubeObject, container: Container | undefined, state: PodState): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { PATH: POD_PATH, HOME: this.jailer.home(state.fs), HOSTNAME: pod.metadata.name, POD_NAME: pod.metadata.name, POD_NAMESPACE: pod.metadata.namespace, POD_IP: state.ip };
    for (const e of container?.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    return env;
  }

  /** Ties a process to the pod: it is killed when the pod goes. Returns the untie for its exit. */
  track(state: PodState, child: Killable): () => void {
    state.processes.add(child);
    return () => state.processes.delete(child);
  }

  private start(created: KubeObject): void {
    const { store, now } = this.cluster;
    const pod = store.get(PODS, created.metadata.namespace, created.metadata.name ?? '');
    if (!pod || pod.metadata.uid !== created.metadata.uid || pod.status?.phase !== 'Pending') return;
    const key = podKey(pod.metadata.namespace, pod.metadata.name);
    const dir = join(this.root, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
    mkdirSync(dir, { recursive: true });
    const fs = this.jailer.preparePod(dir, pod.metadata.name ?? 'pod');
    const containers = (pod.spec.containers ?? []) as Container[];
    const state: PodState = { uid: pod.metadata.uid ?? '', dir, fs, ip: `10.244.${Math.floor(this.nextIp / 250)}.${(this.nextIp % 250) + 1}`, logs: new Map(), processes: new Set() };
    this.nextIp += 1;
    this.pods.set(key, state);
    for (const c of containers) state.logs.set(c.name, { text: '', followers: new Set() });
    this.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to sandbox-node`, 'default-scheduler');

    const startedAt = stamp(now());
    for (const c of containers) {
      this.record(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, 'kubelet');
      this.record(pod, 'Normal', 'Created', `Created container ${c.name}`, 'kubelet');
      this.record(pod, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet');
      const argv = [...(c.command ?? []), ...(c.args ?? [])];
      if (argv.length === 0) {
        const ports = (c.ports ?? []).map((p) => p.containerPort);
        this.appendLog(state, c.name, `sandbox: container ${c.name} started from image ${c.image}\n${ports.map((p) => `sandbox: serving HTTP on port ${p}\n`).join('')}`);
        continue;
      }
      this.runContainer(pod, c, argv, state);
    }
    const conditions = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: startedAt }));
    store.update(PODS, {
      ...pod,
      status: {
        phase: 'Running', conditions, hostIP: '10.0.0.10', hostIPs: [{ ip: '10.0.0.10' }], podIP: state.ip, podIPs: [{ ip: state.ip }], startTime: startedAt, qosClass: 'BestEffort',
        containerStatuses: containers.map((c) => ({
          name: c.name, image: c.image, imageID: `sandbox://${c.image}`, containerID: `sandbox://${pod.metadata.uid}/${c.name}`,
          ready: true, started: true, restartCount: 0, state: { running: { startedAt } },
        })),
      },
    });
  }

  private runContainer(pod: KubeObject, c: Container, argv: string[], state: PodState): void {
    const launch = this.jailer.launch(state.fs, argv, { tty: false });
    const child = spawn(launch.file, launch.args, { cwd: launch.cwd, uid: launch.uid, gid: launch.gid, env: this.env(pod, c, state), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('exit', this.track(state, child));
    child.stdout?.on('data', (d: Buffer) => this.appendLog(state, c.name, d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => this.appendLog(state, c.name, d.toString('utf8')));
    child.on('error', (error) => this.containerExited(pod, c.name, state, 128, error.message));
    child.on('exit', (code, signal) => this.containerExited(pod, c.name, state, code ?? (signal ? 137 : 1)));
  }

  private containerExited(created: KubeObject, name: string, state: PodState, exitCode: number, error?: string): void {
    if (error) this.appendLog(state, name, `sandbox: failed to start container: ${error}\n`);
    const { store, now } = this.cluster;
    const pod = store.get(PODS, created.metadata.namespace, created.metadata.name ?? '');
    if (!pod || pod.metadata.uid !== created.metadata.uid || this.state(pod) !== state) return;
    const statuses = (pod.status?.containerStatuses ?? []) as { name: string; ready: boolean; started: boolean; state: unknown }[];
    for (const s of statuses) {
      if (s.name !== name) continue;
      s.ready = false;
      s.started = false;
      s.state = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: pod.status.startTime, finishedAt: stamp(now()), containerID: `sandbox://${pod.metadata.uid}/${name}` } };
    }
    const finished = statuses.every((s) => (s.state as { terminated?: { exitCode: number } }).terminated);
    const failed = statuses.some((s) => ((s.state as { terminated?: { exitCode: number } }).terminated?.exitCode ?? 0) !== 0);
    const ready = statuses.every((s) => s.ready) ? 'True' : 'False';
    const conditions = (pod.status.conditions ?? []).map((c: { type: string }) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: ready, ...(ready === 'False' ? { reason: finished ? 'PodCompleted' : 'ContainersNotReady' } : {}) } : c));
    store.update(PODS, { ...pod, status: { ...pod.status, conditions, containerStatuses: statuses, phase: finished ? (failed ? 'Failed' : 'Succeeded') : pod.status.phase } });
  }

  stop(): void {
    this.off();
    for (const [key, state] of this.pods) this.teardown(key, state);
  }
}
