// `hkubectl mask`: stdin → masked stdout, the same masker hkubectl puts between kubectl and the
// agent. Thin: the work is in src/masking/.
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Command, Option } from 'commander';
import { UsageError } from '../../errors.ts';
import {
  builtInDetectors, createMaskingTransform, createStreamingMasker, parseMaskingRules, PROFILE_NAMES, profileDescriptions,
  profileDetectors, STRUCTURAL_DETECTORS, type MaskingOptions, type MaskProfileName,
} from '../../masking/index.ts';

async function loadRules(file: string): Promise<ReturnType<typeof parseMaskingRules>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError('MASK_RULES_UNREADABLE', `cannot read rules file ${file}: ${(error as Error).message}`);
  }
  // Loaded only for --rules: the YAML parser is a tenth of the filter's memory (≈9 MB RSS).
  const { parse: parseYaml } = await import('yaml');
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new UsageError('MASK_RULE_INVALID', `${file}: not valid YAML or JSON: ${(error as Error).message}`);
  }
  return parseMaskingRules(doc, file);
}

function listDetectors(custom: { id: string; description?: string; pattern: string }[]): string {
  const lines = [...STRUCTURAL_DETECTORS.map((d) => [d.id, d.profiles ?? 'all', d.description])];
  for (const detector of builtInDetectors()) {
    const inProfiles = PROFILE_NAMES.filter((p) => profileDetectors(p).some((d) => d.id === detector.id));
    lines.push([detector.id, inProfiles.join(','), detector.description]);
  }
  for (const spec of custom) lines.push([spec.id, 'rules', spec.description ?? `/${spec.pattern}/`]);
  const width = Math.max(...lines.map((l) => (l[0] as string).length));
  const profileWidth = Math.max(...lines.map((l) => (l[1] as string).length));
  return lines.map(([id, profiles, text]) => `${(id as string).padEnd(width)}  ${(profiles as string).padEnd(profileWidth)}  ${text}\n`).join('');
}

export default function command(): Command {
  return new Command('mask')
    .description(
      'Mask secrets and personal data in stdin and write the result to stdout: a filter for any pipeline ' +
        '(e.g. `kubectl get secret -o yaml | hkubectl mask`). Values become [MASKED:<detector>]; inside a ' +
        "Secret's data the marker is base64, so YAML and JSON still parse. Bytes nothing matched pass unchanged.",
    )
    .addOption(
      new Option('--profile <name>', `what to mask: ${PROFILE_NAMES.map((p) => `${p} = ${profileDescriptions[p]}`).join('; ')}`)
        .choices(PROFILE_NAMES),
    )
    .option(
      '--rules <file>',
      'YAML/JSON with custom detectors and allow-lists: {profile?, detectors: [{id, pattern, description?, flags?, validator?, ' +
        "contextWords?}], allow: [value or /regex/], allowDomains: [the organisation's own email domains]} (also accepted " +
        'under a top-level masking: key, as in a policy file)',
    )
    .option('--stats', 'after the output, print to stderr a JSON line with how many values each detector masked')
    .option('--detectors', 'list every detector (id, profiles, what it finds) with those of --rules, and exit')
    .action(async (options: { profile?: MaskProfileName; rules?: string; stats?: boolean; detectors?: boolean }) => {
      const rules = options.rules === undefined ? undefined : await loadRules(options.rules);
      if (options.detectors) {
        process.stdout.write(listDetectors(rules?.customDetectors ?? []));
        return;
      }
      const maskingOptions: MaskingOptions = {
        profile: options.profile ?? rules?.profile ?? 'standard',
        customDetectors: rules?.customDetectors,
        allow: rules?.allow,
        allowDomains: rules?.allowDomains,
      };
      createStreamingMasker(maskingOptions); // validate before reading any input
      const transform = createMaskingTransform(maskingOptions);
      await pipeline(process.stdin, transform, process.stdout);
      if (options.stats) {
        process.stderr.write(`${JSON.stringify({ masked: transform.counts })}\n`);
      }
    });
}
