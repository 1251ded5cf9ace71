// The kubeconfig of one gateway-mode run: one cluster (the relay's gateway endpoint for the
// decided cluster), one user (the session grant as a bearer token), one context. kubectl gets it
// through KUBECONFIG, so the grant never appears on a command line (`ps` shows argv to every
// user) nor in the recording. It lives in a private directory (0700) as a 0600 file named
// `<session>.<pid>.kubeconfig`: removed when the run ends, and, when hkubectl itself was killed
// (SIGKILL leaves no chance to clean up), at the next run, whose sweep removes every file whose
// owner process is gone.
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { isSessionId } from '../contract/manifest.ts';
import type { GatewayGrant } from '../contract/relay-api.ts';
import { ConfigError } from '../errors.ts';

const SUFFIX = '.kubeconfig';
const FILE_NAME = /^([A-Za-z0-9_-]{1,128})\.([1-9][0-9]{0,9})\.kubeconfig$/;
/** The user entry's name: nothing selects it but the context below (the agent's `--user` is taken out of argv). */
export const SESSION_USER = 'hkubectl-session';

export interface SessionKubeconfig {
  path: string;
  /** Removes the file; safe to call more than once. */
  remove(): void;
}

export interface SessionKubeconfigInput {
  dir: string;
  session: string;
  grant: GatewayGrant;
  /** The namespace the command acts in when it names none (the agent's context's, else "default"). */
  namespace: string;
  /** The agent's context name, kept so that kubectl's messages name what the agent knows; the cluster's name otherwise. */
  contextName: string | null;
}

/**
 * Where session kubeconfigs live: `$XDG_RUNTIME_DIR/hkubectl/kubeconfigs` (a per-user tmpfs the
 * system empties at logout, by the XDG spec), else `<data dir>/run/kubeconfigs`.
 */
export function sessionKubeconfigDir(env: NodeJS.ProcessEnv, dataDir: string): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime && runtime.startsWith('/') ? join(runtime, 'hkubectl', 'kubeconfigs') : join(dataDir, 'run', 'kubeconfigs');
}

/**
 * The document, as JSON (which kubectl reads as the YAML it is a subset of, with no quoting to
 * get wrong). Pure; the grant is checked first.
 */
export function sessionKubeconfigDocument(grant: GatewayGrant, namespace: string, contextName: string | null): Record<string, unknown> {
  checkGrant(grant);
  const cluster: Record<string, string> = { server: grant.server };
  if (grant.caPem !== undefined) cluster['certificate-authority-data'] = Buffer.from(grant.caPem, 'utf8').toString('base64');
  const context = contextName || grant.cluster;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: grant.cluster, cluster }],
    users: [{ name: SESSION_USER, user: { token: grant.token } }],
    contexts: [{ name: context, context: { cluster: grant.cluster, user: SESSION_USER, namespace } }],
    'current-context': context,
    preferences: {},
  };
}

/**
 * A grant whose bearer could leave the machine in clear text, or that kubectl would read as
 * something else, is refused: http:// only to a loopback address, a token without whitespace,
 * a CA that is PEM.
 */
