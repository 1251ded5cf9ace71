// relay.yaml → a validated RelayConfig. Every problem names its line and key
// (`relay.yaml:7: issuers[0].audience: must be a non-empty string`), and a file with any
// problem is refused whole. Relative paths are relative to the file.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isScalar, LineCounter, parseDocument } from 'yaml';
import type { TrustedIssuer } from '../../auth/verify-token.ts';
import { ConfigError } from '../../errors.ts';
import { YamlReader, type Problem } from '../../policy/yaml-reader.ts';
import { parseSize, type RelayLimits } from './limits.ts';
import { CLUSTER_NAME, type ClusterConfig } from './gateway/clusters.ts';
import { normalServer } from '../../policy/clusters.ts';
import { GRANT_CLASSES, type GrantDurations } from './gateway/lifetime.ts';

export type Listen = { host: string; port: number };

export type RelayConfig = {
  listen: Listen | null;
  dataDir: string | null;
  /** null: the policy hkubectl ships. */
  policyFile: string | null;
  tls: { certFile: string; keyFile: string } | null;
  issuers: TrustedIssuer[];
  auditorGroups: string[];
  maxWaitSec: number | null;
  /** A second file every signed checkpoint of the audit log's head is appended to. */
  checkpointCopy: string | null;
  /** Only the limits the file sets; the rest keep their defaults (limits.ts). */
  limits: Partial<RelayLimits>;
  /** The clusters whose API the relay brokers through its gateway (their files are read at start). */
  clusters: ClusterConfig[];
  /** Longest life of a session grant per kind of command; only what the file sets (lifetime.ts has the defaults). */
  maxSessionDuration: Partial<GrantDurations>;
  /** `store:`: null keeps everything in files in the data directory. */
  store: StoreConfig | null;
};

/** `store: {postgres: {url, poolSize, keysSecretFile}}` (the password may come from PGPASSWORD instead of the URL). */
export type StoreConfig = { postgres: { url: string; poolSize: number | null; keysSecretFile: string | null } };

const TOP = ['version', 'listen', 'data', 'policy', 'tls', 'issuers', 'auditors', 'maxWait', 'checkpoints', 'limits', 'clusters', 'maxSessionDuration', 'store'];
const CLUSTER = ['name', 'server', 'ca', 'token', 'clientCertificate', 'clientKey', 'kubeconfig', 'context'];
const LIMITS = ['bodyIdle', 'bodyDeadline', 'uploadDeadline', 'maxCastSize', 'uploadPerDay', 'sessionsPerDay'];
const ISSUER = ['issuer', 'audience', 'groupsClaim', 'groupsPrefix', 'jwksUri', 'allowedAlgs'];

export class RelayConfigError extends ConfigError {
  constructor(readonly file: string, readonly problems: Problem[]) {
    const [first] = problems;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super('ERR_RELAY_CONFIG_INVALID', `${first ? formatProblem(file, first) : `${file}: invalid relay configuration`}${more}`, {
      details: { problems: problems.map((problem) => formatProblem(file, problem)) },
    });
  }
}

const formatProblem = (file: string, problem: Problem) => `${file}:${problem.line}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`;

