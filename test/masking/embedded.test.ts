// Secrets inside strings that hold documents: the last-applied-configuration annotation (raw in
// `-o yaml`, escaped in `-o json`, escaped twice inside a quoted log line), env values, ConfigMap
// values holding YAML. Outputs written here in kubectl's own shapes (Go's JSON escaping).
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { maskText } from '../../src/masking/index.ts';

/** Go's encoding/json: `<`, `>` and `&` as \u003c, \u003e, \u0026 (kubectl writes annotations so). */
const goJson = (value: unknown) => JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const PASSWORD = 'Tr0ub4dor&3<x>';
const secretManifest = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { annotations: {}, name: 'db', namespace: 'payments' },
  stringData: { password: PASSWORD, url: 'postgres://app@db:5432/app' },
  data: { token: 'c3VwZXItc2VjcmV0LXRva2VuLTk4NzY=' },
  type: 'Opaque',
};
const deploymentManifest = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { annotations: {}, name: 'api', namespace: 'payments' },
  spec: {
    template: {
      spec: {
        containers: [{
          name: 'api',
          image: 'registry.example.test/api@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'DB_PASSWORD', value: 'kq27-LzR!Pg9vX' },
            { name: 'STRIPE_API_KEY', value: 'plain-looking-value-42' },
          ],
        }],
      },
    },
  },
};

function asGetJson(manifest: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const applied = `${goJson(manifest)}\n`;
  const object = {
    ...manifest,
    metadata: {
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied },
      name: (manifest.metadata as { name: string }).name,
      resourceVersion: '48213377',
      uid: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    },
    ...extra,
  };
  return `${JSON.stringify(object, null, 4)}\n`;
}

describe('embedded documents', () => {
  it('masks Secret data and stringData inside the escaped last-applied annotation of -o json, Go escaping too', () => {
    const input = asGetJson(secretManifest, { data: { token: 'W01BU0tFRDprOHMtc2VjcmV0LWRhdGFd' } });
    expect(input).toContain('Tr0ub4dor\\\\u00263\\\\u003cx\\\\u003e');
    const { text } = maskText(input);
    expect(text).not.toContain('Tr0ub4dor');
    expect(text).not.toContain('c3VwZXItc2VjcmV0LXRva2VuLTk4NzY=');
    const parsed = JSON.parse(text) as { metadata: { annotations: Record<string, string>; uid: string } };
    const applied = JSON.parse(parsed.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] as string);
    expect(Buffer.from(applied.data.token, 'base64').toString()).toBe('[MASKED:k8s-secret-data]');
    expect(applied.stringData.password).toBe('[MASKED:k8s-secret-data]');
    expect(parsed.metadata.uid).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
    expect(applied.metadata.name).toBe('db');
  });

  it('masks env values with secret names inside last-applied, keeping other env values and the image digest', () => {
    const { text, counts } = maskText(asGetJson(deploymentManifest));
    expect(text).not.toContain('kq27-LzR!Pg9vX');
    expect(text).not.toContain('plain-looking-value-42');
    expect(text).toContain('sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');
    expect(text).toContain('\\"value\\":\\"info\\"');
    expect(text).toContain('"resourceVersion": "48213377"');
    // Twice each: in the object's spec and in its annotation.
    expect(counts['k8s-env-secret']).toBe(4);
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it('masks inside the raw JSON of -o yaml\'s block scalar', () => {
    const input = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  annotations:',
      '    kubectl.kubernetes.io/last-applied-configuration: |',
      `      ${goJson(deploymentManifest)}`,
      '  name: api',
      '  uid: 16fd2706-8baf-433b-82eb-8c7fada847da',
      '',
    ].join('\n');
    const { text } = maskText(input);
    expect(text).not.toContain('kq27-LzR!Pg9vX');
    expect(text).not.toContain('plain-looking-value-42');
    expect(text).toContain('"value":"info"');
    expect(parseYaml(text)).toMatchObject({ metadata: { name: 'api', uid: '16fd2706-8baf-433b-82eb-8c7fada847da' } });
  });

  it('masks a Secret escaped twice: -o json of a Secret quoted in a JSON log line', () => {
    const inner = asGetJson(secretManifest).replace(/\n\s*/g, '');
    const line = `${JSON.stringify({ level: 'info', msg: 'applied object', object: inner })}\n`;
    expect(line).toContain('\\\\\\"password\\\\\\"');
    const { text } = maskText(line);
    expect(text).not.toContain('Tr0ub4dor');
    expect(text).not.toContain('c3VwZXItc2VjcmV0LXRva2VuLTk4NzY=');
    expect(JSON.parse(text)).toMatchObject({ level: 'info', msg: 'applied object' });
  });

  it('masks secret env values in a last-applied annotation too long to parse whole (a line cut into segments)', () => {
    const many = Array.from({ length: 240 }, (_, i) => ({ name: `FEATURE_FLAG_${i}`, value: `enabled-${i}` }));
    const env = [...many.slice(0, 120), { name: 'DB_PASSWORD', value: 'kq27-LzR!Pg9vX' }, ...many.slice(120), { name: 'API_TOKEN', value: 'tk-9Lm2Vx7Rt4Wy' }];
    const big = { ...deploymentManifest, spec: { template: { spec: { containers: [{ name: 'api', image: 'registry.example.test/api:1.4.2', env }] } } } };
    const input = asGetJson(big);
    expect(input.split('\n').some((line) => line.length > 8192)).toBe(true);
    const { text } = maskText(input);
    expect(text).not.toContain('kq27-LzR!Pg9vX');
    expect(text).not.toContain('tk-9Lm2Vx7Rt4Wy');
    expect(text).toContain("enabled-239");
    expect(() => JSON.parse(text)).not.toThrow();
    // The same in `-o json | jq -c` form: compact, not escaped.
    const compact = `${JSON.stringify({ env })}\n`;
    expect(maskText(compact).text).not.toMatch(/kq27-LzR!Pg9vX|tk-9Lm2Vx7Rt4Wy/);
  });

  it('masks what the masker finds in a multi-line ConfigMap value inside last-applied, and nothing else there', () => {
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config' },
      data: { 'application.yaml': 'server:\n  port: 8080\ndb:\n  user: app\n  password: s3cret-Db-pass!\n', mode: 'live' },
    };
    const { text } = maskText(asGetJson(configMap));
    expect(text).not.toContain('s3cret-Db-pass!');
    expect(text).toContain('port: 8080');
    expect(text).toContain('\\"mode\\":\\"live\\"');
    expect(() => JSON.parse(text)).not.toThrow();
  });
});
