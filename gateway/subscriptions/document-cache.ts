import { parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema, type ValidationRule } from 'graphql';

export interface DocumentCacheOptions {
  /** Distinct operation texts kept; the oldest is dropped beyond it. */
  readonly maxDocuments: number;
  readonly maxTokens: number;
  readonly rules: readonly ValidationRule[];
}

export interface DocumentCache {
  /** The parsed document of an operation text (throws graphql-js's syntax error), one object per distinct text. */
  parse(query: string): DocumentNode;
  /** The validation errors of a document from `parse`, computed once per schema. */
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
}

/**
 * Thousands of sockets usually subscribe with the same few texts. Parsing each
 * once and sharing the (immutable) AST keeps a subscription's memory to what is
 * its own, spares the validation per subscriber, and makes the document one
 * object for every member of a fan-out group.
 */
export function documentCache(options: DocumentCacheOptions): DocumentCache {
  const documents = new Map<string, DocumentNode>();
  const validated = new WeakMap<DocumentNode, { readonly schema: GraphQLSchema; readonly errors: readonly GraphQLError[] }>();
  return {
    parse(query) {
      const known = documents.get(query);
      if (known) return known;
      const document = parse(query, { maxTokens: options.maxTokens });
      if (documents.size >= options.maxDocuments) documents.delete(documents.keys().next().value!);
      documents.set(query, document);
      return document;
    },
    validate(schema, document) {
      const known = validated.get(document);
      if (known?.schema === schema) return known.errors;
      const errors = validate(schema, document, options.rules);
      validated.set(document, { schema, errors });
      return errors;
    },
  };
}
