// Text from a recording or a recordings directory (file names, markers, the agent's reason) shown
// to an auditor on a terminal: control characters are made visible (`\x1b`, `\u202e`), never
// interpreted. Bidi controls and zero-width characters count as control characters here: they
// reorder or hide what a person reads.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

export function visibleText(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