export function checkGrant(grant: GatewayGrant): void {
  const bad = (why: string): never => {
    throw new ConfigError('ERR_GATEWAY_GRANT', `the relay's gateway grant cannot be used: ${why}`, {
      hint: 'nothing was run; the relay\'s clusters: configuration (or its listener) needs fixing',
    });
  };
  let url: URL;
  try {
    url = new URL(grant.server);
  } catch {
    return bad('its server is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) bad(`its server ${url.origin} is neither https nor plain http on a loopback address`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') bad('its server URL carries credentials, a query or a fragment');
  if (typeof grant.token !== 'string' || !/^[\x21-\x7e]{16,4096}$/.test(grant.token)) bad('its token is not a printable bearer of 16 to 4096 characters');
  if (grant.caPem !== undefined && !/^-----BEGIN CERTIFICATE-----/m.test(grant.caPem)) bad('its CA is not a PEM certificate');
  if (typeof grant.cluster !== 'string' || grant.cluster === '' || grant.cluster.length > 253) bad('it names no cluster');
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Creates the directory if need be and makes sure it is ours alone: a real directory, our uid, mode 0700. */
export function preparePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = lstatSync(dir);
    if (!info.isDirectory()) throw new Error('it is not a directory');
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) throw new Error('another user owns it');
    // mkdir's mode is filtered by the umask, and an existing directory keeps whatever it had.
    if ((info.mode & 0o077) !== 0) throw new Error(`its mode is ${(info.mode & 0o777).toString(8)}, not 700`);
  } catch (error) {
    throw new ConfigError('ERR_SESSION_KUBECONFIG', `cannot keep the session kubeconfig in ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      hint: 'nothing was run; the directory must be a private (0700) directory of this user (set XDG_RUNTIME_DIR or HKUBECTL_DATA_DIR elsewhere)',
      cause: error,
    });
  }
}

/** Whether a process with this id still exists (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process with this id started (ms since the epoch), from Linux's /proc; null where that
 * cannot be read. A process that started after a file was written is not the one that wrote it:
 * its id was reused.
 */
export function processStartedAt(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, clock ticks since boot) counts from after the command name, which
    // may hold spaces and parentheses: split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    // USER_HZ is 100 on every Linux architecture Node runs on.
    return Number.isFinite(ticks) && Number.isFinite(bootTime) ? (bootTime + ticks / 100) * 1000 : null;
  } catch {
    return null;
  }
}

/** Whether the process that wrote a file at `writtenAt` (ms) is still running. */
function ownerAlive(pid: number, writtenAt: number, alive: (pid: number) => boolean): boolean {
  if (!alive(pid)) return false;
  const started = processStartedAt(pid);
  // The boot time is kept to the second: two seconds of slack keep a live owner's file.
  return started === null || started <= writtenAt + 2000;
}

/**
 * Removes the session kubeconfigs whose owner process is gone (a run killed with SIGKILL, also
 * when its process id has since been given to another process), and any `.kubeconfig` whose
 * name does not say its owner. Returns the names removed.
 */
export function sweepStaleKubeconfigs(dir: string, alive: (pid: number) => boolean = processAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = FILE_NAME.exec(name);
    const pid = match ? Number(match[2]) : null;
    if (pid === process.pid) continue;
    if (pid !== null) {
      const writtenAt = lstatSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs;
      if (writtenAt === undefined || ownerAlive(pid, writtenAt, alive)) continue;
    }
    if (pid === null && !name.endsWith(SUFFIX)) continue;
    try {
      rmSync(join(dir, name), { force: true, recursive: false });
      removed.push(name);
    } catch {
      // Not a file (a directory planted under such a name): left where it is, never followed.
    }
  }
  return removed;
}

/**
 * Writes the session's kubeconfig (0600, created new: an existing file or a link at its name is
 * an error, never followed) and registers its removal at process exit, in case the run ends by
 * `process.exit` rather than through the caller's `finally`.
 */
export function writeSessionKubeconfig(input: SessionKubeconfigInput, pid: number = process.pid): SessionKubeconfig {
  if (!isSessionId(input.session)) throw new ConfigError('ERR_GATEWAY_GRANT', 'the relay answered with a session id that cannot name a file');
  const text = `${JSON.stringify(sessionKubeconfigDocument(input.grant, input.namespace, input.contextName), null, 2)}\n`;
  preparePrivateDir(input.dir);
  sweepStaleKubeconfigs(input.dir);
  const path = join(input.dir, `${input.session}.${pid}${SUFFIX}`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw new ConfigError('ERR_SESSION_KUBECONFIG', `cannot write the session kubeconfig ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'nothing was run', cause: error,
    });
  }
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    rmSync(path, { force: true });
  };
  process.on('exit', remove);
  try {
    // The umask cannot widen 0600, but a mode set by open is only what was asked for: check it.
    if ((fstatSync(fd).mode & 0o077) !== 0) throw new Error('the file is readable by others');
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
  } catch (error) {
    closeSync(fd);
    remove();
    throw new ConfigError('ERR_SESSION_KUBECONFIG', `cannot write the session kubeconfig ${path}: ${(error as Error).message}`, { hint: 'nothing was run', cause: error });
  }
  closeSync(fd);
  return { path, remove };
}
