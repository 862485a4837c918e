import type { z } from 'zod';
import type { JsonSchema } from './json-schemas.ts';

/** One body a route answers with, as a media type's content. */
export type EdgeBody =
  /** The `{success, data, …}` envelope with this `data`; `failed`: a report sent with `success: false` and a failure status. */
  | { readonly envelope: z.ZodType; readonly failed?: true }
  /** JSON that is not in an envelope. */
  | { readonly json: z.ZodType }
  /** A text or binary body, and what is in it. */
  | { readonly text: string; readonly binary?: true };

interface EdgeRouteCommon {
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
}

/** A route the edge answers itself. */
export interface OwnRouteDoc extends EdgeRouteCommon {
  /** Request body media type and schema, when there is one. */
  readonly requestBody?: { readonly mediaType: string; readonly schema: JsonSchema };
  readonly successStatus: number;
  /** What a success answers, by media type (the route picks one by the request's Accept or query). */
  readonly success: Readonly<Record<string, EdgeBody>>;
  /** Answers other than a success or the error envelope, by status: a health report sent with 503. */
  readonly otherAnswers?: Readonly<Record<number, { readonly description: string; readonly content: Readonly<Record<string, EdgeBody>> }>>;
}

/** A generic pass-through (the backend proxy): any body either way, the backend's own statuses. */
export interface PassThroughRouteDoc extends EdgeRouteCommon {
  readonly passThrough: { readonly backend: string; readonly maxBodyBytes: number };
}

/** Routes the edge serves itself (not GraphQL operations), documented alongside the bridge's. */
export type EdgeRouteDoc = OwnRouteDoc | PassThroughRouteDoc;
