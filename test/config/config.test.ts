import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { ConfigError } from '../../src/errors.ts';

let dir: string;
let configFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-config-'));
  configFile = join(dir, 'config.yaml');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function loadError(env: Record<string, string> = {}): ConfigError {
  try {
    loadConfig(env, { configFile });
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('works without a config file and applies defaults', () => {
    const config = loadConfig({}, { configFile });
    expect(config.issuer).toBeUndefined();
    expect(config.scope).toBe('openid offline_access email groups');
    expect(config.configFile).toBe(configFile);
  });

  it('reads settings from config.yaml', async () => {
    await writeFile(configFile, 'issuer: https://idp.bank.example/\nclient-id: hkubectl\nwait: 5m\nrecordings: casts\n');
    const config = loadConfig({}, { configFile });
    expect(config).toMatchObject({
      issuer: 'https://idp.bank.example/', clientId: 'hkubectl', wait: 300_000, recordings: join(dir, 'casts'),
    });
  });

  it('reads a config.yaml parsed before from the cache, and checks it as strictly as a parsed one', async () => {
    const cacheDir = join(dir, 'cache');
    await writeFile(configFile, 'relay: http://127.0.0.1:7443\nwait: 5m\n');
    expect(loadConfig({}, { configFile, cacheDir })).toMatchObject({ relay: 'http://127.0.0.1:7443', wait: 300_000 });
    const [entry] = await readdir(cacheDir);
    expect(JSON.parse(await readFile(join(cacheDir, entry!), 'utf8')).result).toEqual({ relay: 'http://127.0.0.1:7443', wait: '5m' });
    // A cached document still goes through validation: a forged entry cannot smuggle a bad value in.
    await writeFile(join(cacheDir, entry!), JSON.stringify({ v: 1, result: { relay: 'ftp://elsewhere' } }));
    expect(() => loadConfig({}, { configFile, cacheDir })).toThrow(/"relay".*http\(s\) URL/);
  });

  it('never copies a config.yaml holding the client secret into the cache', async () => {
    const cacheDir = join(dir, 'cache');
    await writeFile(configFile, 'client-id: hkubectl\nclient-secret: not-for-the-cache\n');
    expect(loadConfig({}, { configFile, cacheDir }).clientSecret).toBe('not-for-the-cache');
    await expect(readdir(cacheDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('lets env twins beat the file and flags beat env', async () => {
    await writeFile(configFile, 'issuer: https://file.example\nclient-id: from-file\nscope: openid\n');
    const config = loadConfig(
      { HKUBECTL_ISSUER: 'https://env.example', HKUBECTL_CLIENT_ID: 'from-env', HKUBECTL_RELAY: 'http://127.0.0.1:7443' },
      { configFile },
      { clientId: 'from-flag' },
    );
    expect(config).toMatchObject({
      issuer: 'https://env.example', clientId: 'from-flag', scope: 'openid', relay: 'http://127.0.0.1:7443',
    });
  });

  it('says where each value came from, naming a flag as the user spelt it', async () => {
    await writeFile(configFile, 'issuer: https://file.example\nwait: 5m\n');
    const config = loadConfig({ HKUBECTL_CLIENT_ID: 'from-env' }, { configFile }, { relay: 'http://127.0.0.1:7443' }, '--hk-');
    expect(config.sources).toEqual({
      issuer: `"issuer" in ${configFile}`, wait: `"wait" in ${configFile}`, clientId: 'HKUBECTL_CLIENT_ID', relay: '--hk-relay',
    });
    expect(() => loadConfig({}, { configFile }, { relay: 'not a url' }, '--hk-')).toThrow(/setting "relay" from --hk-relay must be an http\(s\) URL/);
  });

  it('refuses an unknown key and names it and the file', async () => {
    await writeFile(configFile, 'issuer: https://idp.example\nclientid: oops\n');
    const error = loadError();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(78);
    expect(error.code).toBe('ERR_CONFIG_UNKNOWN_KEY');
    expect(error.message).toContain('"clientid"');
    expect(error.message).toContain(configFile);
  });

  it('refuses a value of the wrong type and names the key and the file', async () => {
    await writeFile(configFile, 'issuer: [a, b]\n');
    const error = loadError();
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain('"issuer"');
    expect(error.message).toContain(configFile);
  });

  it('refuses an issuer that is not an http(s) URL, whichever source it came from', () => {
    expect(loadError({ HKUBECTL_ISSUER: 'ftp://idp' }).message).toContain('HKUBECTL_ISSUER');
  });

  it('refuses a wait that is not a duration', async () => {
    await writeFile(configFile, 'wait: forever\n');
    expect(loadError().message).toMatch(/"wait".*duration/);
  });

  it('refuses a file that is not YAML or not a mapping', async () => {
    await writeFile(configFile, 'issuer: [unclosed\n');
    expect(loadError().message).toContain('not valid YAML');
    await writeFile(configFile, '- a\n- b\n');
    expect(loadError().message).toContain('must be a mapping');
  });
});
