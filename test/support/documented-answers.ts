import { Ajv2020 } from 'ajv/dist/2020.js';

type Schema = Record<string, unknown>;

/** The parts of an OpenAPI 3.1 document an answer is checked against. */
export interface OpenApiResponses {
  readonly paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  readonly components: Record<string, unknown>;
}

/** `2XX` and `default` stand for the statuses they cover, as OpenAPI reads them. */
const responseKeysFor = (status: number) => [String(status), `${String(status)[0]}XX`, 'default'];

/**
 * Checks real answers against the document a gateway serves: the status must be
 * declared, the media type among that status's, and a JSON body valid against
 * its schema (references into `components` resolved as the document holds them).
 */
export function documentedAnswers(document: OpenApiResponses) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });

  return {
    /** The schema for an answer, or why there is none. */
    schemaOf(method: string, path: string, status: number, contentType: string | null): Schema | string {
      const responses = document.paths[path]?.[method.toLowerCase()]?.responses;
      if (!responses) return `${method} ${path} is not documented`;
      const key = responseKeysFor(status).find((candidate) => candidate in responses);
      if (!key) return `${method} ${path} declares no ${status} answer (it declares ${Object.keys(responses).join(', ')})`;
      const mediaType = (contentType ?? '').split(';')[0]?.trim() ?? '';
      const content = responses[key]?.content ?? {};
      const schema = content[mediaType]?.schema ?? content['*/*']?.schema;
      if (!schema) return `${method} ${path} ${status} declares no ${mediaType || 'body'} (it declares ${Object.keys(content).join(', ') || 'none'})`;
      return schema;
    },

    /** Null when the answer is documented, else what is wrong with it. */
    async problemOf(method: string, path: string, response: Response): Promise<{ problem: string | null; body: unknown }> {
      const contentType = response.headers.get('content-type');
      const schema = this.schemaOf(method, path, response.status, contentType);
      const text = await response.text();
      if (typeof schema === 'string') return { problem: schema, body: text };
      if (!/^application\/(.+\+)?json$/.test((contentType ?? '').split(';')[0]?.trim() ?? '')) return { problem: null, body: text };
      const body = JSON.parse(text) as unknown;
      const validate = ajv.compile({ ...schema, components: document.components });
      return { problem: validate(body) ? null : `${method} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}`, body };
    },
  };
}
