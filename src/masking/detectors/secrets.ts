// Credential detectors. Patterns follow gitleaks' rules (prefixes, lengths, alphabets) and
// the formats the vendors document; most detectors are anchored on literals so that a block
// without them costs one substring search. An anchor is the rarest-led short piece of the
// literal (`yJ` of `eyJ`, `BEGIN` of `-----BEGIN`): V8 searches short needles by their first
// character, and stops at every `e` or `-`.
import { isBase64, shannonEntropy } from '../validators.ts';
import { isolated } from './context.ts';
import { looksLikeSecretValue, unquote } from './secret-values.ts';
import type { Detector } from './types.ts';

const QUOTED_VALUE = String.raw`"(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|\\"(?:[^"\\\r\n]|\\[^"\r\n])*\\"`;
const TOKEN_VALUE = String.raw`[^\s"',;&)}\]]+`;
const OPT_QUOTE = String.raw`(?:\\?["'])?`;

const SECRET_KEY_WORDS = [
  'password', 'passwd', 'passphrase', 'pwd', 'secret', 'token', 'api[_-]?key', 'apikey',
  'access[_-]?key', 'secret[_-]?key', 'private[_-]?key', 'private[_-]?key[_-]?id',
  'client[_-]?key[_-]?data', 'credentials?', 'auth[_-]?key', 'signing[_-]?key', 'encryption[_-]?key',
  'master[_-]?key', 'conn(?:ection)?[_-]?string',
].join('|');

/** `KEY: value` / `KEY=value` where KEY ends in a secret-ish word (DB_PASSWORD, client-secret). */
const assignment = new RegExp(
  String.raw`(${OPT_QUOTE}[A-Za-z0-9_.-]*(?:${SECRET_KEY_WORDS})${OPT_QUOTE}[ \t]*[:=][ \t]*)(${QUOTED_VALUE}|${TOKEN_VALUE})`,
  'iy',
);

