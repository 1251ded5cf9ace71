// What a detector is and what it finds. Detectors never match across a newline: the streaming
// masker cuts its input at line (or bounded segment) boundaries and relies on that.

export type MarkerStyle = 'bracket' | 'base64';

/** A range of the scanned text to replace. `counted: false` continues a value already counted. */
export interface Span {
  start: number;
  end: number;
  id: string;
  style: MarkerStyle;
  priority: number;
  counted: boolean;
}

export type DetectorCategory = 'secret' | 'financial' | 'contact';

/** Decides whether a hit is a finding; may return a more specific detector id. */
export type Validate = (value: string, text: string, start: number, end: number) => boolean | string;

export interface Detector {
  /** Stable: shown in markers, `--stats` counts and manifests. */
  readonly id: string;
  /** One line for `hkubectl mask --detectors`: what it finds, and whose rule it follows. */
  readonly description: string;
  readonly category: DetectorCategory;
  /** Higher wins when spans of several detectors overlap (the union is masked either way). */
  readonly priority: number;
  /**
   * Literals of which at least one occurs on every line the regex can match. Only lines holding
   * one are scanned, so a detector costs one native substring search per block when absent.
   * V8 finds a literal by its first character: one led by a rare character (`_live_`, not
   * `sk_live_`) costs a tenth as much on kubectl output.
   * Neither anchors nor keyed: the regex runs over the whole text, so it must start with a
   * literal or a narrow character class that the regex engine can skip to quickly.
   */
  readonly anchors?: readonly string[];
  /**
   * Where a match holding an anchor found at `at` must start: the regex (sticky) then runs there
   * alone instead of over the anchor's whole line. For anchors that are frequent on lines the
   * detector rarely matches (the `@` of every image digest, for an email address).
   */
  readonly anchorStart?: (text: string, at: number) => number;
  /**
   * The lines of a block where this detector can find anything, as ascending [start, end) pairs:
   * a necessary condition found more cheaply than by the detector's own regex. Only those lines
   * are scanned; detectors sharing one gate function share its pass over a block. For detectors
   * whose regex starts with a class as common as a digit, where no literal anchors them.
   */
  readonly gate?: (text: string) => number[];
  /** Search `anchors` (written in lower case) in the lower-cased text. */
  readonly anchorsIgnoreCase?: boolean;
  /**
   * Run only at `key: value` / `key=value` keys found by the separator scan (key-scan.ts); the
   * regex is then sticky and starts at the key (or its opening quote).
   */
  readonly keyed?: boolean;
  /**
   * For a keyed detector: the last three letters (lower case) of every key its regex can match.
   * Other keys are skipped without running the regex (a pod's `name:` and `resourceVersion:`).
   */
  readonly keyEndings?: readonly string[];
  /**
   * For a keyed detector: a test every key its regex can match passes (the key's own text, cheaper
   * than the sticky regex, which backtracks through its key words at every key it is tried on).
   */
  readonly keyWord?: RegExp;
  /**
   * Global regex. valueGroup 0: the whole match is the value; 2: group 1 is a kept prefix and
   * group 2 the value; 'value': the named group `value` (regex compiled with the `d` flag).
   */
  readonly regex: RegExp;
  readonly valueGroup: 0 | 2 | 'value';
  readonly validate?: Validate;
  /** Moves the end of a validated value (a plain YAML scalar runs to the end of its line). */
  readonly extend?: (text: string, start: number, end: number) => number;
}
