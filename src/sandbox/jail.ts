// Where sandbox container processes run: inside a bubblewrap (`bwrap`) jail per process, or, only
// when that is unavailable and the caller accepts it, as plain host processes (labelled so).
//
// The jail (see bwrap(1)): new user (where the kernel allows it), mount, pid, net, ipc and uts
// namespaces; a read-only view of /usr and the /bin, /lib*, /sbin links, a handful of /etc files
// that programs need (never the host's passwd, shadow or credentials: the pod gets generated
// ones); /proc and a minimal /dev of its own; the rest of / read-only and empty, except the pod's
// private writable /root (HOME and working directory) and /tmp, which live in the pod's directory;
// loopback as its only network (--unshare-net); --die-with-parent so nothing outlives the sandbox,
// and --new-session (against TIOCSTI) except for tty execs. A tty exec's command gets a pty of
// its own from the jail's devpts through util-linux `script`: an interactive shell must own its
// terminal's foreground process group, which it cannot when the session leader (bwrap, on the
// host's side of the pid namespace) is invisible to it ("Cannot set tty process group"). `script`
// stays in the outer pty's session, so SIGWINCH reaches it and it passes the new size in; the
// jailed command's controlling terminal is the inner pty only.
//
// Limits are rlimits set by util-linux `prlimit` inside the jail, just before the command, so they
// hold for every process the command starts: CPU seconds, address space, process count, file size,
// open files. rlimits work unprivileged and as root alike; cgroups would give rates and totals but
// need root or a delegated cgroup, which a developer's machine or CI container rarely has.
// prlimit runs inside, after the user namespace exists, because the kernel counts RLIMIT_NPROC per
// user per namespace level and checks the outer level against the limit in force when the
// namespace was made: set outside, the jail's 256 would be compared with all of the host user's
// processes. The kernel never applies RLIMIT_NPROC to host root, so a sandbox running as root
// starts each pod's jails as a uid of the pod's own from a high unused range (its directories are
// handed to that uid): the process-count limit then holds, pods cannot signal one another, and a
// process escaping its user namespace lands unprivileged.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fixed PATH of the jail's system directories: pods never see the host's PATH. */
export const POD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type JailLimits = { cpuSeconds: number; memoryBytes: number; processes: number; fileBytes: number; openFiles: number };

export const DEFAULT_LIMITS: JailLimits = {
  cpuSeconds: 600,
  memoryBytes: 4 * 1024 ** 3, // address space: Node and the JVM reserve far more than they touch
  processes: 256,
  fileBytes: 1024 ** 3,
  openFiles: 1024,
};

export interface JailOptions {
  /** 'bubblewrap' (the default) isolates or, when it cannot, falls back to host processes with a warning; 'host' runs host processes on purpose. */
  mode?: 'bubblewrap' | 'host';
  /** Where bwrap is (default /usr/bin/bwrap; never looked up on PATH). */
  bwrapPath?: string;
  limits?: Partial<JailLimits>;
}

export type Isolation =
  | { isolated: true; description: string }
  | { isolated: false; reason: string };

/** The paths one pod's processes see, and where they live on the host. */
export type PodFs = { dir: string; home: string; tmp: string; etc: string; hostname: string; uid?: number };

/** One process to spawn: a host executable, its argv, and the uid/gid to spawn it as (root only). */
export type Launch = { file: string; args: string[]; cwd: string; uid?: number; gid?: number };

