// Reading a parsed YAML document field by field, collecting every problem with the line and the
// field path it concerns (`policy.yaml:12: rules[3].action: must be one of allow, deny, approve`),
// so `policy lint` can list them all at once and a bad policy never loads half-understood.
import { didYouMean } from './did-you-mean.ts';
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Problem {
  line: number;
  path: string;
  message: string;
}

export type YamlNode = Node | null | undefined;

export class YamlReader {
  readonly problems: Problem[] = [];

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  lineOf(node: YamlNode, fallback = 1): number {
    const offset = node?.range?.[0];
    return offset === undefined ? fallback : this.lines.linePos(offset).line;
  }

  problem(node: YamlNode, path: string, message: string, fallbackLine = 1): void {
    this.problems.push({ line: this.lineOf(node, fallbackLine), path, message });
  }

  /** Follows `*alias` references so anchors can be used to share lists between rules. */
  resolve(node: YamlNode): YamlNode {
    if (isAlias(node)) return node.resolve(this.doc) as Node | undefined;
    return node;
  }

  /** The node of a list item (or the node itself when a single value stands for a list). */
  itemOf(node: YamlNode, index: number): YamlNode {
    const resolved = this.resolve(node);
    return isSeq(resolved) ? this.resolve(resolved.items[index] as YamlNode) : resolved;
  }

  isAbsent(node: YamlNode): boolean {
    const resolved = this.resolve(node);
    return resolved === null || resolved === undefined || (isScalar(resolved) && resolved.value === null);
  }

  /** The entries of a mapping; unknown keys are reported (with the known ones listed). */
  map(node: YamlNode, path: string, known: readonly string[] | null): Map<string, Node | null> | null {
    const resolved = this.resolve(node);
    if (!isMap(resolved)) {
      this.problem(resolved, path, 'must be a mapping (key: value)');
      return null;
    }
    const entries = new Map<string, Node | null>();
    for (const pair of resolved.items) {
      const key = pair.key as Node | null;
      const name = isScalar(key) ? String(key.value) : null;
      if (name === null) {
        this.problem(key, path, 'keys must be plain words');
        continue;
      }
      if (known !== null && !known.includes(name)) {
        this.problem(key, join(path, name), `unknown field${didYouMean(name, known, (word) => `"${word}"`)} (expected one of ${known.join(', ')})`);
        continue;
      }
      entries.set(name, (pair.value as Node | null) ?? null);
    }
    return entries;
  }

  seq(node: YamlNode, path: string): Node[] | null {
    const resolved = this.resolve(node);
    if (!isSeq(resolved)) {
      this.problem(resolved, path, 'must be a list');
      return null;
    }
    return resolved.items as Node[];
  }

  string(node: YamlNode, path: string): string | null {
    const resolved = this.resolve(node);
    if (isScalar(resolved) && typeof resolved.value === 'string' && resolved.value.length > 0) return resolved.value;
    this.problem(resolved, path, 'must be a non-empty string');
    return null;
  }

  boolean(node: YamlNode, path: string): boolean | null {
    const resolved = this.resolve(node);
    if (isScalar(resolved) && typeof resolved.value === 'boolean') return resolved.value;
    this.problem(resolved, path, 'must be true or false');
    return null;
  }

  integer(node: YamlNode, path: string, min: number, max: number): number | null {
    const resolved = this.resolve(node);
    const value = isScalar(resolved) ? resolved.value : undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problem(resolved, path, `must be a whole number from ${min} to ${max}`);
    return null;
  }

  oneOf<T extends string>(node: YamlNode, path: string, allowed: readonly T[]): T | null {
    const resolved = this.resolve(node);
    const value = isScalar(resolved) ? resolved.value : undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(resolved, path, `must be one of ${allowed.join(', ')}${typeof value === 'string' ? didYouMean(value, allowed, (word) => `"${word}"`) : ''}`);
    return null;
  }

  /** A list of strings; a single string is accepted as a list of one. */
  strings(node: YamlNode, path: string): string[] | null {
    const resolved = this.resolve(node);
    if (isScalar(resolved)) {
      const single = this.string(resolved, path);
      return single === null ? null : [single];
    }
    const items = this.seq(resolved, path);
    if (items === null) return null;
    if (items.length === 0) {
      this.problem(resolved, path, 'must not be empty (leave the field out to match anything)');
      return null;
    }
    const values: string[] = [];
    items.forEach((item, index) => {
      const value = this.string(item, `${path}[${index}]`);
      if (value !== null) values.push(value);
    });
    return values.length === items.length ? values : null;
  }

  /** Seconds, written as a number or with a unit: `90`, `30s`, `15m`, `2h`. */
  duration(node: YamlNode, path: string): number | null {
    const resolved = this.resolve(node);
    const value = isScalar(resolved) ? resolved.value : undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    const parsed = typeof value === 'string' ? /^(\d+)(s|m|h|d)$/.exec(value) : null;
    if (parsed) return Number(parsed[1]) * UNIT_SECONDS[parsed[2] as keyof typeof UNIT_SECONDS];
    this.problem(resolved, path, 'must be a duration such as 90, 30s, 15m, 2h or 1d');
    return null;
  }
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
