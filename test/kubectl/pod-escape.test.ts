// Pod specs that escape their container, wherever the command line shows the spec.
import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { patchEscapes } from '../../src/kubectl/pod-escape.ts';

const escapesOf = (argv: string[]) => parseIntent(argv).podEscapes;
const run = (...flags: string[]) => escapesOf(['run', 'x', '--image=busybox', '-n', 'dev', ...flags]);
const overrides = (json: unknown, type?: string) => run(`--overrides=${typeof json === 'string' ? json : JSON.stringify(json)}`, ...(type ? ['--override-type', type] : []));

describe('kubectl run', () => {
  it.each([
    [['--privileged'], ['privileged']],
    [['--privileged=true'], ['privileged']],
    [['--privileged=1'], ['privileged']],
    [['--privileged=false'], []],
    [['--privileged=0'], []],
    [['--privileged', '--privileged=false'], []],
    [[], []],
  ])('reads %j', (flags, expected) => {
    expect(run(...flags)).toEqual(expected);
  });

  it.each([
    ['host networking', { spec: { hostNetwork: true } }, ['hostNetwork']],
    ['the host PID namespace, any case', { spec: { HOSTPID: true } }, ['hostPID']],
    ['the host IPC namespace', { Spec: { hostIpc: true } }, ['hostIPC']],
    ['a hostPath volume', { spec: { volumes: [{ name: 'root', hostPath: { path: '/' } }] } }, ['hostPath']],
    ['a privileged container', { spec: { containers: [{ name: 'x', securityContext: { privileged: true } }] } }, ['privileged']],
    ['added capabilities in an init container', { spec: { initContainers: [{ name: 'i', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] } }, ['capabilities']],
    ['privilege escalation in an ephemeral container', { spec: { ephemeralContainers: [{ name: 'e', securityContext: { allowPrivilegeEscalation: true } }] } }, ['allowPrivilegeEscalation']],
    ['several at once, deep in a template', { spec: { template: { spec: { hostNetwork: true, hostPID: true, volumes: [{ hostPath: { path: '/var/run/docker.sock' } }] } } } }, ['hostNetwork', 'hostPID', 'hostPath']],
    ['a value that is not a boolean (kubectl rejects it or reads it as set)', { spec: { hostNetwork: 'true' } }, ['hostNetwork']],
    ['settings that switch nothing on', { spec: { hostNetwork: false, hostPID: null, containers: [{ securityContext: { privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: [] } } }] } }, []],
  ])('sees %s in a merge patch', (_name, patch, expected) => {
    expect(overrides(patch)).toEqual(expected);
    expect(overrides(patch, 'strategic')).toEqual(expected);
  });

  it('reads duplicate keys as Go does (the last one wins), and keys differing in case all count', () => {
    expect(overrides('{"spec":{"hostNetwork":true,"hostNetwork":false}}')).toEqual([]);
    expect(overrides('{"spec":{"hostNetwork":false,"hostNetwork":true}}')).toEqual(['hostNetwork']);
    expect(overrides('{"spec":{"hostNetwork":false,"HostNetwork":true}}')).toEqual(['hostNetwork']);
    expect(overrides('{"spec":{"hostNetwork":true},"spec":{"dnsPolicy":"None"}}')).toEqual([]);
  });

  it('fails closed on overrides it cannot read', () => {
    for (const text of ['{"spec":', 'spec: {hostNetwork: true}', '[1,2]', '"x"', 'null']) expect(overrides(text)).toEqual(['unreadable-spec']);
  });

  it('refuses to read overrides nested deeper than any pod spec, without overflowing the stack', () => {
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    expect(overrides(deep)).toEqual(['unreadable-spec']);
    expect(overrides(`${'['.repeat(200)}${']'.repeat(200)}`, 'json')).toEqual(['unreadable-spec']);
  });

  it('reads JSON patch operations by the path they write', () => {
    expect(overrides([{ op: 'add', path: '/spec/hostNetwork', value: true }], 'json')).toEqual(['hostNetwork']);
    expect(overrides([{ op: 'replace', path: '/spec/hostNetwork', value: false }], 'json')).toEqual([]);
    expect(overrides([{ op: 'add', path: '/spec/volumes/-', value: { name: 'r', hostPath: { path: '/' } } }], 'json')).toEqual(['hostPath']);
    expect(overrides([{ op: 'add', path: '/spec/volumes/0/hostPath/path', value: '/' }], 'json')).toEqual(['hostPath']);
    expect(overrides([{ op: 'add', path: '/spec/containers/0/securityContext', value: { privileged: true } }], 'json')).toEqual(['privileged']);
    expect(overrides([{ op: 'add', path: '/spec/containers/0/securityContext/capabilities/add/-', value: 'NET_ADMIN' }], 'json')).toEqual(['capabilities']);
    expect(overrides([{ op: 'copy', from: '/spec/containers/0/stdin', path: '/spec/hostPID' }], 'json')).toEqual(['hostPID']);
    expect(overrides([{ OP: 'move', from: '/metadata/labels/x', PATH: '/spec/hostIPC' }], 'json')).toEqual(['hostIPC']);
    expect(overrides([{ op: 'remove', path: '/spec/hostNetwork' }, { op: 'test', path: '/spec/hostPID', value: true }], 'json')).toEqual([]);
    expect(overrides({ spec: { hostNetwork: true } }, 'json')).toEqual(['unreadable-spec']);
    expect(overrides([{ op: 'add' }], 'json')).toEqual(['unreadable-spec']);
  });

  it('sees nothing in overrides that stay inside the container', () => {
    expect(overrides({ spec: { containers: [{ name: 'x', resources: { limits: { cpu: '1' } } }], nodeSelector: { disk: 'ssd' } } })).toEqual([]);
  });
});

