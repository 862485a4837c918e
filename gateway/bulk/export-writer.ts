import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { loadExcelJs } from './exceljs-on-demand.ts';

export type ExportFormat = 'csv' | 'jsonl' | 'xlsx';

/** What a finished export's file is sent as, and what it holds, by format: the download routes and their docs read it. */
export const EXPORT_FILES: Readonly<Record<ExportFormat, { readonly contentType: string; readonly holds: string; readonly binary?: true }>> = {
  csv: {
    contentType: 'text/csv; charset=utf-8',
    holds: "A header line, then one line per node of the query's result: nested objects become dotted columns (owner.id), lists JSON text; the first row fixes the columns",
  },
  jsonl: { contentType: 'application/jsonl', holds: "One JSON object per line, one line per node of the query's result, every field kept" },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    holds: 'A workbook with one sheet: a header row, then one row per node, flattened as in CSV',
    binary: true,
  },
};

/** Rows go in as they arrive; bytes come out of `output` as a stream, never a whole file in memory. */
export interface ExportWriter {
  readonly output: PassThrough;
  write(row: Readonly<Record<string, unknown>>): Promise<void>;
  end(): Promise<void>;
}

/** Nested objects become dotted columns (`owner.id`); lists stay JSON text in a cell. */
export function flatten(value: Readonly<Record<string, unknown>>, prefix = '', into: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, child] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) flatten(child as Record<string, unknown>, name, into);
    else into[name] = Array.isArray(child) ? JSON.stringify(child) : child;
  }
  return into;
}

async function writeWithBackpressure(stream: Writable, chunk: unknown): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/**
 * csv-stringify or exceljs' streaming workbook writer (or a line of JSON per
 * row). CSV and XLSX columns are fixed by the first row written, as a
 * spreadsheet's header is; JSON lines keep every field of every row.
 */
export async function exportWriter(format: ExportFormat): Promise<ExportWriter> {
  const output = new PassThrough();
  switch (format) {
    case 'jsonl':
      return {
        output,
        write: (row) => writeWithBackpressure(output, `${JSON.stringify(row)}\n`),
        end: async () => {
          output.end();
        },
      };
    case 'csv': {
      let columns: string[] | null = null;
      const csv = stringify({ header: true, cast: { boolean: (value) => String(value), object: (value) => JSON.stringify(value) } });
      csv.pipe(output);
      return {
        output,
        async write(row) {
          const flat = flatten(row);
          columns ??= Object.keys(flat);
          await writeWithBackpressure(csv, columns.reduce<Record<string, unknown>>((record, column) => ((record[column] = flat[column] ?? null), record), {}));
        },
        async end() {
          if (!columns) csv.write({});
          csv.end();
        },
      };
    }
    case 'xlsx': {
      const ExcelJS = await loadExcelJs();
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: false, useSharedStrings: false });
      const sheet = workbook.addWorksheet('export');
      let columns: string[] | null = null;
      return {
        output,
        async write(row) {
          const flat = flatten(row);
          if (!columns) {
            columns = Object.keys(flat);
            sheet.addRow(columns).commit();
          }
          sheet.addRow(columns.map((column) => (flat[column] === undefined ? null : flat[column]))).commit();
          // exceljs writes through the archiver; wait for it when the file's reader is behind.
          if (output.writableNeedDrain) await once(output, 'drain');
        },
        async end() {
          sheet.commit();
          await workbook.commit();
        },
      };
    }
    default: {
      const unknown: never = format;
      throw new Error(`unknown export format ${String(unknown)}`);
    }
  }
}
