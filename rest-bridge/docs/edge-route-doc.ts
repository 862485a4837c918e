import type { z } from 'zod';
import type { JsonSchema } from './json-schemas.ts';

/** Routes the edge serves itself (not GraphQL operations), documented alongside the bridge's. */
export interface EdgeRouteDoc {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly summary: string;
  /** What a client should know beyond the summary: how to call it, what it answers, what can go wrong. */
  readonly description: string;
  readonly tag: string;
  readonly auth: 'none' | 'required' | 'signature';
  /** What each `{name}` of the path names. */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** The query the route reads, as the route parses it. */
  readonly query?: z.ZodType;
  /** Headers the route requires, by name (any case), with what each carries. */
  readonly requiredHeaders?: Readonly<Record<string, string>>;
  /** Request body media type and schema, when there is one. */
  readonly requestBody?: { readonly mediaType: string; readonly schema: JsonSchema };
  /** What a success answers. @default application/json, an object */
  readonly responseMediaTypes?: readonly string[];
  readonly successStatus: number;
  /** A generic pass-through (the backend proxy): any body either way, the backend's own statuses. */
  readonly passThrough?: { readonly backend: string; readonly maxBodyBytes: number };
}
