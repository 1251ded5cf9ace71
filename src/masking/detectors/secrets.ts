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
// A backslash that starts a JSON escape (`\n`, `\"` of an escaped document) ends the value:
// taking it would cut the escape in two and break the document around the marker.
const TOKEN_VALUE = String.raw`(?:[^\s"',;&)}\]\\]|\\(?![nrt"\\/u]))+`;
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
  description: 'the value of a key ending in a secret word (DB_PASSWORD=, client-secret:, "apiToken":)',
  category: 'secret',
  priority: 20,
  keyed: true,
  keyEndings: ['ord', 'swd', 'ase', 'pwd', 'ret', 'ken', 'key', '_id', '-id', 'yid', 'ata', 'ial', 'als', 'ing'],
  // The key is a maximal run of key characters that the regex's key part must end with a word of.
  keyWord: new RegExp(String.raw`(?:${SECRET_KEY_WORDS})$`, 'i'),
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
  description: 'a high-entropy value of a key named key, salt, hmac, seed, signature, cookie or session id',
  category: 'secret',
  priority: 10,
  keyed: true,
  keyEndings: ['key', 'alt', 'mac', 'eed', 'ure', 'kie', 'nid', '_id', '-id'],
  keyWord: /[A-Za-z0-9][_.-]?(?:key|salt|hmac|seed|signature|cookie|session[_-]?id)$/i,
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
  description: 'JSON Web Tokens (gitleaks jwt)',
  category: 'secret',
  priority: 40,
  anchors: ['yJ'],
  regex: /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  valueGroup: 0,
};

export const authHeader: Detector = {
  id: 'auth-header',
  description: 'Bearer tokens and Basic credentials after an Authorization scheme',
  category: 'secret',
  priority: 30,
  // Lower-casing a block (one-byte strings: a fraction of a millisecond per MB) and searching
  // the words costs less than a case-insensitive regex over the block, which irregexp tries at
  // every position; the regex then runs on the lines holding one.
  anchors: ['bearer', 'basic'],
  anchorsIgnoreCase: true,
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
  description: 'the body of a PEM or OpenSSH private key of any type, on one line or escaped (gitleaks private-key)',
  category: 'secret',
  priority: 60,
  anchors: ['BEGIN'],
  regex: /(-----BEGIN[A-Z0-9 _-]{0,100}PRIVATE KEY(?: BLOCK)?-----)((?:[^"'\\\r\n-]|\\[^"\r\n]|-(?!----END))+)/g,
  valueGroup: 2,
  validate(_value, text, start) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    return /private_key\\?"[ \t]*:/.test(text.slice(Math.max(lineStart, start - 120), start))
      ? 'gcp-service-account-key'
      : true;
  },
};

// Vendor token formats. Each follows the gitleaks rule named in its description (config/
// gitleaks.toml), widened where a form is seen in the wild that the rule misses; `isolated`
// plays the part of gitleaks' `\b` boundaries.
const standalone = (_v: string, text: string, start: number, end: number) => isolated(text, start, end);

export const awsAccessKeyId: Detector = {
  id: 'aws-access-key-id',
  description: 'AWS access key ids AKIA/ASIA/ABIA/ACCA/A3T* (gitleaks aws-access-token, widened to upper-case letters and all digits)',
  category: 'secret',
  priority: 50,
  anchors: ['A3T', 'AKIA', 'ASIA', 'ABIA', 'ACCA'],
  // gitleaks takes base32 ([A-Z2-7]) after the prefix; older and documented example ids hold
  // 0, 1, 8 and 9, so every upper-case letter and digit is taken, on a token of exactly 20.
  regex: /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/g,
  valueGroup: 0,
  validate: standalone,
};

export const githubToken: Detector = {
  id: 'github-token',
  description: 'GitHub personal, OAuth, app, refresh and fine-grained tokens (gitleaks github-pat, github-oauth, github-app-token, github-refresh-token, github-fine-grained-pat)',
  category: 'secret',
  priority: 50,
  // `_` (rare in kubectl output) is in every form; the vendors whose tokens hold one share its search.
  anchors: ['_'],
  regex: /gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}/g,
  valueGroup: 0,
  validate: standalone,
};

export const gitlabToken: Detector = {
  id: 'gitlab-token',
  description: 'GitLab personal, pipeline-trigger, deploy, runner, feed, agent, OAuth, SCIM and CI job tokens, routable forms too (gitleaks gitlab-*)',
  category: 'secret',
  priority: 50,
  anchors: ['gl', 'GR13'],
  regex: /gl(?:pat|oas|dt|rt|ptt|ft|ffct|soat|cbt|imt|agent)-[A-Za-z0-9_.-]{20,}|GR1348941[A-Za-z0-9_-]{20,}/g,
  valueGroup: 0,
  validate: standalone,
};