export function parseListen(text: string): Listen | null {
  const match = /^(\[[0-9a-fA-F:]+\]|[\w.-]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65535) return null;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

export async function loadRelayConfigFile(file: string): Promise<RelayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError('ERR_RELAY_CONFIG_UNREADABLE', `cannot read relay configuration ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseRelayConfig(text, file);
}

export function parseRelayConfig(text: string, file: string): RelayConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new RelayConfigError(file, doc.errors.map((error) => ({ line: lines.linePos(error.pos[0]).line, path: '', message: `YAML: ${error.message.split('\n')[0]}` })));
  }
  const reader = new YamlReader(doc, lines);
  const top = reader.map(doc.contents, '', TOP);
  if (top === null) throw new RelayConfigError(file, reader.problems);
  const base = dirname(file);
  const path = (value: string | null) => (value === null ? null : isAbsolute(value) ? value : resolve(base, value));
  const has = (key: string) => top.has(key) && !reader.isAbsent(top.get(key));

  const version = reader.resolve(top.get('version'));
  if (!top.has('version')) reader.problem(doc.contents, 'version', 'required (write "version: 1" at the top)');
  else if (!isScalar(version) || version.value !== 1) reader.problem(version, 'version', 'unsupported version (this hkubectl reads relay configuration version 1)');

  let listen: Listen | null = null;
  if (has('listen')) {
    const value = reader.string(top.get('listen'), 'listen');
    listen = value === null ? null : parseListen(value);
    if (value !== null && listen === null) reader.problem(top.get('listen'), 'listen', 'must be HOST:PORT, e.g. 127.0.0.1:7443');
  }
  let tls: RelayConfig['tls'] = null;
  if (has('tls')) {
    const fields = reader.map(top.get('tls'), 'tls', ['cert', 'key']);
    const cert = fields?.has('cert') ? reader.string(fields.get('cert'), 'tls.cert') : null;
    const key = fields?.has('key') ? reader.string(fields.get('key'), 'tls.key') : null;
    if (fields && (!fields.has('cert') || !fields.has('key'))) reader.problem(top.get('tls'), 'tls', 'needs both cert and key (PEM files)');
    if (cert !== null && key !== null) tls = { certFile: path(cert)!, keyFile: path(key)! };
  }
  const issuers: TrustedIssuer[] = [];
  if (!has('issuers')) reader.problem(doc.contents, 'issuers', 'required: the identity providers whose tokens the relay accepts');
  else {
    (reader.seq(top.get('issuers'), 'issuers') ?? []).forEach((node, index) => {
      const at = `issuers[${index}]`;
      const fields = reader.map(node, at, ISSUER);
      if (fields === null) return;
      if (!fields.has('issuer')) reader.problem(node, `${at}.issuer`, 'required (the issuer URL, exactly as in its tokens)');
      if (!fields.has('audience')) reader.problem(node, `${at}.audience`, 'required (the client id or resource the tokens are issued for)');
      const issuer = fields.has('issuer') ? reader.string(fields.get('issuer'), `${at}.issuer`) : null;
      if (issuer !== null && !/^https?:\/\//.test(issuer)) reader.problem(fields.get('issuer'), `${at}.issuer`, 'must be an http(s) URL');
      const audience = fields.has('audience') ? reader.strings(fields.get('audience'), `${at}.audience`) : null;
      if (issuer === null || audience === null) return;
      const trusted: TrustedIssuer = { issuer, audience: audience.length === 1 ? audience[0]! : audience };
      if (fields.has('groupsClaim')) trusted.groupsClaim = reader.string(fields.get('groupsClaim'), `${at}.groupsClaim`) ?? undefined;
      if (fields.has('groupsPrefix')) trusted.groupsPrefix = reader.string(fields.get('groupsPrefix'), `${at}.groupsPrefix`) ?? undefined;
      if (fields.has('jwksUri')) trusted.jwksUri = reader.string(fields.get('jwksUri'), `${at}.jwksUri`) ?? undefined;
      if (fields.has('allowedAlgs')) trusted.allowedAlgs = reader.strings(fields.get('allowedAlgs'), `${at}.allowedAlgs`) ?? undefined;
      issuers.push(trusted);
    });
  }
  let auditorGroups: string[] = [];
  if (has('auditors')) {
    const fields = reader.map(top.get('auditors'), 'auditors', ['groups']);
    auditorGroups = (fields?.has('groups') ? reader.strings(fields.get('groups'), 'auditors.groups') : null) ?? [];
  }
  let checkpointCopy: string | null = null;
  if (has('checkpoints')) {
    const fields = reader.map(top.get('checkpoints'), 'checkpoints', ['copy']);
    const copy = fields?.has('copy') ? reader.string(fields.get('copy'), 'checkpoints.copy') : null;
    if (fields && !fields.has('copy')) reader.problem(top.get('checkpoints'), 'checkpoints', 'needs "copy": the file each signed checkpoint is also appended to');
    if (copy !== null && copy.trim() === '') reader.problem(fields!.get('copy'), 'checkpoints.copy', 'must be a file path');
    else checkpointCopy = path(copy);
  }
  const limits = has('limits') ? readLimits(reader, top.get('limits')) : {};
  const clusters = has('clusters') ? readClusters(reader, top.get('clusters'), path) : [];
  const maxSessionDuration = has('maxSessionDuration') ? readDurations(reader, top.get('maxSessionDuration')) : {};
  const store = has('store') ? readStore(reader, top.get('store'), path) : null;
  const config: RelayConfig = {
    checkpointCopy, clusters, maxSessionDuration, store,
    listen, tls, issuers, auditorGroups, limits,
    dataDir: path(has('data') ? reader.string(top.get('data'), 'data') : null),
    policyFile: path(has('policy') ? reader.string(top.get('policy'), 'policy') : null),
    maxWaitSec: has('maxWait') ? reader.duration(top.get('maxWait'), 'maxWait') : null,
  };
  if (reader.problems.length > 0) throw new RelayConfigError(file, reader.problems.sort((a, b) => a.line - b.line));
  return config;
}

type Node = Parameters<YamlReader['resolve']>[0];

/** `store:`: only `postgres:` (files in the data directory are what no `store:` means). */
function readStore(reader: YamlReader, node: Node, path: (value: string | null) => string | null): StoreConfig | null {
  const kinds = reader.map(node, 'store', ['postgres']);
  if (kinds === null) return null;
  if (!kinds.has('postgres')) {
    reader.problem(node, 'store', 'needs "postgres:" (leave "store:" out to keep everything in files in the data directory)');
    return null;
  }
  const fields = reader.map(kinds.get('postgres')!, 'store.postgres', ['url', 'poolSize', 'keysSecretFile']);
  if (fields === null) return null;
  if (!fields.has('url')) reader.problem(kinds.get('postgres')!, 'store.postgres.url', 'required: postgres://user@host:5432/database');
  const url = fields.has('url') ? reader.string(fields.get('url')!, 'store.postgres.url') : null;
  if (url !== null && !/^postgres(ql)?:\/\//i.test(url)) reader.problem(fields.get('url')!, 'store.postgres.url', 'must be a postgres:// URL');
  const poolSize = fields.has('poolSize') ? reader.integer(fields.get('poolSize')!, 'store.postgres.poolSize', 1, 1000) : null;
  const keysSecretFile = fields.has('keysSecretFile') ? path(reader.string(fields.get('keysSecretFile')!, 'store.postgres.keysSecretFile')) : null;
  return url === null ? null : { postgres: { url, poolSize, keysSecretFile } };
}

/** `limits:`: durations as elsewhere in the file (10s, 15m), sizes as 500M or 2G, a count. */
function readLimits(reader: YamlReader, node: Node): Partial<RelayLimits> {
  const fields = reader.map(node, 'limits', LIMITS);
  if (fields === null) return {};
  const limits: Partial<RelayLimits> = {};
  const seconds = (key: string): number | null => {
    const value = reader.duration(fields.get(key)!, `limits.${key}`);
    if (value === 0) reader.problem(fields.get(key)!, `limits.${key}`, 'must be more than 0');
    return value === null || value === 0 ? null : value * 1000;
  };
  const size = (key: string): number | null => {
    const resolved = reader.resolve(fields.get(key)!);
    const text = isScalar(resolved) && (typeof resolved.value === 'string' || typeof resolved.value === 'number') ? String(resolved.value) : '';
    const bytes = parseSize(text);
    if (bytes === null) reader.problem(resolved, `limits.${key}`, 'must be a size such as 65536, 500M or 2G');
    return bytes;
  };
  const set = <K extends keyof RelayLimits>(key: K, value: number | null) => {
    if (value !== null) limits[key] = value;
  };
  if (fields.has('bodyIdle')) set('bodyIdleMs', seconds('bodyIdle'));
  if (fields.has('bodyDeadline')) set('bodyDeadlineMs', seconds('bodyDeadline'));
  if (fields.has('uploadDeadline')) set('uploadDeadlineMs', seconds('uploadDeadline'));
  if (fields.has('maxCastSize')) set('maxCastBytes', size('maxCastSize'));
  if (fields.has('uploadPerDay')) set('uploadBytesPerDay', size('uploadPerDay'));
  if (fields.has('sessionsPerDay')) set('sessionsPerDay', reader.integer(fields.get('sessionsPerDay')!, 'limits.sessionsPerDay', 1, 10_000_000));
  return limits;
}

/**
 * `clusters:`: each a name, a server, an optional CA file, and exactly one credential of the
 * relay's: a token file, a client certificate and key, or a kubeconfig file (and context).
 */
function readClusters(reader: YamlReader, node: Node, path: (value: string | null) => string | null): ClusterConfig[] {
  const clusters: ClusterConfig[] = [];
  const names = new Set<string>();
  (reader.seq(node, 'clusters') ?? []).forEach((item, index) => {
    const at = `clusters[${index}]`;
    const fields = reader.map(item, at, CLUSTER);
    if (fields === null) return;
    const text = (key: string) => (fields.has(key) ? reader.string(fields.get(key), `${at}.${key}`) : null);
    const name = text('name');
    if (!fields.has('name')) reader.problem(item, `${at}.name`, 'required: the name agents\' kubeconfigs give this cluster');
    else if (name !== null && !CLUSTER_NAME.test(name)) reader.problem(fields.get('name'), `${at}.name`, 'must be letters, digits, ".", "_" or "-" (it is a URL path segment of the gateway)');
    else if (name !== null && names.has(name)) reader.problem(fields.get('name'), `${at}.name`, `cluster ${name} is listed twice`);
    if (name !== null) names.add(name);
    const server = text('server');
    if (server !== null && (normalServer(server) === null || !/^https:/i.test(server))) reader.problem(fields.get('server'), `${at}.server`, 'must be the https:// URL of the API server');
    const kinds = [fields.has('token') ? 'token' : '', fields.has('clientCertificate') || fields.has('clientKey') ? 'clientCertificate' : '', fields.has('kubeconfig') ? 'kubeconfig' : ''].filter(Boolean);
    if (kinds.length !== 1) {
      reader.problem(item, at, kinds.length === 0
        ? "needs the relay's credential for the cluster: token (a file), clientCertificate and clientKey (files), or kubeconfig (a file, with context)"
        : `give one credential, not ${kinds.join(' and ')}`);
      return;
    }
    if (fields.has('context') && !fields.has('kubeconfig')) reader.problem(fields.get('context'), `${at}.context`, 'only goes with kubeconfig');
    if (!fields.has('server') && !fields.has('kubeconfig')) reader.problem(item, `${at}.server`, 'required (the https:// URL of the API server)');
    if (fields.has('clientCertificate') !== fields.has('clientKey')) reader.problem(item, at, 'clientCertificate and clientKey go together');
    let credential: ClusterConfig['credential'] | null = null;
    if (kinds[0] === 'token') {
      const file = text('token');
      if (file !== null) credential = { tokenFile: path(file)! };
    } else if (kinds[0] === 'clientCertificate') {
      const cert = text('clientCertificate');
      const key = text('clientKey');
      if (cert !== null && key !== null) credential = { certFile: path(cert)!, keyFile: path(key)! };
    } else {
      const file = text('kubeconfig');
      if (file !== null) credential = { kubeconfigFile: path(file)!, context: text('context') };
    }
    const ca = text('ca');
    if (name === null || credential === null) return;
    clusters.push({ name, server, caFile: path(ca), credential });
  });
  return clusters;
}

/** `maxSessionDuration:` one duration for every kind of command, or one per kind (read, write, access, follow). */
function readDurations(reader: YamlReader, node: Node): Partial<GrantDurations> {
  const resolved = reader.resolve(node);
  const positive = (value: number | null, at: Node, key: string): number | null => {
    if (value === 0) reader.problem(at, key, 'must be more than 0');
    return value === null || value === 0 ? null : value * 1000;
  };
  if (isScalar(resolved)) {
    const ms = positive(reader.duration(resolved, 'maxSessionDuration'), resolved, 'maxSessionDuration');
    return ms === null ? {} : Object.fromEntries(GRANT_CLASSES.map((kind) => [kind, ms]));
  }
  const fields = reader.map(resolved, 'maxSessionDuration', GRANT_CLASSES);
  const durations: Partial<GrantDurations> = {};
  for (const kind of GRANT_CLASSES) {
    if (!fields?.has(kind)) continue;
    const ms = positive(reader.duration(fields.get(kind), `maxSessionDuration.${kind}`), fields.get(kind)!, `maxSessionDuration.${kind}`);
    if (ms !== null) durations[kind] = ms;
  }
  return durations;
}
