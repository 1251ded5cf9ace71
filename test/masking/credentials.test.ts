// Cloud and vendor credentials in the forms kubectl output carries them: env values in YAML,
// JSON fields, log lines, URLs and connection strings. Formats follow gitleaks' rules (ids in
// each detector's description); the keys below are made up in those formats.
import { describe, expect, it } from 'vitest';
import { builtInDetectors, maskText } from '../../src/masking/index.ts';

const alnum = (n: number, seed = 7) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < n; i++) out += chars[(i * 31 + seed * 17 + ((i * i) % 11)) % chars.length];
  return out;
};

const CREDENTIALS: [string, string][] = [
  ['aws-access-key-id', 'AKIAI44QH8DHBEXAMPLE'], // AWS's documented example: an 8, outside base32
  ['aws-access-key-id', 'ASIA0189ZQXW4KLM2NPR'],
  ['github-token', `ghp_${alnum(36)}`],
  ['github-token', `github_pat_11ABCDEFG0${alnum(60, 3)}`],
  ['gitlab-token', `glpat-${alnum(20, 5)}`],
  ['gitlab-token', `glpat-${alnum(27, 2)}.01.${alnum(9, 4).toLowerCase()}`],
  ['gitlab-token', `glrt-${alnum(20, 9)}`],
  ['slack-token', 'xoxb-2048193756-4096381725-Hq7LmV2xR9tW4zY8bN1cD5fG'],
  ['slack-token', 'xapp-1-A0123BCDE45-6789012345678-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b'],
  ['stripe-key', `sk_live_${alnum(24, 6)}`],
  ['stripe-key', `rk_test_${alnum(24, 8)}`],
  ['google-api-key', `AIzaSy${alnum(33, 1)}`],
  ['npm-token', `npm_${alnum(36, 12)}`],
  ['pypi-token', `pypi-AgEIcHlwaS5vcmc${alnum(60, 13)}`],
  ['azure-client-secret', `abc8Q~${alnum(34, 14)}`],
];

describe('vendor credentials', () => {
  for (const [id, token] of CREDENTIALS) {
    it(`masks ${id} ${token.slice(0, 12)}… as an env value, a JSON field and in a log line`, () => {
      const input = [
        '      - name: DEPLOY_SETTING',
        `        value: ${token}`,
        `{"setting":"${token}","region":"eu-west-1"}`,
        `2025-01-14T09:31:00.123Z INFO loaded ${token} from vault`,
        '',
      ].join('\n');
      const { text, counts } = maskText(input);
      expect(text).not.toContain(token.slice(4, 20));
      expect(counts[id]).toBe(3);
      expect(() => JSON.parse(text.split('\n')[2] as string)).not.toThrow();
    });
  }

  it('masks Azure storage connection strings, basic auth in URLs and database connection strings', () => {
    const accountKey = `${alnum(86, 21)}==`;
    const lines = [
      `AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=shopprod;AccountKey=${accountKey};EndpointSuffix=core.windows.net`,
      'GIT_URL=https://deploy:Xk9pL2mQv7@git.example.test/payments/app.git',
      'DATABASE_URL=postgres://orders:Pg-9vX!kq27@db.payments.svc:5432/orders?sslmode=require',
      'MONGO=mongodb+srv://app:Mn8vB2xQ7kLp@cluster0.example.test/orders',
      'REDIS=redis://:R3dis-Pa55@redis-master:6379/0',
      'JDBC=jdbc:postgresql://db:5432/app?user=app&password=Jd8c-Secr3t&ssl=true',
      'MSSQL="Server=db,1433;Database=app;User Id=app;Password=Ms5ql-Secr3t!;Encrypt=true"',
      '',
    ];
    const { text } = maskText(lines.join('\n'));
    for (const secret of [accountKey, 'Xk9pL2mQv7', 'Pg-9vX!kq27', 'Mn8vB2xQ7kLp', 'R3dis-Pa55', 'Jd8c-Secr3t', 'Ms5ql-Secr3t!']) {
      expect(text, secret).not.toContain(secret);
    }
    for (const keep of ['AccountName=shopprod', 'git.example.test/payments/app.git', 'db.payments.svc:5432/orders', 'redis-master:6379', 'ssl=true', 'Encrypt=true']) {
      expect(text, keep).toContain(keep);
    }
  });

  it('masks the body of private keys of every PEM and OpenSSH type, keeping the armour lines', () => {
    for (const type of ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'PRIVATE KEY', 'PGP PRIVATE KEY BLOCK']) {
      const body = [alnum(64, 1), alnum(64, 2), `${alnum(40, 3)}==`];
      const input = ['    tls.key: |', `      -----BEGIN ${type}-----`, ...body.map((l) => `      ${l}`), `      -----END ${type}-----`, ''].join('\n');
      const { text, counts } = maskText(input);
      for (const line of body) expect(text, type).not.toContain(line);
      expect(text).toContain(`-----BEGIN ${type}-----`);
      expect(text).toContain(`-----END ${type}-----`);
      expect(counts['private-key'], type).toBe(1);
      const oneLine = `{"key":"-----BEGIN ${type}-----\\n${body.join('\\n')}\\n-----END ${type}-----\\n"}\n`;
      expect(maskText(oneLine).text, `${type} escaped`).not.toContain(body[1]);
    }
  });

  it('keeps look-alikes: digests, commit SHAs, UIDs, prefixes inside longer words, short prefixed names', () => {
    const text = [
      'image: registry.example.test/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'commit: 9fceb02d0ae598e95dc970b74767f19372d61af8',
      'uid: 7c9e6679-7425-40de-944b-e07fc1f90ae7',
      'label: XAKIAZ7Q3MXN2LK4PWR5TX',
      'name: ghp_docs',
      'path: /usr/lib/npm_modules',
      'note: the sk_live_ prefix marks live keys',
      '',
    ].join('\n');
    expect(maskText(text)).toEqual({ text, counts: {} });
  });

  it('gives every built-in detector a stable id and a description', () => {
    const detectors = builtInDetectors();
    expect(new Set(detectors.map((d) => d.id)).size).toBe(detectors.length);
    for (const detector of detectors) {
      expect(detector.id).toMatch(/^[a-z0-9-]+$/);
      expect(detector.description.length, detector.id).toBeGreaterThan(10);
    }
  });
});
