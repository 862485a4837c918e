import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { edgeDocuments } from '../../gateway/executor/edge-documents.ts';
import { operationLimitRules } from '../../gateway/executor/operation-limits.ts';
import { chunkSizes } from '../../gateway/bulk/batch-execution.ts';

const schema = buildSchema('type Query { a: Int } type Mutation { m(x: Int): Int }');
const limits = { maxDepth: 15, maxAliases: 3, maxFields: 100, maxTokens: 60 };
const aliases = (count: number) => `mutation Batch { ${Array.from({ length: count }, (_, index) => `r${index}: m(x: ${index})`).join(' ')} }`;

describe('documents the edge composes itself (bulk batches)', () => {
  const documents = edgeDocuments();
  const errorsOf = (source: string) => validate(schema, parse(source), operationLimitRules(limits, documents.isEdgeComposed)).map((error) => error.message);

  it('exempts a marked document from the alias and token limits, and only one marked with this process secret', () => {
    expect(errorsOf(documents.mark(aliases(20)))).toEqual([]);
    expect(errorsOf(aliases(5))).toEqual(['Operation uses more than 3 aliases']);
    // A client copying the mark, or marking with another secret, is held to every limit.
    const forged = `${aliases(5)}\n# edge-composed ${'A'.repeat(43)}`;
    expect(errorsOf(forged)).toEqual(['Operation uses more than 3 aliases']);
    expect(errorsOf(edgeDocuments().mark(aliases(5)))).toEqual(['Operation uses more than 3 aliases']);
    const altered = documents.mark(aliases(5)).replace('x: 1', 'x: 9');
    expect(errorsOf(altered)).toEqual(['Operation uses more than 3 aliases']);
  });

  it('holds client documents to GRAPHQL_MAX_TOKENS in validation (the parser allows the edge headroom)', () => {
    expect(errorsOf(aliases(12))).toEqual(['Document contains more than 60 tokens']);
    expect(errorsOf(aliases(2))).toEqual([]);
  });

  it('runs a batch as power-of-two chunks, so a target needs few planned documents', () => {
    expect(chunkSizes(493)).toEqual([256, 128, 64, 32, 8, 4, 1]);
    expect(chunkSizes(512)).toEqual([512]);
    expect(chunkSizes(0)).toEqual([]);
  });
});
