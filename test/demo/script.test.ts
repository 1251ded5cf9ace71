// The pure parts of the demo: how a step becomes hkubectl's argv, and the commands it suggests.
import { describe, expect, it } from 'vitest';
import { displayPath, nextSteps } from '../../src/demo/next-steps.ts';
import { DEMO_SCRIPT, stepArgv } from '../../src/demo/script.ts';

describe('stepArgv', () => {
  it('puts the agent\'s reason before a `--`, where it is still hkubectl\'s flag', () => {
    expect(stepArgv({ title: 't', args: ['exec', 'web', '--', 'df', '-h'], reason: 'INC-1: disk', expect: 'approval' }))
      .toEqual(['exec', 'web', '--hk-reason', 'INC-1: disk', '--', 'df', '-h']);
  });

  it('appends the reason when there is no `--`, and adds nothing without one', () => {
    expect(stepArgv({ title: 't', args: ['get', 'pods'], reason: 'look', expect: 'allowed' })).toEqual(['get', 'pods', '--hk-reason', 'look']);
    expect(stepArgv({ title: 't', args: ['get', 'pods'], expect: 'allowed' })).toEqual(['get', 'pods']);
  });

  it('gives every command that needs a human a reason and the approver a justification', () => {
    for (const step of DEMO_SCRIPT.filter((candidate) => candidate.expect === 'approval')) {
      expect(step.reason, step.title).toBeTruthy();
      expect(step.approval?.justification, step.title).toBeTruthy();
    }
  });
});

describe('next steps', () => {
  it('names the recordings dir relative to where the user is when it is below it', () => {
    expect(displayPath('/home/ann/work/recordings', '/home/ann/work')).toBe('recordings');
    expect(displayPath('/home/ann/work', '/home/ann/work')).toBe('.');
    expect(displayPath('/tmp/rec', '/home/ann/work')).toBe('/tmp/rec');
  });

  it('suggests replaying the chosen session and quotes paths a shell would split', () => {
    const steps = nextSteps('my recordings', 'abc');
    expect(steps.map((step) => step.command)).toEqual([
      "hkubectl replay 'my recordings/abc.cast'",
      "hkubectl play 'my recordings'",
      "hkubectl verify 'my recordings' --jwks 'my recordings/jwks.json'",
      "hkubectl audit export --since 1d --dir 'my recordings' --data 'my recordings/relay-log' --jwks 'my recordings/jwks.json' --out hkubectl-evidence.tar.gz",
    ]);
    expect(nextSteps('rec', null).map((step) => step.command)[0]).toBe('hkubectl play rec');
  });
});
