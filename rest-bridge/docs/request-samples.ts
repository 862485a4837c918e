type JsonSchema = Record<string, any>;

/** Path parameters filled with values a reader recognises, and a test gateway answers. */
const PATH_PARAMETER_SAMPLES: Readonly<Record<string, string>> = {
  module_name: 'code-sandbox',
  path: 'status',
  id: '00000000-0000-4000-8000-000000000000',
  api_key: '100x_your_key_here',
  job_id: '00000000-0000-4000-8000-000000000000',
};

export const pathParameterSample = (name: string): string => PATH_PARAMETER_SAMPLES[name] ?? 'example';

const STRING_FORMATS: Readonly<Record<string, string>> = {
  email: 'user@example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
  uri: 'https://receiver.example.invalid/hooks',
  'date-time': '2025-01-01T00:00:00Z',
};

/**
 * Field names whose sample should look like what they hold. The webhook URL is a
 * `.invalid` name (RFC 2606: never resolves), and the test event's type is one the
 * sample endpoint does not subscribe to: running the collection sends nothing anywhere.
 */
const NAMED_SAMPLES: Readonly<Record<string, unknown>> = {
  url: 'https://receiver.example.invalid/hooks',
  email: 'user@example.com',
  password: 'correct horse battery',
  event_type: 'api_key.created',
  events: ['webhook.test'],
};

/**
 * A sample value of a JSON Schema (as the OpenAPI document holds it), for the
 * Postman collection and the code examples: examples, defaults and enums first,
 * then a value of the type. Optional object fields are left out.
 */
export function sampleOf(schema: JsonSchema | undefined, name?: string): unknown {
  if (!schema) return null;
  if (name !== undefined && name in NAMED_SAMPLES) return NAMED_SAMPLES[name];
  if (Array.isArray(schema['examples']) && schema['examples'].length > 0) return schema['examples'][0];
  if ('default' in schema) return schema['default'];
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  const variants = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[] | undefined;
  if (variants) return sampleOf(variants.find((variant) => variant['type'] !== 'null') ?? variants[0], name);
  const type = Array.isArray(schema['type']) ? schema['type'].find((t: string) => t !== 'null') : schema['type'];
  switch (type) {
    case 'object': {
      const required = new Set<string>(schema['required'] ?? []);
      const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(Object.entries(properties).filter(([key]) => required.has(key)).map(([key, value]) => [key, sampleOf(value, key)]));
    }
    case 'array':
      return [sampleOf(schema['items'] as JsonSchema | undefined)];
    case 'integer':
    case 'number':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : 1;
    case 'boolean':
      return true;
    case 'string': {
      const format = STRING_FORMATS[schema['format'] as string];
      if (format) return format;
      const length = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
      return 'example'.padEnd(length, 'x');
    }
    default:
      return null;
  }
}
