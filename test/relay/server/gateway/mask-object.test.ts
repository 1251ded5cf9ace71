import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonDocumentMasker } from '../../../../src/relay/server/gateway/json-units.ts';
import { createLeafMasker } from '../../../../src/relay/server/gateway/leaf-masker.ts';
import { maskObject, SECRET_DATA_MARKER, SECRET_DATA_MARKER_B64 } from '../../../../src/relay/server/gateway/mask-object.ts';
import { WatchEventMasker } from '../../../../src/relay/server/gateway/respond.ts';

const leaf = createLeafMasker({ profile: 'standard' });
const VALUE = Buffer.from('hunter2-db-password').toString('base64');
const secret = {
  kind: 'Secret', apiVersion: 'v1',
  metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ kind: 'Secret', data: { password: VALUE }, stringData: { token: 'plain-token-value' } }) } },
  data: { password: VALUE }, stringData: { token: 'plain-token-value' },
};

async function throughDocumentMasker(text: string, chunk: number, kind?: string): Promise<string> {
  const parts: Buffer[] = [];
  for (let at = 0; at < text.length; at += chunk) parts.push(Buffer.from(text.slice(at, at + chunk)));
  const out: Buffer[] = [];
  for await (const piece of Readable.from(parts).pipe(new JsonDocumentMasker(leaf, kind))) out.push(piece as Buffer);
  return Buffer.concat(out).toString('utf8');
}

describe('masking API objects as data', () => {
  it('replaces every value of a Secret, inside its last-applied annotation too, and keeps keys', () => {
    const masked = JSON.stringify(maskObject(secret, leaf));
    expect(masked).not.toContain(VALUE);
    expect(masked).not.toContain('plain-token-value');
    const object = JSON.parse(masked) as typeof secret;
    expect(object.data).toEqual({ password: SECRET_DATA_MARKER_B64 });
    expect(object.stringData).toEqual({ token: SECRET_DATA_MARKER });
  });

  it('reads list items and Table rows as the requested resource, and env values by their name', () => {
    const list = { kind: 'SecretList', items: [{ metadata: { name: 'a' }, data: { k: VALUE } }] };
    expect(JSON.stringify(maskObject(list, leaf))).not.toContain(VALUE);
    const table = { kind: 'Table', rows: [{ cells: ['a', 'Opaque'], object: { metadata: { name: 'a' }, data: { k: VALUE } } }] };
    expect(JSON.stringify(maskObject(table, leaf, { kind: 'Secret' }))).not.toContain(VALUE);
    const pod = { kind: 'Pod', spec: { containers: [{ env: [{ name: 'DB_PASSWORD', value: 'pa55-word-x' }, { name: 'LOG_LEVEL', value: 'debug' }, { name: 'conn', value: 'postgres://u:pw-123456@db/x' }] }] } };
    const masked = JSON.stringify(maskObject(pod, leaf));
    expect(masked).not.toContain('pa55-word-x');
    expect(masked).not.toContain('pw-123456');
    expect(masked).toContain('debug');
  });

  it('masks a list streamed in any chunking to the same valid JSON', async () => {
    const text = JSON.stringify({ kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [secret, { metadata: { name: 'q"uote' }, data: { a: VALUE } }, '', 7, null, []], after: { x: 'y' } }, null, 1);
    const whole = await throughDocumentMasker(text, text.length);
    for (const chunk of [1, 2, 3, 5, 64]) expect(await throughDocumentMasker(text, chunk)).toBe(whole);
    expect(whole).not.toContain(VALUE);
    expect(JSON.parse(whole)).toMatchObject({ kind: 'SecretList', after: { x: 'y' }, items: [{ data: { password: SECRET_DATA_MARKER_B64 } }, { metadata: { name: 'q"uote' } }, '', 7, null, []] });
    // A Secret on its own (GET …/secrets/name) and a document that is not an object.
    expect(await throughDocumentMasker(JSON.stringify(secret), 3)).not.toContain(VALUE);
    expect(JSON.parse(await throughDocumentMasker('["a", {"kind":"Secret","data":{"k":"' + VALUE + '"}}]', 4))).toEqual(['a', { kind: 'Secret', data: { k: SECRET_DATA_MARKER_B64 } }]);
  });

  it('fails the stream on a truncated document rather than passing part of it unread', async () => {
    await expect(throughDocumentMasker('{"kind":"SecretList","items":[{"data":{"a":"b"}', 5)).rejects.toThrow();
  });

  it('masks watch events line by line', async () => {
    const events = [{ type: 'ADDED', object: secret }, { type: 'MODIFIED', object: { ...secret, data: { other: VALUE } } }].map((event) => JSON.stringify(event)).join('\n') + '\n';
    const seen: string[] = [];
    const out: Buffer[] = [];
    const parts = [events.slice(0, 10), events.slice(10, 300), events.slice(300)].map((part) => Buffer.from(part));
    for await (const piece of Readable.from(parts).pipe(new WatchEventMasker(leaf, undefined, (line) => seen.push(line.toString())))) out.push(piece as Buffer);
    const text = Buffer.concat(out).toString();
    expect(text).not.toContain(VALUE);
    expect(text.trim().split('\n').map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['ADDED', 'MODIFIED']);
    expect(seen).toHaveLength(2);
  });
});
