// Values decoded in exec and shell transcripts: the line(s) after a command that decodes a
// Secret, and password-like tokens alone on a line soon after a Secret was read. Look-alikes
// (hashes, digests, UIDs, image references, names, numbers, prompts) stay.
import { describe, expect, it } from 'vitest';
import { maskText } from '../../src/masking/index.ts';
import { passwordLike } from '../../src/masking/transcript.ts';

const PROMPT = 'root@web-7d9f8c6b5-x2v9k:/app# ';

describe('decoded values in transcripts', () => {
  it('masks the line printed after `| base64 -d` in a pty transcript and keeps the prompt that follows', () => {
    const input = [
      `${PROMPT}kubectl get secret db -o jsonpath='{.data.password}' | base64 -d`,
      'Pg-9vX!kq27LzR',
      `${PROMPT}ls`,
      'app.jar  config',
      '',
    ].join('\r\n');
    const { text, counts } = maskText(input);
    expect(text).not.toContain('Pg-9vX!kq27LzR');
    expect(text).toContain(`\r\n[MASKED:decoded-secret]\r\n${PROMPT}ls\r\napp.jar  config\r\n`);
    expect(counts).toMatchObject({ 'decoded-secret': 1 });
  });

  it('masks a decoded value that runs into the next prompt, keeping the prompt', () => {
    const input = '$ echo UzNjcjN0LVZhbHVlIQ== | base64 --decode\nS3cr3t-Value!$ \n';
    expect(maskText(input).text).toBe('$ echo UzNjcjN0LVZhbHVlIQ== | base64 --decode\n[MASKED:decoded-secret]$ \n');
  });

  it('masks every line of a multi-line decoded value until the prompt returns', () => {
    const input = [
      `${PROMPT}kubectl get secret app -o json | jq -r '.data["config.ini"]' | base64 -d`,
      '[database]',
      'user = orders',
      'pass = hunter2-Xq9',
      `${PROMPT}`,
    ].join('\n');
    const { text } = maskText(`${input}\n`);
    expect(text).not.toMatch(/hunter2-Xq9|user = orders/);
    expect(text.endsWith(`\n${PROMPT}\n`)).toBe(true);
  });

  it('knows jq @base64d, base64 -d with other flags, and openssl enc -d', () => {
    for (const command of [
      "kubectl get secret db -o json | jq -r '.data.token | @base64d'",
      'kubectl get secret db -o jsonpath={.data.token} | base64 -di',
      'openssl enc -d -aes-256-cbc -pbkdf2 -in token.enc -pass env:KEY',
    ]) {
      const { text } = maskText(`$ ${command}\nxT9-vQ2LmZp8wRk\n$ exit\n`);
      expect(text, command).toBe(`$ ${command}\n[MASKED:decoded-secret]\n$ exit\n`);
    }
  });

  it('masks a password-like token alone on a line after a Secret was read, and keeps look-alikes there', () => {
    const lookAlikes = [
      '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      '9fceb02d0ae598e95dc970b74767f19372d61af8',
      'sha256:4c0b9d2b6c8f1e3a5d7f9b1c3e5a7d9f2b4c6e8a0d2f4b6c8e0a2c4e6f8a0b2c',
      'registry.example.test/orders/api:1.4.2',
      'nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31',
      'orders-7d9f8c6b5-x2v9k',
      'secret/db-creds',
      '48213377',
      '2025-01-14T09:21:37Z',
      'kubectl.kubernetes.io/last-applied-configuration:',
      'root@web-7d9f8c6b5-x2v9k:/app#',
    ];
    const input = ['$ kubectl get secret db -o jsonpath={.data.password}', 'd2VsbC1rZXB0', 'Zq8Lm2Vx7Rt4!', ...lookAlikes, ''].join('\n');
    const { text } = maskText(input);
    expect(text).not.toContain('Zq8Lm2Vx7Rt4!');
    for (const keep of lookAlikes) expect(text, keep).toContain(keep);
  });

  it('leaves a lone password-like token alone when no Secret was read', () => {
    const input = 'starting worker\nZq8Lm2Vx7Rt4!\n';
    expect(maskText(input).text).toBe(input);
  });

  it('tells password-like tokens from identifiers', () => {
    expect(['Zq8Lm2Vx7Rt4!', 'hunter2-Xq9', 'aB3$dE6^gH9', 'kq27LzRPg9vXwT4m'].filter(passwordLike)).toHaveLength(4);
    expect(['password', 'ReadWriteOnce', '10.244.1.23', 'v1.32.0', 'LOG_LEVEL=info', '{"a":"Bc1-"}', 'e3b0c44298fc1c149afbf4c8996fb924'].filter(passwordLike)).toEqual([]);
  });
});
