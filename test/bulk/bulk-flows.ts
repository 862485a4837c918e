import { expect } from 'vitest';
import { postImport, type ImportForm } from '../support/bulk-client.ts';

export { bulkEnv, operationOf, postImport, untilStatus, type ImportForm } from '../support/bulk-client.ts';

export async function importFile(baseUrl: string, token: string, form: ImportForm): Promise<{ operation_id: string; total_rows: number; invalid_rows: number; status: string }> {
  const response = await postImport(baseUrl, token, form);
  const body = (await response.json()) as { data: { operation_id: string; total_rows: number; invalid_rows: number; status: string } };
  expect(response.status, JSON.stringify(body)).toBe(202);
  return body.data;
}