/** Pod uids when the sandbox runs as root: well above any login or system account. */
const POD_UID_BASE = 1_500_000_000;
/** Inside the jail, where only /usr is: the host's copy is the jail's copy. */
const PRLIMIT = '/usr/bin/prlimit';
const SCRIPT = '/usr/bin/script';
const SYSTEM_LINKS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** /etc entries that programs read to start (loader, alternatives, time zone, TLS roots). */
const ETC_READ_ONLY = ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'alternatives', 'localtime', 'nsswitch.conf', 'ssl/certs', 'ca-certificates', 'ca-certificates.conf'];
/** In-jail check that a command exists, answered as the kubelet does when it does not. */
const EXEC_WRAPPER = 'command -v -- "$1" >/dev/null 2>&1 || { printf \'%s\\n\' "OCI runtime exec failed: exec failed: unable to start container process: exec: \\"$1\\": executable file not found in \\$PATH: unknown" >&2; exit 126; }; exec "$@"';
export const NOT_FOUND_EXIT = 126;

type Variant = { userNamespace: boolean };

export class Jailer {
  private nextUid = POD_UID_BASE + Math.floor(Math.random() * 400_000) * 1000;

  private constructor(
    readonly isolation: Isolation,
    private readonly options: { bwrap: string; limits: JailLimits; variant?: Variant; asRoot: boolean },
  ) {}

  /**
   * Finds out once whether jails work here: a start-up self-check runs a jailed shell that must
   * see its own /root writable and must not see `probeDir` (a host directory). The first variant
   * that passes is used: with a user namespace, then (as root only) without one.
   */
  static detect(options: JailOptions, probeDir: string): Jailer {
    const bwrap = options.bwrapPath ?? '/usr/bin/bwrap';
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const asRoot = process.getuid?.() === 0;
    // As root the jails run as nobody, who must be able to pass through to the pod directories.
    if (asRoot) chmodSync(probeDir, 0o711);
    const base = { bwrap, limits, asRoot };
    if (options.mode === 'host') return new Jailer({ isolated: false, reason: 'started with host processes on purpose' }, base);
    if (!existsSync(bwrap)) return new Jailer({ isolated: false, reason: `${bwrap} not found (Debian package bubblewrap)` }, base);
    if (!existsSync(PRLIMIT)) return new Jailer({ isolated: false, reason: `${PRLIMIT} not found (Debian package util-linux)` }, base);
    if (!existsSync(SCRIPT)) return new Jailer({ isolated: false, reason: `${SCRIPT} not found (Debian package bsdutils)` }, base);
    const variants: Variant[] = asRoot ? [{ userNamespace: true }, { userNamespace: false }] : [{ userNamespace: true }];
    const failures: string[] = [];
    for (const variant of variants) {
      const candidate = new Jailer({ isolated: true, description: '' }, { ...base, variant });
      const failure = candidate.selfCheck(probeDir);
      if (failure === null) {
        const description = `bubblewrap (${variant.userNamespace ? 'user' : 'no user'} namespace; mount, pid, net, ipc, uts; limits: ${limits.processes} processes, ${Math.round(limits.memoryBytes / 1024 ** 2)} MiB address space, ${limits.cpuSeconds} CPU seconds)`;
        return new Jailer({ isolated: true, description }, { ...base, variant });
      }
      failures.push(failure);
    }
    return new Jailer({ isolated: false, reason: `bubblewrap failed its self-check: ${failures.join('; ')}` }, base);
  }

  private selfCheck(probeDir: string): string | null {
    const fs = this.preparePod(join(probeDir, 'self-check'), 'self-check');
    const launch = this.launch(fs, ['/bin/sh', '-c', `test -w /root && test -w /tmp && ! test -e ${shellQuote(probeDir)} && ! test -w /usr`], { tty: false });
    const r = spawnSync(launch.file, launch.args, { cwd: launch.cwd, env: { PATH: POD_PATH }, uid: launch.uid, gid: launch.gid, encoding: 'utf8', timeout: 10_000 });
    if (r.error) return r.error.message;
    if (r.status !== 0) return (r.stderr.trim().split('\n').pop() ?? '') || `exit ${r.status}`;
    return null;
  }

