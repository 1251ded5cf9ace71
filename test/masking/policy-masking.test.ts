// The policy's `masking:` section reaches governed sessions: the relay sends it with every allow,
// the wrapper's maskers take it on top of the decided profile, and the relay's own check of the
// recording uses it too (an allowed address is not a leak). Real kubectl, sandbox, dev IdP and
// relay (test/e2e/stack.ts), with the default policy plus a masking section.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_YAML, loadPolicy, PolicyError } from '../../src/policy/index.ts';
import { useStack } from '../e2e/use-stack.ts';
import { eventsOf, manifestPayload, namesIn, newSession, readCast } from '../e2e/sessions.ts';

const MASKING = `
masking:
  allowDomains: [bank.example]
  allow: [TCK-00000]
  detectors:
    - { id: ticket, description: incident ticket ids, pattern: "TCK-[0-9]{5}" }
`;

const e2e = useStack({ podIn: 'staging', policy: loadPolicy(DEFAULT_POLICY_YAML + MASKING, 'bank-policy.yaml') });

describe('a policy with a masking section', () => {
  it("loads it as the settings every allow carries, and its profile as the rules' default", () => {
    const policy = loadPolicy('version: 1\napprovers: { groups: [sre] }\nrules: [{ id: r, match: { verbs: [get] }, action: allow }]\nmasking:\n  profile: strict\n  allowDomains: [bank.example]\n', 'p.yaml');
    expect(policy.masking).toEqual({ allowDomains: ['bank.example'], allow: [], detectors: [] });
    expect(policy.fallback.mask).toBe('strict');
    // defaults.mask (and a rule's own mask) still say otherwise where they are written.
    const named = loadPolicy('version: 1\napprovers: { groups: [sre] }\nrules: [{ id: r, match: { verbs: [get] }, action: allow }]\ndefaults: { mask: secrets-only }\nmasking: { profile: strict }\n', 'p.yaml');
    expect(named.fallback.mask).toBe('secrets-only');
    expect(loadPolicy(DEFAULT_POLICY_YAML).masking).toBeUndefined();
  });

  it('refuses a masking section the masker could not use, naming its line', () => {
    const bad = `${DEFAULT_POLICY_YAML}\nmasking:\n  detectors:\n    - { id: Bad Id, pattern: "x" }\n`;
    expect(() => loadPolicy(bad, 'p.yaml')).toThrow(PolicyError);
    try {
      loadPolicy(bad, 'p.yaml');
    } catch (error) {
      expect((error as PolicyError).message).toMatch(/^p\.yaml:\d+: masking: custom detector "Bad Id": id must be/);
    }
    expect(() => loadPolicy(`${DEFAULT_POLICY_YAML}\nmasking:\n  allowDomains: bank.example\n`, 'p.yaml')).toThrow(/allowDomains must be a list/);
    expect(() => loadPolicy(`${DEFAULT_POLICY_YAML}\nmasking:\n  colour: red\n`, 'p.yaml')).toThrow(/unknown field colour/);
  });

  it("leaves the organisation's addresses readable in a governed session and masks a customer's", async () => {
    const before = await namesIn(e2e.stack.recordings);
    const line = 'from ops@bank.example and svc-batch@jobs.bank.example to jane.doe@gmail.com re TCK-12345 and TCK-00000';
    const result = await e2e.stack.hk(['exec', e2e.pod, '-n', 'staging', '--', 'echo', line]);
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    const shown = result.stdout.toString();
    expect(shown).toBe('from ops@bank.example and svc-batch@jobs.bank.example to [MASKED:email] re [MASKED:ticket] and TCK-00000\n');

    const { castPath, manifestPath } = await newSession(e2e.stack.recordings, before);
    expect(eventsOf(await readCast(castPath), 'o')).toBe(shown);
    const manifest = await manifestPayload(manifestPath);
    expect(manifest.masking.counts).toEqual({ email: 1, ticket: 1 });
    // The relay's masker, run over the recording with the same settings, finds nothing let through.
    expect(manifest.relayCheck).toMatchObject({ recording: 'checked', countedBy: 'relay', unmasked: {}, flagged: false });
  });
});
