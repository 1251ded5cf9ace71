// `hkubectl mask` as a real process, from the built bundle (run `npm run build` first).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/run.ts';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const corpus = (name: string) => readFileSync(new URL(`./corpus/${name}`, import.meta.url));

describe('hkubectl mask', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hk-mask-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('filters stdin to stdout and keeps stderr quiet without --stats', async () => {
    const input = corpus('get-secret.json');
    const result = await run(process.execPath, [MAIN, 'mask'], { stdin: input });
    expect(result.code).toBe(0);
    expect(result.stderr.toString()).toBe('');
    const secret = JSON.parse(result.stdout.toString()) as { data: Record<string, string>; metadata: { name: string } };
    expect(secret.metadata.name).toBe('billing-api');
    expect(Object.keys(secret.data)).toEqual(['password', 'username']);
    expect(result.stdout.toString()).not.toContain('cTgjTG0yIXZSOSR3WjRwWA==');
  });

  it('prints per-detector counts to stderr with --stats', async () => {
    const result = await run(process.execPath, [MAIN, 'mask', '--stats'], { stdin: corpus('logs-mixed.log') });
    expect(result.code).toBe(0);
    const stats = JSON.parse(result.stderr.toString()) as { masked: Record<string, number> };
    expect(stats.masked).toMatchObject({ 'aws-access-key-id': 1, 'aws-secret-key': 1, 'credit-card': 1, iban: 1 });
  });

  it('applies --rules custom detectors and allow-list, and --profile', async () => {
    const rules = join(dir, 'rules.yaml');
    await writeFile(rules, 'detectors:\n  - id: ticket\n    pattern: "TCK-[0-9]{5}"\nallow:\n  - changeme\n');
    const result = await run(process.execPath, [MAIN, 'mask', '--rules', rules, '--profile', 'strict'], {
      stdin: 'ref TCK-12345 mail a@example.com password=changeme\n',
    });
    expect(result.stdout.toString()).toBe('ref [MASKED:ticket] mail [MASKED:email] password=changeme\n');
  });

  it('keeps addresses in the allowDomains of --rules and masks customers\' addresses and phone numbers by default', async () => {
    const rules = join(dir, 'domains.yaml');
    await writeFile(rules, 'masking:\n  allowDomains: [bank.example]\n');
    const result = await run(process.execPath, [MAIN, 'mask', '--rules', rules, '--stats'], {
      stdin: 'from ops@eu.bank.example to jane.doe@example.com call +1 415-555-0142\n',
    });
    expect(result.stdout.toString()).toBe('from ops@eu.bank.example to [MASKED:email] call [MASKED:phone]\n');
    expect(JSON.parse(result.stderr.toString()).masked).toEqual({ email: 1, phone: 1 });
  });

  it('lists every detector with --detectors: built-in, structural and those of --rules', async () => {
    const rules = join(dir, 'listed.yaml');
    await writeFile(rules, 'detectors:\n  - id: ticket\n    description: incident ticket ids\n    pattern: "TCK-[0-9]{5}"\n');
    const result = await run(process.execPath, [MAIN, 'mask', '--detectors', '--rules', rules], { stdin: '' });
    expect(result.code).toBe(0);
    const ids = result.stdout.toString().trim().split('\n').map((line) => line.split(/\s+/)[0]);
    expect(ids).toEqual(expect.arrayContaining(['k8s-secret-data', 'decoded-secret', 'aws-access-key-id', 'google-api-key', 'email', 'phone', 'ticket']));
    expect(result.stdout.toString()).toMatch(/^ticket\s+rules\s+incident ticket ids$/m);
  });

  it('exits 64 naming the detector when a rule is invalid, and prints nothing on stdout', async () => {
    const rules = join(dir, 'bad.yaml');
    await writeFile(rules, 'detectors:\n  - id: broken-rule\n    pattern: "([a-z"\n');
    const result = await run(process.execPath, [MAIN, 'mask', '--rules', rules], { stdin: 'password=x\n' });
    expect(result.code).toBe(64);
    expect(result.stdout.length).toBe(0);
    expect(result.stderr.toString()).toMatch(/^hkubectl: .*custom detector "broken-rule"/);
  });
});