describe('kubectl patch', () => {
  it('reads -p as JSON or YAML, in every patch type', () => {
    expect(escapesOf(['patch', 'deploy', 'web', '-n', 'dev', '-p', '{"spec":{"template":{"spec":{"hostNetwork":true}}}}'])).toEqual(['hostNetwork']);
    expect(escapesOf(['patch', 'deploy', 'web', '-n', 'dev', '--patch', 'spec:\n  template:\n    spec:\n      hostPID: yes\n'])).toEqual(['hostPID']);
    expect(escapesOf(['patch', 'ds/agent', '--type=json', '-p', '[{"op":"add","path":"/spec/template/spec/hostIPC","value":true}]'])).toEqual(['hostIPC']);
    expect(escapesOf(['patch', 'deploy', 'web', '--type', 'merge', '-p={"spec":{"replicas":2}}'])).toEqual([]);
  });

  it('reads patches to workloads and unknown kinds, not to objects that never hold a pod spec', () => {
    const privileged = '{"data":{"privileged":"true","hostNetwork":"yes"}}';
    expect(escapesOf(['patch', 'configmap', 'flags', '-n', 'dev', '-p', privileged])).toEqual([]);
    expect(escapesOf(['patch', 'cm/flags', 'svc/web', '-p', privileged])).toEqual([]);
    expect(escapesOf(['patch', 'rollouts.argoproj.io', 'web', '-p', '{"spec":{"template":{"spec":{"hostPID":true}}}}'])).toEqual(['hostPID']);
    expect(escapesOf(['patch', 'cm/flags', 'deploy/web', '-p', privileged])).toEqual(['hostNetwork', 'privileged']);
    expect(escapesOf(['patch', '-f', 'thing.yaml', '-p', '{"spec":{"hostIPC":true}}'])).toEqual(['hostIPC']);
  });

  it('fails closed on a patch it cannot read, or one read from a file it cannot see', () => {
    expect(escapesOf(['patch', 'deploy', 'web', '-p', '{"spec": ['])).toEqual(['unreadable-spec']);
    expect(escapesOf(['patch', 'deploy', 'web', '--patch-file', 'p.yaml'])).toEqual(['spec-from-file']);
  });

  it('reads patch text as a patch directly', () => {
    expect(patchEscapes('{"spec":{"hostNetwork":true}}', 'merge', null)).toEqual(['hostNetwork']);
  });
});

describe('kubectl debug', () => {
  it('counts a node debug pod (host namespaces and the node\'s filesystem) and privileged profiles', () => {
    expect(escapesOf(['debug', 'node/n1', '-it', '--image=busybox'])).toEqual(['hostNetwork', 'hostPID', 'hostIPC', 'hostPath']);
    expect(escapesOf(['debug', 'web-1', '-it', '--image=busybox', '--profile=sysadmin'])).toEqual(['privileged']);
    expect(escapesOf(['debug', 'web-1', '-it', '--image=busybox', '--profile', 'netadmin'])).toEqual(['capabilities']);
    expect(escapesOf(['debug', 'web-1', '-it', '--image=busybox', '--custom=profile.json'])).toEqual(['spec-from-file']);
    expect(escapesOf(['debug', 'web-1', '-it', '--image=busybox', '--profile=general'])).toEqual([]);
  });
});

describe('commands that show no pod spec', () => {
  it('see no escapes', () => {
    for (const argv of [['get', 'pods'], ['exec', 'web', '--', 'sh'], ['create', 'deployment', 'web', '--image=nginx'], ['expose', 'deploy/web', '--port=80', '--overrides={"spec":{"hostNetwork":true}}']]) {
      expect(escapesOf(argv)).toEqual([]);
    }
  });
});
