import { Document, Spectral, type RulesetDefinition } from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';

/** One finding of the linter, as `spectral lint` prints it. */
export interface LintFinding {
  readonly severity: 'error' | 'warning' | 'info' | 'hint';
  readonly rule: string;
  /** JSON path into the document, `paths./health.get`. */
  readonly at: string;
  readonly message: string;
}

const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;

/**
 * Lints an OpenAPI document with Spectral's `oas` ruleset, its recommended rules,
 * exactly as `spectral lint` with `extends: spectral:oas` does.
 */
export async function lintOpenApi(document: unknown): Promise<LintFinding[]> {
  const spectral = new Spectral();
  // The package's declared type of the ruleset object lacks `extends`; extending it is the documented use.
  spectral.setRuleset({ extends: [[oas as RulesetDefinition, 'recommended']] });
  const results = await spectral.run(new Document(JSON.stringify(document), spectralParsers.Json));
  return results.map((result) => ({
    severity: SEVERITIES[result.severity] ?? 'hint',
    rule: String(result.code),
    at: result.path.join('.'),
    message: result.message,
  }));
}

export const describeFinding = (finding: LintFinding): string => `${finding.severity} ${finding.rule} at ${finding.at}: ${finding.message}`;
