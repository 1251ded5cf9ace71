import { describe, expect, it } from 'vitest';
import {
  ManifestFormatError, ManifestVersionError, parseDraft, parseManifestDocument, parseManifestPayload, type SessionDraft,
} from '../../src/contract/manifest.ts';

const draft: SessionDraft = {
  hk: 1, session: 's-1', cast: { file: 's-1.cast', sha256: 'ab'.repeat(32), size: 10, events: 2 },
  startedAt: '2026-03-01T10:00:00.000Z', endedAt: '2026-03-01T10:00:01.000Z', exitCode: 0, signal: null, terminal: true,
  masking: { profile: 'standard', counts: { jwt: 2 } },
};

describe('manifest files', () => {
  it('reads a flattened JWS and an unsigned marker', () => {
    expect(parseManifestDocument(JSON.stringify({ payload: 'eyJ9', protected: 'eyJ9', signature: 'c2ln' }), 'a.manifest.json')).toEqual({
      kind: 'signed', jws: { payload: 'eyJ9', protected: 'eyJ9', signature: 'c2ln' },
    });
    expect(parseManifestDocument(JSON.stringify({ hk: 1, unsigned: true, draft }), 's-1.manifest.json')).toEqual({ kind: 'unsigned', marker: { hk: 1, unsigned: true, draft } });
  });

  it('names the file and the field that is wrong', () => {
    expect(() => parseManifestDocument('{"payload": 1}', '/r/x.manifest.json')).toThrow(ManifestFormatError);
    expect(() => parseManifestDocument('{"payload": 1}', '/r/x.manifest.json')).toThrow(/^\/r\/x\.manifest\.json: payload: must be a base64url string/);
    expect(() => parseManifestDocument('not json', '/r/y.manifest.json')).toThrow(/^\/r\/y\.manifest\.json: not valid JSON/);
    expect(() => parseDraft({ ...draft, cast: { ...draft.cast, file: '../etc/passwd' } }, 'spool/s-1.json')).toThrow(/^spool\/s-1\.json: cast\.file: must be "s-1\.cast"/);
    expect(() => parseDraft({ ...draft, exitCode: 'zero' }, 'body')).toThrow(/exitCode: must be an exit status from 0 to 255/);
    expect(() => parseDraft({ ...draft, session: '../../x' }, 'body')).toThrow(/session: must be a session id/);
  });

  it('refuses versions it does not know, in markers, drafts and signed payloads', () => {
    expect(() => parseManifestDocument(JSON.stringify({ hk: 2, unsigned: true, draft }), 'f.manifest.json')).toThrow(ManifestVersionError);
    expect(() => parseDraft({ ...draft, hk: 3 }, 'spool/s-1.json')).toThrow(/^spool\/s-1\.json: manifest version 3 is not supported \(this hkubectl reads version 1\)/);
    expect(() => parseManifestPayload(Buffer.from(JSON.stringify({ hk: 2, session: 's-1' })), 'g.manifest.json')).toThrow(ManifestVersionError);
  });
});
