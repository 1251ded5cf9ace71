// `hkubectl completion bash|zsh`: the script is sourced in a real bash and its completion
// function called as bash calls it on TAB, for `hkubectl` and for the `kubectl` shim (a symlink
// to hkubectl first on PATH); candidates come from `hkubectl __complete`, own words and kubectl's.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HKUBECTL_BIN, hkubectl, run } from '../helpers/run.ts';
import { tempDir } from '../replay/fixtures.ts';
import { planCompletion, withoutConnectionFlags } from '../../src/cli/completion/own-complete.ts';

let dir: { path: string; remove(): Promise<void> };
let env: NodeJS.ProcessEnv;
let bashScript: string;
let zshScript: string;

beforeAll(async () => {
  dir = await tempDir('hk-completion-');
  const bin = join(dir.path, 'bin');
  await mkdir(bin);
  // `hkubectl` as an installed bin runs it, and `kubectl` is the shim: a link to the same file.
  await writeFile(join(bin, 'hkubectl'), `#!/bin/sh\nexec "${process.execPath}" "${HKUBECTL_BIN}" "$@"\n`, { mode: 0o755 });
  await symlink(HKUBECTL_BIN, join(bin, 'kubectl'));
  env = { PATH: `${bin}:${process.env.PATH}`, HOME: dir.path, HKUBECTL_CONFIG_DIR: join(dir.path, 'config'), HKUBECTL_DATA_DIR: join(dir.path, 'data') };
  const bash = await hkubectl(['completion', 'bash'], { env });
  expect(bash.code, bash.stderr.toString()).toBe(0);
  bashScript = join(dir.path, 'hkubectl.bash');
  await writeFile(bashScript, bash.stdout);
  const zsh = await hkubectl(['completion', 'zsh'], { env });
  expect(zsh.code, zsh.stderr.toString()).toBe(0);
  zshScript = zsh.stdout.toString();
});
afterAll(() => dir?.remove());

/** What bash offers for `line` (TAB at its end), as the values alone. */
async function complete(line: string): Promise<string[]> {
  const words = line.split(' ');
  const script = [
    `source ${JSON.stringify(bashScript)}`,
    `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    `COMP_LINE='${line}'`,
    'COMP_POINT=${#COMP_LINE}',
    // Menu completion: the values without cobra's padded descriptions.
    'COMP_TYPE=37',
    `__start_hkubectl ${JSON.stringify(words[0])} ${JSON.stringify(words.at(-1))} ${JSON.stringify(words.at(-2) ?? '')}`,
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = await run('bash', ['-c', script], { env });
  // compopt works only while bash itself runs a completion; called directly, it says so, harmlessly.
  expect(result.stderr.toString().split('\n').filter((l) => l !== '' && !l.endsWith('compopt: not currently executing completion function'))).toEqual([]);
  return result.stdout.toString().split('\n').filter(Boolean).map((entry) => entry.trim());
}

describe('hkubectl completion bash', () => {
  it('registers one completion function for hkubectl and for the kubectl shim', async () => {
    const result = await run('bash', ['-c', `source ${JSON.stringify(bashScript)}; complete -p hkubectl; complete -p kubectl`], { env });
    expect(result.stdout.toString().trim().split('\n')).toEqual([
      'complete -o default -F __start_hkubectl hkubectl',
      'complete -o default -F __start_hkubectl kubectl',
    ]);
  });

  it("completes hkubectl's own commands beside kubectl's at the first word", async () => {
    expect(await complete('hkubectl ap')).toEqual(expect.arrayContaining(['api-resources', 'api-versions', 'apply', 'approvals', 'approve']));
    expect(await complete('kubectl appr')).toEqual(['approvals', 'approve']);
  });

  it('completes --hk-* flags anywhere, and the values of --hk-output', async () => {
    expect((await complete('hkubectl get pods --hk-re')).sort()).toEqual(['--hk-reason', '--hk-recordings', '--hk-relay']);
    expect((await complete('hkubectl --hk-output ')).sort()).toEqual(['json', 'text']);
  });

  it("completes an own command's subcommands and flags, and kubectl's words after own flags", async () => {
    expect(await complete('hkubectl audit ex')).toEqual(['export']);
    expect(await complete('hkubectl audit export --sin')).toEqual(['--since']);
    expect(await complete('hkubectl --hk-reason x ro')).toEqual(['rollout']);
  });
});

describe('hkubectl completion zsh', () => {
  it('registers for hkubectl and the kubectl shim and renames every function, and parses', async () => {
    expect(zshScript).toMatch(/^#compdef hkubectl kubectl$/m);
    expect(zshScript).toMatch(/^compdef _hkubectl hkubectl kubectl$/m);
    expect(zshScript).toMatch(/^_hkubectl\(\)$/m);
    expect(zshScript).toContain('requestComp="${words[1]} __complete ${words[2,-1]}"');
    expect(zshScript.replace(/^\s*#.*$/gm, '')).not.toMatch(/(^|[^h])_kubectl\b/m);
    const zsh = ['/usr/bin/zsh', '/bin/zsh'].find((path) => { try { execFileSync(path, ['--version']); return true; } catch { return false; } });
    if (zsh) {
      const path = join(dir.path, '_hkubectl');
      await writeFile(path, zshScript);
      expect((await run(zsh, ['-n', path])).code).toBe(0);
    } else {
      // No zsh here: bash's parser accepts zsh's function and control syntax as used in this script.
      expect((await run('bash', ['-n', '-c', zshScript.replace(/\$\{words\[2,-1\]\}/g, '${words[2]}')])).stderr.toString()).toBe('');
    }
  });
});

describe('what a TAB may ask kubectl', () => {
  it('never lets a completion choose the cluster kubectl would reach', () => {
    expect(withoutConnectionFlags(['get', '--kubeconfig', '/x', '--server=https://10.0.0.1', '-s', 'h', '--insecure-skip-tls-verify', 'pods', '--', '--token'])).toEqual(['get', 'pods', '--', '--token']);
    expect(planCompletion(['get', '--context', 'prod', 'secrets', ''])).toEqual({ kind: 'kubectl', args: ['get', 'secrets'], partial: '', atCommand: false });
  });

  it('answers kubectl words without reaching any cluster: object names are not completed', async () => {
    // The agent's kubeconfig points at a server; completion must not read it.
    const kubeconfig = join(dir.path, 'kubeconfig');
    await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\ncontexts: [{name: c, context: {cluster: c}}]\ncurrent-context: c\n');
    const result = await hkubectl(['__complete', 'config', 'use-context', ''], { env: { ...env, KUBECONFIG: kubeconfig } });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).not.toContain('c\n');
  });
});
