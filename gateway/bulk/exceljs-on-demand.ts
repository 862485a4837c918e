// exceljs and the archive libraries beneath it are about 400 modules, a few hundred
// milliseconds of every start and several MiB of heap; only XLSX imports and
// exports use them, so they load with the first one (bench/README.md, start-up).
import type ExcelJS from 'exceljs';

let loading: Promise<typeof ExcelJS> | undefined;

export function loadExcelJs(): Promise<typeof ExcelJS> {
  loading ??= import('exceljs').then((module) => module.default);
  return loading;
}
