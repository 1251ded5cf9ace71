// Findings inside what structural masking already masks are dropped before validation; which
// ranges count as "already masked" must follow merge(): overlapping spans join, touching ones don't.
import { describe, expect, it } from 'vitest';
import { coversOf } from '../../src/masking/covers.ts';
import type { Span } from '../../src/masking/detectors/types.ts';
import { maskText } from '../../src/masking/index.ts';

const span = (start: number, end: number, priority = 70, counted = true): Span => ({ start, end, id: 'k8s-secret-data', style: 'bracket', priority, counted });

describe('coversOf', () => {
  it('joins overlapping covering spans but keeps touching ones apart', () => {
    const covers = coversOf([span(20, 30), span(0, 10), span(5, 15), span(15, 18)]);
    expect(covers.contains(2, 14)).toBe(true);
    expect(covers.contains(12, 16)).toBe(false); // [0,15) and [15,18) touch: merge() keeps two markers
    expect(covers.contains(20, 30)).toBe(true);
    expect(covers.contains(19, 21)).toBe(false);
  });

  it('ignores spans that are uncounted or rank below a detector', () => {
    expect(coversOf([span(0, 10, 70, false)]).contains(1, 2)).toBe(false);
    expect(coversOf([span(0, 10, 5)]).contains(1, 2)).toBe(false);
    expect(coversOf([]).contains(0, 0)).toBe(false);
  });
});

describe('findings inside a Secret data value', () => {
  it('are masked and counted once, under the structural detector', () => {
    const yaml = 'apiVersion: v1\ndata:\n  password: c2VjcmV0LXBhc3N3b3Jk\n  session_key: QWxhZGRpbjpvcGVuIHNlc2FtZTEyMzQ1Njc4\nkind: Secret\n';
    expect(maskText(yaml)).toEqual({
      text: yaml.replace('c2VjcmV0LXBhc3N3b3Jk', 'W01BU0tFRDprOHMtc2VjcmV0LWRhdGFd').replace('QWxhZGRpbjpvcGVuIHNlc2FtZTEyMzQ1Njc4', 'W01BU0tFRDprOHMtc2VjcmV0LWRhdGFd'),
      counts: { 'k8s-secret-data': 2 },
    });
  });

  it('still count when the structural span is an uncounted block-scalar line', () => {
    // The second body line is masked silently by the walker; the assignment found on it makes
    // the merged span counted. Skipping it as "covered" would change the count.
    const yaml = 'kind: Secret\nstringData:\n  config: |\n    host: db\n    password: hunter2-but-longer\n';
    const { text, counts } = maskText(yaml);
    expect(text).not.toContain('hunter2-but-longer');
    expect(text).not.toContain('host: db');
    expect(counts).toEqual({ 'k8s-secret-data': 2 });
  });
});
