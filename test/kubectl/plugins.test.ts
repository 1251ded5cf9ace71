// Plugins are programs: which `kubectl-<name>` file kubectl will exec, found as kubectl finds it.
// The real kubectl is the oracle: each plugin here prints its own name, so the file kubectl ran
// is known, and hkubectl's lookup must name the same file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPlugin } from '../../src/kubectl/plugin-lookup.ts';
import { KUBECTL_COMMANDS, pluginCandidates, pluginOf } from '../../src/kubectl/plugins.ts';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { OWN_COMMAND_NAMES } from '../../src/cli/own-command-names.ts';
import { KUBECTL } from '../helpers/run.ts';

let dir: string;
let bin: string;
let cwd: string;

function plugin(where: string, file: string, mode = 0o755): void {
  mkdirSync(where, { recursive: true });
  writeFileSync(join(where, file), `#!/bin/sh\necho "ran ${file}"\n`);
  chmodSync(join(where, file), mode);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hk-plugins-'));
  bin = join(dir, 'bin');
  cwd = join(dir, 'work');
  for (const name of ['kubectl-foo', 'kubectl-foo-bar', 'kubectl-dash_ed', 'kubectl-approve', 'kubectl-convert']) plugin(bin, name);
  plugin(bin, 'kubectl-notexec', 0o644);
  mkdirSync(join(bin, 'kubectl-adir'), { recursive: true });
  plugin(join(dir, 'later'), 'kubectl-notexec');
  plugin(cwd, 'kubectl-here');
  plugin(join(cwd, 'rel'), 'kubectl-relative');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What kubectl ran for these arguments: the plugin's file name, or null when it ran none. */
function kubectlRan(argv: string[], path: string): string | null {
  const answer = spawnSync(KUBECTL, argv, { env: { PATH: path, HOME: dir, KUBECONFIG: join(dir, 'none') }, cwd, encoding: 'utf8', input: '' });
  return /^ran (\S+)$/m.exec(answer.stdout)?.[1] ?? null;
}

describe('which plugin kubectl runs', () => {
  const path = () => `${bin}:${join(dir, 'later')}:/usr/bin:/bin`;
  it.each([
    [['foo']],
    [['foo', 'bar']],
    [['foo', 'bar', 'baz', 'x']],
    [['foo', 'baz']],
    [['foo', '--flag', 'bar']],
    [['dash-ed', 'x']],
    [['approve', 'R123']],
    [['convert', '-f', 'x.yaml']],
    [['notexec']],
    [['adir']],
    [['nope']],
    [['-v=1', 'foo']],
    [['get', 'foo']],
    [['help', 'foo']],
  ])('finds the file kubectl runs for kubectl %j', (argv) => {
    const ran = kubectlRan(argv, path());
    const found = findPlugin(argv, { PATH: path() }, cwd);
    expect(found === null ? null : found.path?.split('/').at(-1)).toBe(ran);
  });

  it('looks in the working directory for an empty PATH entry, and in relative entries, as kubectl does', () => {
    for (const [argv, pathValue] of [[['here'], `${bin}::/usr/bin`], [['relative'], `rel:/usr/bin`], [['here'], `${bin}:/usr/bin`]] as const) {
      const ran = kubectlRan([...argv], pathValue);
      const found = findPlugin(argv, { PATH: pathValue }, cwd);
      expect(found === null ? null : found.path?.split('/').at(-1)).toBe(ran);
    }
  });

  it('names the plugin with its path and the sha256 of its bytes', () => {
    const found = findPlugin(['foo', 'bar', 'x'], { PATH: bin }, cwd);
    expect(found).toEqual({
      name: 'foo-bar', path: join(bin, 'kubectl-foo-bar'),
      sha256: createHash('sha256').update(readFileSync(join(bin, 'kubectl-foo-bar'))).digest('hex'),
    });
  });
});

describe('plugin candidates in the command model', () => {
  it('tries the longest dash-joined name first, with `-` in a word read as `_`', () => {
    expect(pluginCandidates(['foo', 'bar-baz', 'x', '-n', 'y'])).toEqual(['foo-bar_baz-x', 'foo-bar_baz', 'foo']);
  });

  it('sees no plugin when the first word is a kubectl command, a flag, help or completion', () => {
    for (const argv of [['get', 'pods'], ['-n', 'x', 'foo'], ['help', 'foo'], ['__complete', 'foo'], ['--', 'foo'], []]) expect(pluginCandidates(argv)).toBeNull();
  });

  it('knows every top-level command of the real kubectl', () => {
    const listed = spawnSync(KUBECTL, ['__complete', ''], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line && !line.startsWith(':')).map((line) => line.split('\t')[0]);
    expect(listed.length).toBeGreaterThan(30);
    for (const command of listed) expect(KUBECTL_COMMANDS.has(command!)).toBe(true);
  });

  it('assumes command shadowing for `create <word>` (the relay cannot see the agent\'s environment), never for create\'s own subcommands', () => {
    expect(pluginOf(['create', 'widget', 'x'])).toEqual({ name: 'create-widget-x', path: null, sha256: null });
    expect(pluginOf(['create', 'deployment', 'web', '--image=nginx'])).toBeNull();
    expect(pluginCandidates(['create', 'widget'], {})).toBeNull();
  });

  it('models a plugin that shares its name with one of hkubectl\'s own commands (reached with `hkubectl -- approve`)', () => {
    for (const name of OWN_COMMAND_NAMES) expect(parseIntent([name, 'x']).plugin).toEqual({ name, path: null, sha256: null });
  });

  it('models a plugin that shadows nothing', () => {
    expect(parseIntent(['foo', 'bar']).plugin).toEqual({ name: 'foo', path: null, sha256: null });
    expect(parseIntent(['get', 'pods']).plugin).toBeNull();
  });
});
