// The relay's manifest-signing keys: Ed25519, created on first start, kept in `keys.json`
// (mode 0600) in the data dir, or sealed in the database shared by several relays
// (keys-shared.ts). Rotation makes a new key current and keeps the old *public* keys in the
// JWKS, so manifests signed before a rotation still verify; old private keys are dropped.
import { createPrivateKey, randomUUID, sign, type JsonWebKeyInput, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, FlattenedSign, generateKeyPair, importJWK, type JWK } from 'jose';
import { ConfigError } from '../../errors.ts';
import { MANIFEST_TYP, type SignedManifest } from '../../contract/manifest.ts';

type StoredKey = { kid: string; createdAt: string; publicJwk: JWK; privateJwk?: JWK; retiredAt?: string };
export type KeyFile = { v: 1; current: string; keys: StoredKey[] };

/** Where the key file is kept: a file in the data dir, or a row shared by relays. */
export type KeyVault = {
  /** For messages. */
  where: string;
  load(): Promise<KeyFile | null>;
  /** Keeps `first` unless another writer created keys meanwhile; returns what is kept. */
  create(first: KeyFile): Promise<KeyFile>;
  /** Replaces `previous` with `next`; false when another writer changed it meanwhile. */
  replace(previous: KeyFile, next: KeyFile): Promise<boolean>;
};

export type KeyStore = {
  kid(): string;
  jwks(): { keys: JWK[] };
  signManifest(payload: unknown): Promise<SignedManifest>;
  /**
   * Signs `payload` (the exact bytes) with the current key, synchronously: a session's manifest
   * names the audit-log seq of the entry that records it, so nothing may be appended between
   * reading the log's head and appending that entry — and jose only signs asynchronously.
   * Same output as jose's FlattenedSign (RFC 7515 §7.2.2, EdDSA over `protected.payload`).
   * `typ` says what is signed (a manifest unless told; checkpoints are typed as such), so one
   * kind of signed document cannot pass for another.
   */
  signNow(payload: Uint8Array, typ?: string): SignedManifest;
  /** Makes a new key current; returns the new and previous kid. */
  rotate(): Promise<{ kid: string; previousKid: string }>;
  /** Reads the keys again (another relay sharing them rotated). */
  reload(): Promise<void>;
};

export const KEYS_FILE = 'keys.json';

async function newKey(now: Date): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, createdAt: now.toISOString(), publicJwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' }, privateJwk: await exportJWK(privateKey) };
}

/** Opens the key store in `dataDir`; `created` tells whether a first key was made just now. */
export function openKeyStore(dataDir: string, now: () => Date = () => new Date()): Promise<{ store: KeyStore; created: boolean }> {
  return openKeyStoreIn(fileVault(dataDir), now);
}

function fileVault(dataDir: string): KeyVault {
  const file = join(dataDir, KEYS_FILE);
  return {
    where: file,
    async load() {
      try {
        return JSON.parse(await readFile(file, 'utf8')) as KeyFile;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new ConfigError('ERR_RELAY_KEYS_UNREADABLE', `cannot read the relay's signing keys ${file}: ${(error as Error).message}`, { cause: error });
      }
    },
    async create(first) {
      await save(dataDir, file, first);
      return first;
    },
    async replace(_previous, next) {
      await save(dataDir, file, next);
      return true;
    },
  };
}

export async function openKeyStoreIn(vault: KeyVault, now: () => Date = () => new Date()): Promise<{ store: KeyStore; created: boolean }> {
  const file = vault.where;
  let state = await vault.load();
  let created = false;
  if (state === null) {
    const key = await newKey(now());
    const first: KeyFile = { v: 1, current: key.kid, keys: [key] };
    state = await vault.create(first);
    created = state.current === first.current;
  }
  const versioned = (loaded: KeyFile): KeyFile => {
    if (loaded.v !== 1) throw new ConfigError('ERR_RELAY_KEYS_VERSION', `${file} has key-file version ${JSON.stringify(loaded.v)}; this hkubectl reads version 1`);
    return loaded;
  };
  state = versioned(state);
  let signer = await signerOf(state, file);
  let current: KeyFile = state;

  return {
    created,
    store: {
      kid: () => current.current,
      jwks: () => ({ keys: current.keys.map((key) => key.publicJwk) }),
      async signManifest(payload) {
        const bytes = new TextEncoder().encode(JSON.stringify(payload));
        return new FlattenedSign(bytes).setProtectedHeader({ alg: 'EdDSA', kid: signer.kid, typ: MANIFEST_TYP }).sign(signer.key) as Promise<SignedManifest>;
      },
      signNow(payload, typ = MANIFEST_TYP) {
        const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: signer.kid, typ })).toString('base64url');
        const body = Buffer.from(payload).toString('base64url');
        const signature = sign(null, Buffer.from(`${header}.${body}`), signer.keyObject).toString('base64url');
        return { payload: body, protected: header, signature };
      },
      async rotate() {
        // Against a shared vault another relay may rotate at the same moment: the loser reads
        // the winner's keys and rotates on top of them, so no public key is ever lost.
        for (;;) {
          const previous = current;
          const previousKid = previous.current;
          const at = now();
          const key = await newKey(at);
          const keys = previous.keys.map((old) => (old.kid === previousKid ? { kid: old.kid, createdAt: old.createdAt, publicJwk: old.publicJwk, retiredAt: at.toISOString() } : old));
          const next: KeyFile = { v: 1, current: key.kid, keys: [...keys, key] };
          if (await vault.replace(previous, next)) {
            signer = await signerOf(next, file);
            current = next;
            return { kid: key.kid, previousKid };
          }
          const reloaded = await vault.load();
          if (reloaded) current = versioned(reloaded);
        }
      },
      async reload() {
        const reloaded = await vault.load();
        if (reloaded === null) return;
        const next = versioned(reloaded);
        signer = await signerOf(next, file);
        current = next;
      },
    },
  };
}

async function signerOf(state: KeyFile, file: string) {
  const current = state.keys.find((key) => key.kid === state.current);
  if (!current?.privateJwk) throw new ConfigError('ERR_RELAY_KEYS_INVALID', `${file} holds no private key for its current kid ${state.current}`);
  const keyObject: KeyObject = createPrivateKey({ key: current.privateJwk as JsonWebKeyInput['key'], format: 'jwk' });
  return { kid: current.kid, key: await importJWK(current.privateJwk, 'EdDSA'), keyObject };
}

// Written to a temporary file with mode 0600 from the start, then renamed: a reader never sees a
// half-written key file and the private key is never world-readable, not even for a moment.
async function save(dataDir: string, file: string, state: KeyFile): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, flush: true });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}
