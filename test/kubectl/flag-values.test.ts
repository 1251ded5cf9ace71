// Flag values read as kubectl's flag library (spf13/pflag over Go's strconv and time) reads them.
import { describe, expect, it } from 'vitest';
import { dryRunOf, flagValueOf, formatGoDuration, isImmediateDeletion, parseGoBool, parseGoDuration, parseGoInt } from '../../src/kubectl/flag-values.ts';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';

describe('strconv.ParseBool', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('%s is true', (text) => expect(parseGoBool(text)).toBe(true));
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('%s is false', (text) => expect(parseGoBool(text)).toBe(false));
  it.each(['yes', 'no', 'tRUE', 'on', '', ' true'])('%j is an error', (text) => expect(parseGoBool(text)).toBeNull());
});

describe('strconv.ParseInt(s, 0, 64)', () => {
  const values: Array<[string, bigint | null]> = [
    ['0', 0n], ['00', 0n], ['-0', 0n], ['+0', 0n], ['000', 0n], ['0x0', 0n], ['0X0', 0n], ['0o0', 0n], ['0b0', 0n], ['0_0', 0n],
    ['30', 30n], ['-1', -1n], ['036', 30n], ['0x1e', 30n], ['0b11110', 30n], ['0o36', 30n], ['3_0', 30n], ['0x_1e', 30n],
    ['9223372036854775807', 9223372036854775807n], ['9223372036854775808', null], ['-9223372036854775808', -9223372036854775808n],
    ['', null], ['-', null], ['1e1', null], ['08', null], ['0x', null], ['_0', null], ['0__0', null], ['1_', null], ['0.0', null], [' 0', null], ['0s', null],
  ];
  it.each(values)('%j → %s', (text, value) => expect(parseGoInt(text)).toBe(value));
});

describe('time.ParseDuration and Duration.String', () => {
  const values: Array<[string, string | null]> = [
    ['0', '0s'], ['0s', '0s'], ['-0s', '0s'], ['+0', '0s'], ['60s', '1m0s'], ['1h', '1h0m0s'], ['1.5h', '1h30m0s'], ['1h2m3s', '1h2m3s'],
    ['90m', '1h30m0s'], ['500ms', '500ms'], ['.5s', '500ms'], ['1us', '1µs'], ['1µs', '1µs'], ['2ns', '2ns'], ['1m30.5s', '1m30.5s'],
    ['1', null], ['s', null], ['1d', null], ['', null], ['1.s', '1s'],
  ];
  it.each(values)('%j → %s', (text, canonical) => {
    const ns = parseGoDuration(text);
    expect(ns === null ? null : formatGoDuration(ns)).toBe(canonical);
  });
});

describe('flag values in the command model', () => {
  it('keeps the last value of a typed flag, as pflag does', () => {
    expect(flagValueOf('grace-period', ['30', '00'])).toBe('0');
    expect(flagValueOf('force', ['true', 'F'])).toBe(false);
    expect(flagValueOf('timeout', ['5m', '0'])).toBe('0s');
  });

  it('keeps a value Go refuses as written (kubectl refuses the whole command)', () => {
    expect(flagValueOf('grace-period', ['soon'])).toBe('soon');
    expect(flagValueOf('force', ['yes'])).toBe('yes');
  });

  it.each([
    ['delete pod x --grace-period=00 --force', { force: true, flags: { 'grace-period': '0' } }],
    ['delete pod x --grace-period=-0 --force=1', { force: true, flags: { 'grace-period': '0' } }],
    ['delete pod x --grace-period 0x0 --force=t', { force: true, flags: { 'grace-period': '0' } }],
    ['delete pod x --force=false', { force: false }],
    ['delete pod x --force=F', { force: false }],
    ['delete pod x --force=0', { force: false }],
    ['delete pod x --force=TRUE', { force: true }],
    ['delete pod x --now=1', { flags: { now: true } }],
    ['get pods -A=f', { allNamespaces: false }],
    ['get pods --all-namespaces=T', { allNamespaces: true }],
    ['delete pod x --dry-run=0', { dryRun: 'none' }],
    ['delete pod x --dry-run=False', { dryRun: 'none' }],
    ['delete pod x --dry-run=f', { dryRun: 'none' }],
    ['delete pod x --dry-run=Client', { dryRun: 'none' }],
    ['delete pod x --dry-run=1', { dryRun: 'client' }],
    ['delete pod x --dry-run', { dryRun: 'client' }],
    ['delete pod x --dry-run=server', { dryRun: 'server' }],
  ] as const)('%s', (line, expected) => {
    expect(parseIntent(line.split(' '))).toMatchObject(expected);
  });

  it('reads --dry-run as kubectl 1.32 does, including its deprecated bool values', () => {
    expect([dryRunOf(undefined), dryRunOf('none'), dryRunOf('unchanged'), dryRunOf('true'), dryRunOf('false'), dryRunOf('bogus')])
      .toEqual(['none', 'none', 'client', 'client', 'none', 'none']);
  });
});

describe('immediate deletion, by kubectl delete\'s rules', () => {
  const immediate = (line: string) => isImmediateDeletion(parseIntent(line.split(' ')));
  it.each([
    'delete pod x --force', 'delete pod x --force=true', 'delete pod x --force=1', 'delete pod x --force=t', 'delete pod x --force --grace-period=0',
    'delete pod x --force --grace-period 0', 'delete pod x --force --grace-period=00', 'delete pod x --force --grace-period=-0',
    'delete pod x --force --grace-period=-1', 'delete pod x --force --grace-period=-5', 'delete pod x --grace-period=30 --grace-period=0 --force',
    'replace -f pod.yaml --force --grace-period=0', 'apply -f pod.yaml --force --grace-period=0x0',
  ])('%s deletes at once', (line) => expect(immediate(line)).toBe(true));

  it.each([
    'delete pod x', 'delete pod x --grace-period=0', 'delete pod x --force=false --grace-period=0', 'delete pod x --force --grace-period=1',
    'delete pod x --force --now', 'delete pod x --now', 'delete pod x --force=0', 'delete pod x --force --grace-period=0 --grace-period=5',
    'replace -f pod.yaml --force', 'apply -f pod.yaml --force',
  ])('%s does not', (line) => expect(immediate(line)).toBe(false));
});
