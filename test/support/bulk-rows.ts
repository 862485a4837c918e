/** The rows the import suites generate, and what the report must say of each. */
export const BAD_METHOD_EVERY = 997;
export const MISSING_PATH_EVERY = 1999;
export const UPSTREAM_FAILS_EVERY = 4999;

export type ExpectedRow = 'succeeded' | 'failed' | 'invalid';

export function expectedOf(row: number): ExpectedRow {
  if (row % BAD_METHOD_EVERY === 0 || row % MISSING_PATH_EVERY === 0) return 'invalid';
  if (row % UPSTREAM_FAILS_EVERY === 0) return 'failed';
  return 'succeeded';
}

/** A CSV of `count` data rows: a few with an unknown method, an empty required path, or a path the target refuses. */
export function csvOf(count: number): string {
  const lines = ['method,path,name'];
  for (let row = 1; row <= count; row += 1) {
    const method = row % BAD_METHOD_EVERY === 0 ? 'FETCH' : 'POST';
    const path = row % MISSING_PATH_EVERY === 0 ? '' : row % UPSTREAM_FAILS_EVERY === 0 ? '/fail' : `/donations/${row}`;
    lines.push(`${method},${path},"donor ${row}"`);
  }
  return `${lines.join('\n')}\n`;
}

export const IMPORT_MAPPING = { method: 'method', path: 'path', 'body.name': 'name', 'body.key': '$rowKey' };