export const slackToken: Detector = {
  id: 'slack-token',
  description: 'Slack bot, user, workspace, legacy, app-level and configuration tokens (gitleaks slack-bot-token, slack-user-token, slack-app-token, slack-config-*)',
  category: 'secret',
  priority: 50,
  anchors: ['xox', 'xapp-'],
  regex: /xox[abpres]-[A-Za-z0-9-]{10,}|xoxe\.xox[bp]-\d-[A-Za-z0-9]{100,}|xoxe-\d-[A-Za-z0-9]{100,}|xapp-\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]+/g,
  valueGroup: 0,
  validate: standalone,
};

export const stripeKey: Detector = {
  id: 'stripe-key',
  description: 'Stripe secret and restricted keys and webhook secrets (gitleaks stripe-access-token)',
  category: 'secret',
  priority: 50,
  anchors: ['_'],
  regex: /[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}/g,
  valueGroup: 0,
  validate: standalone,
};

export const googleApiKey: Detector = {
  id: 'google-api-key',
  description: 'Google Cloud / Firebase API keys AIza… (gitleaks gcp-api-key)',
  category: 'secret',
  priority: 50,
  anchors: ['AIza'],
  regex: /AIza[A-Za-z0-9_-]{35}/g,
  valueGroup: 0,
  validate: standalone,
};

export const npmToken: Detector = {
  id: 'npm-token',
  description: 'npm access tokens npm_… (gitleaks npm-access-token)',
  category: 'secret',
  priority: 50,
  anchors: ['_'],
  regex: /npm_[A-Za-z0-9]{36}/g,
  valueGroup: 0,
  validate: standalone,
};

export const pypiToken: Detector = {
  id: 'pypi-token',
  description: 'PyPI upload tokens pypi-AgEIcHlwaS5vcmc… (gitleaks pypi-upload-token)',
  category: 'secret',
  priority: 50,
  anchors: ['AgEIcH'],
  regex: /pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}/g,
  valueGroup: 0,
};

export const azureAdClientSecret: Detector = {
  id: 'azure-client-secret',
  description: 'Microsoft Entra (Azure AD) client secrets xxxNQ~… (gitleaks azure-ad-client-secret)',
  category: 'secret',
  priority: 50,
  anchors: ['Q~'],
  regex: /[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}/g,
  valueGroup: 0,
  validate: (_v, text, start, end) => isolated(text, start, end, '~.-'),
};

export const slackWebhook: Detector = {
  id: 'slack-webhook',
  description: 'Slack incoming-webhook, workflow and trigger URLs (gitleaks slack-webhook-url)',
  category: 'secret',
  priority: 50,
  anchors: ['hooks.'],
  regex: /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)([A-Za-z0-9+/_-]{20,})/g,
  valueGroup: 2,
};

export const azureConnectionString: Detector = {
  id: 'azure-connection-string',
  description: 'AccountKey, SharedAccessKey and SAS signatures of Azure connection strings (gitleaks azure-storage-key)',
  category: 'secret',
  priority: 45,
  anchors: ['Key=', 'Signa', '?sig=', '&sig='],
  regex: /((?:AccountKey|SharedAccessKey|SharedAccessSignature)=|[?&]sig=)([^;"'\s&]+)/g,
  valueGroup: 2,
  validate: (value) => value.length >= 16,
};

export const urlPassword: Detector = {
  id: 'url-password',
  description: 'the password of user:password@ in a URL: basic auth, database and broker connection strings',
  category: 'secret',
  priority: 25,
  anchors: ['//'],
  regex: /([A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^:/@\s"'<>]{0,128}:)([^@/\s"'<>]{1,256})(?=@)/g,
  valueGroup: 2,
  validate: (value) => looksLikeSecretValue(value) && !/^\d{1,5}$/.test(unquote(value)),
};

export const kubeconfigClientCertificate: Detector = {
  id: 'kubeconfig-client-certificate',
  description: "a kubeconfig's client-certificate-data (strict profile)",
  category: 'secret',
  priority: 30,
  keyed: true,
  keyEndings: ['ata'],
  regex: /(\\?["']?client-certificate-data\\?["']?[ \t]*:[ \t]*\\?["']?)([A-Za-z0-9+/=]{16,})/y,
  valueGroup: 2,
};

export const secretDetectors: readonly Detector[] = [
  privateKeyInline, jwt, awsAccessKeyId, githubToken, gitlabToken, slackToken, slackWebhook, stripeKey,
  googleApiKey, npmToken, pypiToken, azureAdClientSecret, azureConnectionString, authHeader, urlPassword, secretAssignment, highEntropySecret,
];
