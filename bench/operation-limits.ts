/**
 * Cost of the operation checks (`gateway/executor/operation-limits.ts`) on the
 * worst documents a client can send: `npm run bench:operation-limits`.
 * Each document is under the default token limit (GRAPHQL_MAX_TOKENS, 5 000,
 * enforced while parsing) and so far under the body limit; one extra row is
 * parsed without the token limit, to show the check stays linear in the text.
 * Times the gateway's own rule alone and graphql-js's full validation with it,
 * against the gateway's API schema.
 */
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import { operationLimitRules } from '../gateway/executor/operation-limits.ts';

const LIMITS = { maxDepth: 15, maxAliases: 30, maxFields: 2000 } as const;
const MAX_TOKENS = 5000;
const RUNS = 50;

function fragmentChain(levels: number, fanOut: number): string {
  const lines = ['query Bomb { ...F0 }'];
  for (let level = 0; level < levels; level += 1) {
    lines.push(`fragment F${level} on Query { ${Array.from({ length: fanOut }, () => `...F${level + 1}`).join(' ')} }`);
  }
  lines.push(`fragment F${levels} on Query { __typename }`);
  return lines.join('\n');
}

/** Every fragment spreads every later one: quadratic spreads in the text, exponential when expanded. */
function fragmentMesh(fragments: number): string {
  const lines = ['query Mesh { ...M0 }'];
  for (let i = 0; i < fragments; i += 1) {
    const later = Array.from({ length: fragments - i - 1 }, (_, j) => `...M${i + j + 1}`).join(' ');
    lines.push(`fragment M${i} on Query { __typename ${later} }`);
  }
  return lines.join('\n');
}

const nested = (depth: number) => `${'{ me { apiKeys { owner '.repeat(1)}${'{ apiKeys { owner '.repeat(depth)}{ id }${' } }'.repeat(depth)} } } }`;
const wide = (fields: number) => `{ ${Array.from({ length: fields }, (_, i) => `a${i}: __typename`).join(' ')} }`;

const DOCUMENTS: ReadonlyArray<{ readonly name: string; readonly text: string; readonly maxTokens?: number }> = [
  { name: 'doubling fragments, 21 deep (the issue)', text: fragmentChain(21, 2) },
  { name: 'doubling fragments, as deep as 5 000 tokens allow', text: fragmentChain(450, 2) },
  { name: 'one fragment spread 1 000 times, 2 levels', text: fragmentChain(2, 1000) },
  { name: 'fragment mesh (each spreads every later one), 60 fragments', text: fragmentMesh(60) },
  { name: 'nested fields, 800 levels', text: nested(800) },
  { name: '1 200 aliased fields', text: wide(1200) },
  { name: 'doubling fragments, 1 500 deep, token limit off', text: fragmentChain(1_500, 2), maxTokens: Number.POSITIVE_INFINITY },
];

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

function timeMs(run: () => void): { p50: number; max: number } {
  for (let i = 0; i < 3; i += 1) run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), max: samples[samples.length - 1] ?? 0 };
}

const schema = Supergraph.build(readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8')).apiSchema().toGraphQLJSSchema();
const ours = operationLimitRules({ ...LIMITS, maxTokens: 5000 });

console.log(`operation checks, ${RUNS} runs each after 3 warm-ups (ms)`);
console.log('| document | bytes | tokens ok | refused by | our rule p50 / max | full validation p50 / max |');
console.log('|---|---:|:---:|---|---:|---:|');
for (const document of DOCUMENTS) {
  let parsed: DocumentNode;
  try {
    parsed = parse(document.text, { maxTokens: document.maxTokens ?? MAX_TOKENS });
  } catch (error) {
    console.log(`| ${document.name} | ${document.text.length} | no: ${(error as Error).message} | | | |`);
    continue;
  }
  const refusal = validate(schema, parsed, ours).map((error) => error.message).join('; ') || 'admitted';
  const rule = timeMs(() => validate(schema, parsed, ours));
  const full = timeMs(() => validate(schema, parsed, [...specifiedRules, ...ours]));
  const fmt = (t: { p50: number; max: number }) => `${t.p50.toFixed(2)} / ${t.max.toFixed(2)}`;
  console.log(`| ${document.name} | ${document.text.length} | ${document.maxTokens ? 'n/a' : 'yes'} | ${refusal} | ${fmt(rule)} | ${fmt(full)} |`);
}