  /** Makes the pod's directory: private /root and /tmp (writable by the jail) and generated /etc files. */
  preparePod(dir: string, hostname: string): PodFs {
    const fs: PodFs = { dir, home: join(dir, 'root'), tmp: join(dir, 'tmp'), etc: join(dir, 'etc'), hostname };
    if (this.isolation.isolated && this.options.asRoot) fs.uid = this.nextUid++;
    for (const d of [fs.home, fs.tmp, fs.etc]) mkdirSync(d, { recursive: true });
    writeFileSync(join(fs.etc, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
    writeFileSync(join(fs.etc, 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    writeFileSync(join(fs.etc, 'hostname'), `${hostname}\n`);
    writeFileSync(join(fs.etc, 'hosts'), `127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\t${hostname}\n`);
    if (fs.uid !== undefined) {
      // The jail runs as the pod's uid (see the top): it must reach and write its own dirs.
      chmodSync(dir, 0o711);
      for (const d of [fs.home, fs.tmp]) {
        chownSync(d, fs.uid, fs.uid);
        chmodSync(d, 0o700);
      }
    }
    return fs;
  }

  /** The host path of the working directory a pod process starts in. */
  home(fs: PodFs): string {
    return this.isolation.isolated ? '/root' : fs.home;
  }

  /**
   * How to start `argv` in the pod: jailed when isolation works, else on the host. A missing
   * command is reported from inside (exit 126 with the kubelet's message) when `checkCommand`.
   */
  launch(fs: PodFs, argv: string[], how: { tty: boolean; checkCommand?: boolean }): Launch {
    const checked = how.checkCommand ? ['/bin/sh', '-c', EXEC_WRAPPER, 'sh', ...argv] : argv;
    const variant = this.options.variant;
    if (!this.isolation.isolated || !variant) return { file: checked[0]!, args: checked.slice(1), cwd: fs.home };
    const command = how.tty ? [SCRIPT, '--quiet', '--flush', '--return', '--command', checked.map(shellQuote).join(' '), '/dev/null'] : checked;
    const l = this.options.limits;
    const limits = [PRLIMIT, `--cpu=${l.cpuSeconds}`, `--as=${l.memoryBytes}`, `--nproc=${l.processes}`, `--fsize=${l.fileBytes}`, `--nofile=${l.openFiles}`, '--'];
    const namespaces = variant.userNamespace
      ? ['--unshare-user', '--uid', '0', '--gid', '0']
      : ['--uid', String(fs.uid), '--gid', String(fs.uid)];
    const bwrap = [
      ...namespaces, '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--hostname', fs.hostname,
      '--die-with-parent', ...(how.tty ? ['--setenv', 'SHELL', '/bin/sh'] : ['--new-session']), '--cap-drop', 'ALL',
      '--ro-bind', '/usr', '/usr', ...systemLinks(),
      ...etcEntries(fs),
      '--proc', '/proc', '--dev', '/dev',
      '--bind', fs.home, '/root', '--bind', fs.tmp, '/tmp',
      '--remount-ro', '/',
      '--chdir', '/root',
      '--', ...limits, ...command,
    ];
    const drop = fs.uid !== undefined && variant.userNamespace ? { uid: fs.uid, gid: fs.uid } : {};
    return { file: this.options.bwrap, args: bwrap, cwd: '/', ...drop };
  }
}

function systemLinks(): string[] {
  const args: string[] = [];
  for (const path of SYSTEM_LINKS) {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(path), path);
    else if (stat.isDirectory()) args.push('--ro-bind', path, path);
  }
  return args;
}

function etcEntries(fs: PodFs): string[] {
  const args: string[] = [];
  for (const name of ETC_READ_ONLY) if (existsSync(join('/etc', name))) args.push('--ro-bind', join('/etc', name), join('/etc', name));
  for (const name of ['passwd', 'group', 'hostname', 'hosts']) args.push('--ro-bind', join(fs.etc, name), join('/etc', name));
  return args;
}

/** One word for `sh -c`, whatever it holds. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, "'\\''")}'`;
}
