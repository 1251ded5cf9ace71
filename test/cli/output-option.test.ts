// One output convention for own commands: `-o json` and `--hk-output json` are accepted by every
// one of them, at every level; where a command has no JSON form of its own, its messages are JSON.
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownCommands } from '../../src/cli/registry.ts';
import { withOutputOption } from '../../src/cli/own-command.ts';
import { hkubectl } from '../helpers/run.ts';
import { tempDir } from '../replay/fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  dir = await tempDir('hk-output-');
  env = { PATH: process.env.PATH, HOME: dir.path, HKUBECTL_CONFIG_DIR: join(dir.path, 'config'), HKUBECTL_DATA_DIR: join(dir.path, 'data') };
});
afterAll(() => dir?.remove());

function everyCommand(command: Command, path: string[] = []): Array<{ path: string; command: Command }> {
  const here = [...path, command.name()];
  return [{ path: here.join(' '), command }, ...command.commands.flatMap((sub) => everyCommand(sub, here))];
}

describe('-o json', () => {
  it('is an option of every own command and subcommand, with the choices text and json', async () => {
    const missing: string[] = [];
    for (const load of Object.values(ownCommands)) {
      const root = await (await load()).default();
      withOutputOption(root);
      for (const { path, command } of everyCommand(root)) {
        const option = command.options.find((candidate) => candidate.long === '--output');
        if (option?.short !== '-o' || JSON.stringify(option.argChoices) !== '["text","json"]') missing.push(path);
      }
    }
    expect(missing).toEqual([]);
  });

  it('makes the messages of a command without a JSON form of its own JSON, as --hk-output json does', async () => {
    for (const flags of [['-o', 'json'], ['--hk-output', 'json']]) {
      const result = await hkubectl(['token', ...flags], { env });
      expect(result.code).toBe(78);
      expect(JSON.parse(result.stderr.toString())).toMatchObject({ error: { code: expect.stringMatching(/^ERR_/), exitCode: 78 } });
    }
    const policy = await hkubectl(['policy', 'check', '-o', 'json', '--', 'get', 'pods', '-o', 'yaml'], { env });
    expect(policy.code).toBe(0);
    expect(JSON.parse(policy.stdout.toString())).toMatchObject({ decision: 'allow' });
  });
});
