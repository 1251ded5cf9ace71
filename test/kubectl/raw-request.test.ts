// `kubectl get|create|replace|delete --raw PATH` modelled as the API request kubectl sends.
import { describe, expect, it } from 'vitest';
import type { CommandIntent } from '../../src/kubectl/intent.ts';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';

const rows: Array<[string, Partial<CommandIntent>]> = [
  ['delete --raw /api/v1/namespaces/prod', { verb: 'delete', resources: ['namespaces'], names: ['prod'], namespace: 'prod', unrecognised: [] }],
  ['delete --raw /api/v1/namespaces/prod -n dev', { namespace: 'prod', names: ['prod'] }],
  ['delete --raw /api/v1/namespaces/dev/pods', { resources: ['pods'], names: [], namespace: 'dev', flags: { raw: '/api/v1/namespaces/dev/pods', all: true } }],
  ['get --raw /api/v1/secrets -n dev', { resources: ['secrets'], namespace: null, allNamespaces: true }],
  ['get --raw /api/v1/nodes', { resources: ['nodes'], allNamespaces: false }],
  ['get --raw /api/v1/namespaces/dev/secrets/db?watch=1', { resources: ['secrets'], names: ['db'], namespace: 'dev' }],
  ['create --raw /apis/rbac.authorization.k8s.io/v1/clusterrolebindings -f crb.json', { verb: 'create', resources: ['clusterrolebindings.rbac.authorization.k8s.io'], filenames: ['crb.json'] }],
  ['replace --raw /apis/apps/v1/namespaces/dev/deployments/web/scale -f s.json', { verb: 'replace', resources: ['deployments.apps'], names: ['web'], subresource: 'scale' }],
  ['get --raw /api/v1/proxy/namespaces/dev/services/web', { resources: ['services'], subresource: 'proxy' }],
  ['delete --raw /api/v1/namespaces/dev/pods/web --dry-run=server', { dryRun: 'none' }],
  ['get --raw /healthz', { resources: [], unrecognised: [] }],
  ['get --raw /apis/example.com/v1/widgets', { resources: ['widgets.example.com'], unrecognised: ['widgets.example.com'] }],
  ['get --raw /api/v1/namespaces/dev/podz', { resources: ['podz'], unrecognised: ['podz'] }],
  ['get --raw /logs/', { resources: [], unrecognised: ['--raw /logs/ (a non-resource path other than discovery, version, health or OpenAPI)'] }],
  ['delete --raw /api/v1/namespaces/a/../prod', { resources: [], allNamespaces: true, unrecognised: [expect.stringMatching(/^--raw \/api\/v1\/namespaces\/a\/\.\.\/prod \(the path has empty/)] as unknown as string[] }],
  // kubectl ignores an empty --raw and runs the command as written
  ['delete --raw= ns prod', { resources: ['namespaces'], names: ['prod'], unrecognised: [] }],
  // config view --raw is a bool flag of a local command, not a request
  ['config view --raw', { verb: 'config view', resources: [], unrecognised: [], flags: { raw: true } }],
];

describe('--raw requests in the command model', () => {
  it.each(rows)('kubectl %s', (line, expected) => {
    expect(parseIntent(line.split(' '))).toMatchObject(expected);
  });
});
