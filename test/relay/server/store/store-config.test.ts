// relay.yaml `store:` and `--store`: files unless a postgres:// database is named; the keys
// secret comes from the environment or a file, and a relay on PostgreSQL without one is refused.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRelayConfig } from '../../../../src/relay/server/config.ts';
import { runRelay } from '../../../../src/relay/server/run.ts';

const head = 'version: 1\nissuers: [{ issuer: https://idp.example, audience: hkubectl }]\n';

describe('relay.yaml store:', () => {
  it('reads a PostgreSQL store with its pool size and a keys secret file relative to the file', () => {
    const config = parseRelayConfig(`${head}store:\n  postgres:\n    url: postgres://relay@db.internal:5432/hkubectl\n    poolSize: 20\n    keysSecretFile: secrets/keys\n`, '/etc/hk/relay.yaml');
    expect(config.store).toEqual({ postgres: { url: 'postgres://relay@db.internal:5432/hkubectl', poolSize: 20, keysSecretFile: '/etc/hk/secrets/keys' } });
    expect(parseRelayConfig(head, '/etc/hk/relay.yaml').store).toBeNull();
  });

  it('names the line of a store that is not PostgreSQL, a URL that is not postgres://, and a missing url', () => {
    const problems = (text: string) => {
      try {
        parseRelayConfig(`${head}${text}`, 'relay.yaml');
      } catch (error) {
        return (error as { details: { problems: string[] } }).details.problems;
      }
      return [];
    };
    expect(problems('store: { files: {} }\n')).toEqual([expect.stringMatching(/^relay\.yaml:3: store\.files: unknown field/), expect.stringMatching(/^relay\.yaml:3: store: needs "postgres:"/)]);
    expect(problems('store:\n  postgres: { url: "mysql://db/x" }\n')).toEqual([expect.stringMatching(/^relay\.yaml:4: store\.postgres\.url: must be a postgres:\/\/ URL/)]);
    expect(problems('store:\n  postgres: { poolSize: 5 }\n')).toEqual([expect.stringMatching(/^relay\.yaml:4: store\.postgres\.url: required/)]);
  });
});

describe('hkubectl relay --store', () => {
  it('refuses a --store that is not a postgres:// URL, and a PostgreSQL store without a keys secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hk-store-flag-'));
    try {
      const flags = { issuer: 'https://idp.example', audience: 'hkubectl', data: dir, listen: '127.0.0.1:0' };
      await expect(runRelay({ ...flags, store: dir }, {})).rejects.toMatchObject({ code: 'ERR_BAD_STORE', exitCode: 64 });
      await expect(runRelay({ ...flags, store: 'postgres://relay@127.0.0.1:1/hk' }, {})).rejects.toMatchObject({
        code: 'ERR_RELAY_KEYS_SECRET_MISSING', exitCode: 78, hint: expect.stringMatching(/HKUBECTL_RELAY_KEYS_SECRET/),
      });
      const short = join(dir, 'short');
      await writeFile(short, 'too short\n');
      await expect(runRelay({ ...flags, store: 'postgres://relay@127.0.0.1:1/hk' }, { HKUBECTL_RELAY_KEYS_SECRET_FILE: short })).rejects.toMatchObject({ code: 'ERR_RELAY_KEYS_SECRET_SHORT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
