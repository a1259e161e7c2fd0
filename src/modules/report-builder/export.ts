// Downloads of a report table: CSV and a real Excel workbook, each with a header row and the numbers
// as numbers. No formulas anywhere: totals are values from the database, and any text that a
// spreadsheet would read as a formula (a type or team named "=...") is written so that it stays text.
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import type { ReportTable } from './table.ts';

// OWASP's advice for CSV injection: text starting with these is prefixed with an apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;
export const safeText = (s: string) => (FORMULA_START.test(s) ? `'${s}` : s);

export function toCsv(table: ReportTable): string {
  const records = [table.columns.map((c) => safeText(c.label)), ...table.rows.map((r) => r.cells.map((c) => (typeof c === 'number' ? String(c) : safeText(c))))];
  // A byte order mark so that Excel opens the file as UTF-8 (names with accents, the en dash).
  return `\ufeff${stringify(records, { record_delimiter: '\r\n' })}`;
}

export async function toXlsx(table: ReportTable, about: { title: string; lines: { label: string; value: string }[]; generated: string }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Endeavour';
  wb.created = new Date();
  const ws = wb.addWorksheet('Report', { views: [{ state: 'frozen', ySplit: 1 }] });
  // Strings in exceljs cells are always text (never formulas); numbers stay numbers.
  const header = ws.addRow(table.columns.map((c) => c.label));
  header.font = { bold: true };
  for (const r of table.rows) {
    const row = ws.addRow(r.cells);
    if (r.total) row.font = { bold: true };
  }
  table.columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = Math.min(60, Math.max(12, c.label.length + 2, ...table.rows.map((r) => String(r.cells[i] ?? '').length + 2)));
    if (c.numeric) col.numFmt = '#,##0';
  });
  const info = wb.addWorksheet('About this report');
  info.addRow(['Report', about.title]).font = { bold: true };
  for (const l of about.lines) info.addRow([l.label, l.value]);
  info.addRow(['Produced', about.generated]);
  info.addRow(['Whose records', 'Only records the person who downloaded this report could see in Endeavour when they did so.']);
  info.getColumn(1).width = 22;
  info.getColumn(2).width = 90;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
