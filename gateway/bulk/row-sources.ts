import { pipeline, type Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { loadExcelJs } from './exceljs-on-demand.ts';
import { validationError } from '../../core/errors/errors.ts';

export const IMPORT_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What a file yields, in order: its header once, then one item per data row (numbered from 1, the header not counted). */
export type SourceItem =
  | { readonly kind: 'header'; readonly columns: readonly string[] }
  | { readonly kind: 'row'; readonly rowNumber: number; readonly cells: Readonly<Record<string, unknown>> }
  | { readonly kind: 'bad'; readonly rowNumber: number; readonly message: string };

/** The format named by the client, or else the file's extension. */
export function importFormatOf(named: string | undefined, filename: string): ImportFormat {
  const candidate = (named ?? filename.split('.').pop() ?? '').toLowerCase();
  if ((IMPORT_FORMATS as readonly string[]).includes(candidate)) return candidate as ImportFormat;
  throw validationError(`Invalid 'format': expected one of ${IMPORT_FORMATS.join(', ')} (or a file named .csv, .json or .xlsx)`, 'format');
}

export function readRows(format: ImportFormat, source: Readable): AsyncGenerator<SourceItem> {
  switch (format) {
    case 'csv':
      return csvRows(source);
    case 'json':
      return jsonRows(source);
    case 'xlsx':
      return xlsxRows(source);
    default: {
      const unknown: never = format;
      throw new Error(`unknown format ${String(unknown)}`);
    }
  }
}

const cellsOf = (columns: readonly string[], values: readonly unknown[]): Record<string, unknown> =>
  Object.fromEntries(columns.map((column, index) => [column, values[index] ?? '']));

function checkedHeader(columns: readonly string[]): readonly string[] {
  const names = columns.map((column) => column.trim());
  if (names.length === 0 || names.every((name) => name === '')) throw validationError('The file has no header row', 'file');
  const duplicate = names.find((name, index) => name !== '' && names.indexOf(name) !== index);
  if (duplicate !== undefined) throw validationError(`The header names column '${duplicate}' twice`, 'file');
  return names;
}

/** csv-parse streaming: a malformed quote ends the import (the file cannot be read past it); a short or long row is that row's error. */
async function* csvRows(source: Readable): AsyncGenerator<SourceItem> {
  const parser = parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true });
  // pipeline, not pipe: a source that failed (even before this ran, a file past its size limit) fails the parser with its error.
  pipeline(source, parser, () => undefined);
  let columns: readonly string[] | null = null;
  let rowNumber = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!columns) {
        columns = checkedHeader(record);
        yield { kind: 'header', columns };
        continue;
      }
      rowNumber += 1;
      if (record.length !== columns.length) {
        yield { kind: 'bad', rowNumber, message: `The row has ${record.length} cells; the header has ${columns.length}` };
        continue;
      }
      yield { kind: 'row', rowNumber, cells: cellsOf(columns, record) };
    }
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('CSV_')) throw validationError(`Malformed CSV after data row ${rowNumber}: ${(error as Error).message}`, 'file');
    throw error;
  }
  if (!columns) throw validationError('The file is empty', 'file');
}

/** A JSON array of objects; read whole (it is bounded by the upload limit) because JSON has no row boundary to stream on. */
async function* jsonRows(source: Readable): AsyncGenerator<SourceItem> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk as Buffer);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw validationError(`Malformed JSON: ${(error as Error).message}`, 'file');
  }
  if (!Array.isArray(parsed)) throw validationError('A JSON import is an array of objects, one per row', 'file');
  const columns = new Set<string>();
  for (const item of parsed) if (typeof item === 'object' && item !== null && !Array.isArray(item)) Object.keys(item).forEach((key) => columns.add(key));
  yield { kind: 'header', columns: [...columns] };
  for (const [index, item] of parsed.entries()) {
    const rowNumber = index + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) yield { kind: 'bad', rowNumber, message: 'The row is not a JSON object' };
    else yield { kind: 'row', rowNumber, cells: item as Record<string, unknown> };
  }
}

/** A cell of exceljs as a plain value: formulas give their result, rich text and links their text, dates ISO text. */
function plainCell(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') return value;
  const cell = value as { result?: unknown; text?: unknown; richText?: Array<{ text: string }>; error?: string };
  if (cell.richText) return cell.richText.map((part) => part.text).join('');
  if ('result' in cell) return plainCell(cell.result);
  if (typeof cell.text === 'string') return cell.text;
  if (cell.error) return cell.error;
  return JSON.stringify(value);
}

/** The first worksheet, through exceljs' streaming reader: rows arrive as the archive is read. */
async function* xlsxRows(source: Readable): AsyncGenerator<SourceItem> {
  const ExcelJS = await loadExcelJs();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
  let columns: readonly string[] | null = null;
  let headerRow = 0;
  let first = true;
  try {
    for await (const worksheet of reader) {
      if (!first) {
        for await (const _row of worksheet) void _row;
        continue;
      }
      first = false;
      for await (const row of worksheet) {
        // exceljs rows are 1-based sparse arrays.
        const values = (row.values as unknown[]).slice(1).map(plainCell);
        if (!columns) {
          columns = checkedHeader(values.map(String));
          headerRow = row.number;
          yield { kind: 'header', columns };
          continue;
        }
        if (values.every((value) => value === '')) continue;
        yield { kind: 'row', rowNumber: row.number - headerRow, cells: cellsOf(columns, values) };
      }
    }
  } catch (error) {
    if ((error as { extensions?: unknown }).extensions) throw error;
    throw validationError(`Unreadable XLSX file: ${(error as Error).message}`, 'file');
  }
  if (!columns) throw validationError('The workbook has no header row', 'file');
}
