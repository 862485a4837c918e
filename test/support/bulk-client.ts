/** Bulk REST calls without vitest, for the suites and the bench alike. */
export interface ImportForm {
  readonly mutation: string;
  readonly mapping: Record<string, string>;
  readonly file: Buffer | string;
  readonly filename: string;
  readonly format?: string;
}

/** POST /api/v1/bulk/import as a browser form would send it: the fields, then the file. */
export async function postImport(baseUrl: string, token: string, form: ImportForm): Promise<Response> {
  const body = new FormData();
  body.append('mutation', form.mutation);
  body.append('mapping', JSON.stringify(form.mapping));
  if (form.format) body.append('format', form.format);
  body.append('file', new Blob([form.file]), form.filename);
  return fetch(`${baseUrl}/api/v1/bulk/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
}

export async function operationOf(baseUrl: string, token: string, id: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/api/v1/bulk/operations/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

/** Polls the REST status until the job reaches one of `statuses`. */
export async function untilStatus(baseUrl: string, token: string, id: string, statuses: readonly string[], timeoutMs = 120_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await operationOf(baseUrl, token, id);
    if (statuses.includes(body.data?.status)) return body.data;
    if (Date.now() > deadline) throw new Error(`bulk operation ${id} stayed ${JSON.stringify(body.data)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The bulk env every suite shares: quick polling, the remote stand-in for fundraising. */
export const bulkEnv = (targetUrl: string, extra: Record<string, string> = {}): Record<string, string> => ({
  SUBGRAPH_URLS: `fundraising=${targetUrl}`,
  BULK_POLL_MS: '50',
  ...extra,
});

/** POSTs the import and answers its data, throwing unless it was accepted. */
export async function acceptedImport(baseUrl: string, token: string, form: ImportForm): Promise<{ operation_id: string; total_rows: number; invalid_rows: number; status: string }> {
  const response = await postImport(baseUrl, token, form);
  const body = (await response.json()) as { data: { operation_id: string; total_rows: number; invalid_rows: number; status: string } };
  if (response.status !== 202) throw new Error(`import refused: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}