function assignmentId(key: string): string {
  const k = key.toLowerCase().replace(/["'\\]/g, '');
  if (k.includes('aws') || /secret[_-]?access[_-]?key/.test(k)) return 'aws-secret-key';
  if (/^private[_-]?key[_-]?id$/.test(k)) return 'gcp-service-account-key';
  if (/^(client-key-data|id-token|refresh-token|access-token)$/.test(k)) return 'kubeconfig-credential';
  return 'secret-assignment';
}

export const secretAssignment: Detector = {
  id: 'secret-assignment',
  category: 'secret',
  priority: 20,
  keyed: true,
  keyEndings: ['ord', 'swd', 'ase', 'pwd', 'ret', 'ken', 'key', '_id', '-id', 'yid', 'ata', 'ial', 'als', 'ing'],
  regex: assignment,
  valueGroup: 2,
  validate(value, text, start) {
    if (!looksLikeSecretValue(value)) return false;
    // `kubectl describe secret` prints `password:  17 bytes`: a size, not the value.
    if (/^\d+ bytes\r?(?:\n|$)/.test(text.slice(start, start + 32))) return false;
    const head = text.slice(text.lastIndexOf('\n', start - 1) + 1, start);
    const keys = head.match(/[A-Za-z0-9_.-]+(?=\\?["']?[ \t]*[:=])/g);
    return assignmentId(keys?.[keys.length - 1] ?? '');
  },
  extend: extendPlainYamlValue,
};

/**
 * A YAML/describe line `KEY: plain words` masks to the end of the line: a passphrase with spaces
 * must not leak its tail. Mid-line (`msg="token: x y"`) only the first token is taken.
 */
function extendPlainYamlValue(text: string, start: number, end: number): number {
  const c = text[start];
  if (c === '"' || c === "'" || c === '\\') return end;
  const head = text.slice(text.lastIndexOf('\n', start - 1) + 1, start);
  if (!/^[ \t]*(?:- +)?["']?[A-Za-z0-9_.-]+["']?[ \t]*:[ \t]*$/.test(head)) return end;
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd === -1) lineEnd = text.length;
  while (lineEnd > end && (text[lineEnd - 1] === '\r' || text[lineEnd - 1] === ' ' || text[lineEnd - 1] === '\t')) lineEnd--;
  return lineEnd;
}

export const highEntropySecret: Detector = {
  id: 'high-entropy-secret',
  category: 'secret',
  priority: 10,
  keyed: true,
  keyEndings: ['key', 'alt', 'mac', 'eed', 'ure', 'kie', 'nid', '_id', '-id'],
  regex: new RegExp(
    String.raw`(${OPT_QUOTE}[A-Za-z0-9_.-]*[A-Za-z0-9][_.-]?(?:key|salt|hmac|seed|signature|cookie|session[_-]?id)${OPT_QUOTE}[ \t]*[:=][ \t]*${OPT_QUOTE})([A-Za-z0-9+/=_-]{16,})`,
    'iy',
  ),
  valueGroup: 2,
  validate(value, text, start) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (/public/i.test(text.slice(lineStart, start))) return false;
    return /\d/.test(value) && /[A-Za-z]/.test(value) && shannonEntropy(value) >= 3.5;
  },
};

export const jwt: Detector = {
  id: 'jwt',
  category: 'secret',
  priority: 40,
  anchors: ['yJ'],
  regex: /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  valueGroup: 0,
};

export const authHeader: Detector = {
  id: 'auth-header',
  category: 'secret',
  priority: 30,
  // Unanchored: irregexp finds the case-insensitive literals faster than lower-casing the block.
  regex: /((?<![A-Za-z0-9_])(?:bearer|basic)[ \t]+)([A-Za-z0-9._~+/-]{8,}=*)/gi,
  valueGroup: 2,
  validate(value, text, start) {
    const scheme = text.slice(Math.max(0, start - 12), start).toLowerCase();
    if (scheme.includes('basic')) {
      return isBase64(value) && Buffer.from(value, 'base64').toString('latin1').includes(':');
    }
    return /[0-9._~+/-]/.test(value) && value.length >= 16;
  },
};

export const privateKeyInline: Detector = {
  id: 'private-key',
  category: 'secret',
  priority: 60,
  anchors: ['BEGIN'],
  regex: /(-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)((?:[^"'\\\r\n-]|\\[^"\r\n]|-(?!----END))+)/g,
  valueGroup: 2,
  validate(_value, text, start) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    return /private_key\\?"[ \t]*:/.test(text.slice(Math.max(lineStart, start - 120), start))
      ? 'gcp-service-account-key'
      : true;
  },
};

export const awsAccessKeyId: Detector = {
  id: 'aws-access-key-id',
  category: 'secret',
  priority: 50,
  anchors: ['A3T', 'AKIA', 'ASIA', 'ABIA', 'ACCA'],
  regex: /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}/g,
  valueGroup: 0,
  validate: (_v, text, start, end) => isolated(text, start, end),
};

export const githubToken: Detector = {
  id: 'github-token',
  category: 'secret',
  priority: 50,
  anchors: ['gh', 'b_p'],
  regex: /gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}/g,
  valueGroup: 0,
  validate: (_v, text, start, end) => isolated(text, start, end),
};

export const gitlabToken: Detector = {
  id: 'gitlab-token',
  category: 'secret',
  priority: 50,
  anchors: ['gl', 'GR13'],
  regex: /gl(?:pat|oas|dt|rt|ptt|ft|soat|cbt|imt|agent)-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20,}/g,
  valueGroup: 0,
  validate: (_v, text, start, end) => isolated(text, start, end),
};

export const slackToken: Detector = {
  id: 'slack-token',
  category: 'secret',
  priority: 50,
  anchors: ['xox'],
  regex: /xox[abpres]-[A-Za-z0-9-]{10,}/g,
  valueGroup: 0,
  validate: (_v, text, start, end) => isolated(text, start, end),
};

export const slackWebhook: Detector = {
  id: 'slack-webhook',
  category: 'secret',
  priority: 50,
  regex: /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)([A-Za-z0-9+/_-]{20,})/g,
  valueGroup: 2,
};

export const stripeKey: Detector = {
  id: 'stripe-key',
  category: 'secret',
  priority: 50,
  regex: /[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}/g,
  valueGroup: 0,
  validate: (_v, text, start, end) => isolated(text, start, end),
};

export const azureConnectionString: Detector = {
  id: 'azure-connection-string',
  category: 'secret',
  priority: 45,
  anchors: ['Key=', 'Signa', '?sig=', '&sig='],
  regex: /((?:AccountKey|SharedAccessKey|SharedAccessSignature)=|[?&]sig=)([^;"'\s&]+)/g,
  valueGroup: 2,
  validate: (value) => value.length >= 16,
};

export const urlPassword: Detector = {
  id: 'url-password',
  category: 'secret',
  priority: 25,
  anchors: ['://'],
  regex: /([A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^:/@\s"'<>]{0,128}:)([^@/\s"'<>]{1,256})(?=@)/g,
  valueGroup: 2,
  validate: (value) => looksLikeSecretValue(value) && !/^\d{1,5}$/.test(unquote(value)),
};

export const kubeconfigClientCertificate: Detector = {
  id: 'kubeconfig-client-certificate',
  category: 'secret',
  priority: 30,
  keyed: true,
  keyEndings: ['ata'],
  regex: /(\\?["']?client-certificate-data\\?["']?[ \t]*:[ \t]*\\?["']?)([A-Za-z0-9+/=]{16,})/y,
  valueGroup: 2,
};

export const secretDetectors: readonly Detector[] = [
  privateKeyInline, jwt, awsAccessKeyId, githubToken, gitlabToken, slackToken, slackWebhook, stripeKey,
  azureConnectionString, authHeader, urlPassword, secretAssignment, highEntropySecret,
];
