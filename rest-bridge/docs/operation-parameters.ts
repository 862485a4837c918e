import type { z } from 'zod';
import { compilePath } from '../path-pattern.ts';
import { jsonSchemaOf, type JsonSchema } from './json-schemas.ts';

/** `{path...}` is not an OpenAPI template; it is documented as one parameter holding the rest of the path. */
export const openApiPath = (path: string) => path.replace(/\{(\w+)\.\.\.\}/g, '{$1}');

/** `getApiV1WebhooksIdDeliveries`: unique per method and path. */
export const operationIdOf = (method: string, path: string) =>
  `${method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`;

/** A `{name...}` parameter holds the rest of the path; the others are one segment each. */
export function pathParameters(path: string, descriptions: Readonly<Record<string, string>> = {}) {
  const rest = /\{(\w+)\.\.\.\}/.exec(path)?.[1];
  return compilePath(path).names.map((name) => {
    const description = name === rest ? 'The rest of the path, passed on as it is' : descriptions[name];
    return { name, in: 'path', required: true, schema: { type: 'string' }, ...(description ? { description } : {}) };
  });
}

/** One query parameter per property of the schema the route parses its query with; a property's description becomes the parameter's. */
export function queryParameters(query: z.ZodType | undefined) {
  if (!query) return [];
  const shape = jsonSchemaOf(query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(shape.properties ?? {}).map(([name, { description, ...schema }]) => ({
    name,
    in: 'query',
    required: shape.required?.includes(name) ?? false,
    ...(typeof description === 'string' ? { description } : {}),
    schema,
  }));
}

/** `x-callback-timestamp` as it is usually written, `X-Callback-Timestamp`. */
const headerName = (name: string) => name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);

export const headerParameters = (headers: Readonly<Record<string, string>> = {}) =>
  Object.entries(headers).map(([name, description]) => ({ name: headerName(name), in: 'header', required: true, description, schema: { type: 'string' } }));
