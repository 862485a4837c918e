import { describe, expect, it } from 'vitest';
import { resultStatus, type OperationResult, type ResultStatus } from '../../core/errors/result-status.ts';

const unavailable = { extensions: { code: 'SERVICE_UNAVAILABLE', dependency: 'keys', retryAfterSeconds: 5 } };
const notFound = { extensions: { code: 'RESOURCE_NOT_FOUND' } };
const invalid = { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };

const CASES: ReadonlyArray<[string, OperationResult, boolean, ResultStatus]> = [
  ['data and no errors', { data: { me: { email: 'a@b' } } }, false, { status: 200 }],
  ['some data and an outage error', { data: { me: { email: 'a@b' }, apiKey: null }, errors: [unavailable] }, false, { status: 200 }],
  ['some data and a not-found error', { data: { me: null }, errors: [notFound] }, false, { status: 200 }],
  ['an empty data object and errors', { data: {}, errors: [unavailable] }, false, { status: 200 }],
  ['no data, an outage', { data: null, errors: [unavailable] }, false, { status: 503, retryAfterSeconds: 5 }],
  ['no data, an outage without its own wait', { data: null, errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] }, false, { status: 503, retryAfterSeconds: 5 }],
  ['no data, the first error decides', { data: null, errors: [notFound, unavailable] }, false, { status: 404 }],
  ['a request error', { errors: [invalid] }, false, { status: 400 }],
  ['a request error read as application/json only', { errors: [invalid] }, true, { status: 200 }],
  ['an execution error read as application/json only', { data: null, errors: [{ extensions: { code: 'VALIDATION_ERROR' } }] }, true, { status: 400 }],
  ['a rate limit', { errors: [{ extensions: { code: 'RATE_LIMIT_EXCEEDED', retryAfterSeconds: 12 } }] }, false, { status: 429, retryAfterSeconds: 12 }],
  ["Apollo's persisted query protocol", { errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] }, false, {}],
];

describe('the HTTP status of an executed operation', () => {
  it.each(CASES)('%s', (_name, result, legacyJsonOnly, expected) => {
    expect(resultStatus(result, { legacyJsonOnly })).toEqual(expected);
  });
});
