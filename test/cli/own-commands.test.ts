import { describe, expect, it } from 'vitest';
import { OWN_COMMAND_NAMES } from '../../src/cli/own-command-names.ts';
import { ownCommands } from '../../src/cli/registry.ts';
import { hkubectl } from '../helpers/run.ts';

describe('own commands', () => {
  it('are routed by exactly the names that have a command module', () => {
    expect([...OWN_COMMAND_NAMES].sort()).toEqual(Object.keys(ownCommands).sort());
  });

  it('each build a command named after their word, with a description for --hk-help', async () => {
    for (const [name, load] of Object.entries(ownCommands)) {
      const command = await (await load()).default();
      expect(command.name()).toBe(name);
      expect(command.description().length).toBeGreaterThan(10);
    }
  });

  it('are listed with the own flags by --hk-help', async () => {
    const result = await hkubectl(['--hk-help']);
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    for (const name of OWN_COMMAND_NAMES) expect(text).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(text).toContain('--hk-reason VALUE');
    expect(text).toContain('HKUBECTL_REASON');
  });

  it('turn a bad option into exit 64 with one hkubectl: line', async () => {
    const result = await hkubectl(['policy', '--no-such-option']);
    expect(result.code).toBe(64);
    expect(result.stderr.toString()).toMatch(/^hkubectl: unknown option '--no-such-option' — run `hkubectl policy --help`\n$/);
  });

  it('print their help and exit 0', async () => {
    const result = await hkubectl(['policy', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain('Usage: hkubectl policy');
  });
});
