import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import { z } from 'zod';
import { contractError } from '../../core/errors/errors.ts';
import type { Tier } from '../../schema/tiers.ts';
import type { EdgeContext } from './edge-context.ts';

/**
 * Who must send registered operations only. `all-but-admin` covers anonymous
 * callers too; a tier list covers anonymous callers when it names `free` (anonymous
 * traffic counts at the free tier).
 */
export type TrustedDocumentsRequirement = { readonly kind: 'none' } | { readonly kind: 'all-but-admin' } | { readonly kind: 'tiers'; readonly tiers: readonly Tier[] };

export interface TrustedDocumentsOptions {
  /** Hash → document, as GraphQL Code Generator's client preset writes persisted-documents.json. */
  readonly documents: ReadonlyMap<string, string>;
  /** @default { kind: 'none' }: registered documents are served by hash, any operation is still accepted */
  readonly required?: TrustedDocumentsRequirement;
}

const manifestSchema = z.record(z.string().min(1), z.string().min(1));

/** Reads a persisted-documents.json; a malformed file is refused with a message naming it. */
export function readTrustedDocuments(path: string): ReadonlyMap<string, string> {
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} must be a JSON object of hash → GraphQL document`);
  return new Map(Object.entries(parsed.data));
}

/** The manifest's keys may carry their algorithm (`sha256:…`); clients may send the hash with or without it. */
const bareHash = (id: string) => id.replace(/^sha256:/, '');

function requiredFor(requirement: TrustedDocumentsRequirement, tier: Tier | null): boolean {
  switch (requirement.kind) {
    case 'none':
      return false;
    case 'all-but-admin':
      return tier !== 'admin';
    case 'tiers':
      return requirement.tiers.includes(tier ?? 'free');
    default: {
      const unreachable: never = requirement;
      return unreachable;
    }
  }
}

/** The document id a request names: `documentId` in the body or query string, or an APQ hash the manifest holds. */
function requestedDocumentId(request: GraphQLRequest, byHash: ReadonlyMap<string, string>): string | undefined {
  const body = request.http?.body as { documentId?: unknown } | undefined;
  if (typeof body?.documentId === 'string') return body.documentId;
  const fromSearch = new URLSearchParams(request.http?.search ?? '').get('documentId');
  if (fromSearch) return fromSearch;
  const apqHash = (request.extensions?.['persistedQuery'] as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  if (request.query === undefined && typeof apqHash === 'string' && byHash.has(bareHash(apqHash))) return apqHash;
  return undefined;
}

/**
 * Trusted documents (Hive's persisted documents, Apollo's safelisting): operations a
 * frontend registered are run by hash, and for the callers configuration names, any
 * other operation is refused before it is planned.
 */
export function trustedDocumentsPlugin(options: TrustedDocumentsOptions): ApolloServerPlugin<EdgeContext> {
  const byHash = new Map([...options.documents].map(([hash, document]) => [bareHash(hash), document]));
  const registered = new Set(options.documents.values());
  const requirement = options.required ?? { kind: 'none' };
  // A request whose named document is unknown runs this instead, to be refused once its operation resolves.
  const placeholder = '{ __typename }';

  return {
    async requestDidStart({ request, contextValue }) {
      // Operations the edge composed itself (REST bridge routes, callbacks) come without HTTP: they are ours.
      if (request.http === undefined) return {};
      const documentId = requestedDocumentId(request, byHash);
      let refusal: Error | null = null;
      if (documentId !== undefined) {
        const document = byHash.get(bareHash(documentId));
        if (document === undefined) {
          refusal = contractError('RESOURCE_NOT_FOUND', `Trusted document '${documentId}' not found`, { reason: 'TRUSTED_DOCUMENT_NOT_FOUND' });
        }
        request.query = document ?? placeholder;
        if (request.extensions?.['persistedQuery']) {
          const { persistedQuery: _served, ...rest } = request.extensions;
          request.extensions = rest;
        }
      } else if (requiredFor(requirement, contextValue.principal?.tier ?? null) && !registered.has(request.query ?? '')) {
        const tier = contextValue.principal?.tier ?? 'anonymous';
        refusal = contractError('INSUFFICIENT_PERMISSIONS', `Only trusted documents are accepted from '${tier}' callers: send the documentId of a registered operation`, {
          reason: 'TRUSTED_DOCUMENT_REQUIRED',
        });
      }
      if (!refusal) return {};
      const refused = refusal;
      return {
        async didResolveOperation() {
          throw refused;
        },
      };
    },
  };
}
