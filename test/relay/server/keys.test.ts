import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, flattenedVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEYS_FILE, openKeyStore } from '../../../src/relay/server/keys.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('relay signing keys', () => {
  it('creates an Ed25519 key on first start in a 0600 file and keeps it on the next', async () => {
    const first = await openKeyStore(dir);
    expect(first.created).toBe(true);
    expect((await stat(join(dir, KEYS_FILE))).mode & 0o777).toBe(0o600);
    expect(first.store.jwks().keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: first.store.kid() })]);
    expect(first.store.jwks().keys[0]).not.toHaveProperty('d');
    const second = await openKeyStore(dir);
    expect(second).toMatchObject({ created: false });
    expect(second.store.kid()).toBe(first.store.kid());
  });

  it('signs a manifest as a flattened JWS (EdDSA, kid) that verifies against the JWKS', async () => {
    const { store } = await openKeyStore(dir);
    const jws = await store.signManifest({ hk: 1, sessionId: 's-1' });
    expect(Object.keys(jws).sort()).toEqual(['payload', 'protected', 'signature']);
    const verified = await flattenedVerify(jws, createLocalJWKSet(store.jwks()));
    expect(verified.protectedHeader).toMatchObject({ alg: 'EdDSA', kid: store.kid() });
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual({ hk: 1, sessionId: 's-1' });
  });

  it('rotates to a new key and keeps the old public key so earlier manifests still verify', async () => {
    const { store } = await openKeyStore(dir);
    const before = await store.signManifest({ n: 1 });
    const { kid, previousKid } = await store.rotate();
    expect(kid).not.toBe(previousKid);
    const after = await store.signManifest({ n: 2 });
    const reopened = (await openKeyStore(dir)).store;
    expect(reopened.kid()).toBe(kid);
    const keys = createLocalJWKSet(reopened.jwks());
    expect((await flattenedVerify(before, keys)).protectedHeader?.kid).toBe(previousKid);
    expect((await flattenedVerify(after, keys)).protectedHeader?.kid).toBe(kid);
    const stored = JSON.parse(await readFile(join(dir, KEYS_FILE), 'utf8'));
    expect(stored.keys.find((key: { kid: string }) => key.kid === previousKid)).not.toHaveProperty('privateJwk');
  });
});
