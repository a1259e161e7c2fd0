// The board report as a PDF, made on the server by pdfmake with the PDF standard fonts (nothing to
// ship or embed), in the order the HTML report has: title, each section's heading, narrative and
// figures, then the dashboard table as Appendix 1 on landscape pages.
import pdfmake from 'pdfmake';
import type { Content, TableCell } from 'pdfmake';
import type { ReportFigures, SnapshotGroup, SnapshotIndicator } from './figures.ts';
import { paragraphs } from './narrative.ts';
import type { ReportView } from './service.ts';

type TDocumentDefinitions = Parameters<typeof pdfmake.createPdf>[0];

const HELVETICA = { normal: 'Helvetica', bold: 'Helvetica-Bold', italics: 'Helvetica-Oblique', bolditalics: 'Helvetica-BoldOblique' };
pdfmake.setFonts({ Helvetica: HELVETICA });
// The document is built from our own data: it never fetches a URL or reads a file, except the
// standard fonts' metrics, which pdfmake asks for by their names.
const STANDARD_FONTS = new Set(Object.values(HELVETICA));
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((p) => STANDARD_FONTS.has(p));

const header = (text: string): TableCell => ({ text, style: 'tableHeader' });
const cell = (text: string, numeric = false): TableCell => ({ text, alignment: numeric ? 'right' : 'left' });

function priorityTable(f: ReportFigures, g: SnapshotGroup): Content {
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: ['*', 'auto', 'auto', 'auto', 'auto', 'auto'],
      body: [
        [header('Indicator'), header(f.period.name), header(f.rolling.name), header(f.previousRolling.name), header('Direction of travel'), header('Rating')],
        ...g.indicators.map((i) => [cell(i.name), cell(i.current.text, true), cell(i.rolling.text, true), cell(i.previousRolling.text, true), cell(i.direction.text), cell(i.rag.text)]),
      ],
    },
    layout: 'lightHorizontalLines',
    fontSize: 8.5,
    margin: [0, 4, 0, 10],
  };
}

function appendixRows(f: ReportFigures): TableCell[][] {
  const rows: TableCell[][] = [];
  for (const o of f.outcomes) {
    o.indicators.forEach((i: SnapshotIndicator, n: number) => {
      rows.push([
        n === 0 ? { text: o.name, rowSpan: o.indicators.length, bold: true } : {},
        n === 0 ? { text: o.rag.text, rowSpan: o.indicators.length } : {},
        cell(i.name),
        cell(i.current.text, true),
        cell(i.lastYear.text, true),
        cell(i.rolling.text, true),
        cell(i.previousRolling.text, true),
        cell(`${i.direction.text}${i.direction.change ? ` (${i.direction.change})` : ''}`),
        cell(i.rag.text),
      ]);
    });
  }
  return rows;
}

export function reportDocument(report: ReportView, partnershipName: string): TDocumentDefinitions {
  const f = report.figures;
  const byPriority = new Map(f.priorities.map((g) => [g.name, g]));
  const content: Content[] = [
    { text: partnershipName, style: 'caption' },
    { text: report.title, style: 'title' },
    { text: `${f.period.name}: ${f.period.span}. Figures as at ${new Date(report.figures_at).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' })}.`, style: 'meta' },
  ];
  let n = 0;
  for (const s of report.sections) {
    n++;
    content.push({ text: `${n}. ${s.heading}`, style: 'h2', headlineLevel: 1 });
    for (const p of paragraphs(s.narrative)) content.push({ text: p.join('\n'), style: 'body' });
    const group = s.priority ? byPriority.get(s.priority) : undefined;
    if (group) content.push(priorityTable(f, group));
  }
  if (f.anyWithheld) content.push({ text: 'Withheld: a small number of records, not all visible to the person who generated the report, or a figure that would let one be worked out.', style: 'note' });
  content.push({
    pageBreak: 'before',
    pageOrientation: 'landscape',
    stack: [
      { text: `Appendix 1: Safer communities performance dashboard, ${f.period.name}`, style: 'h2' },
      {
        table: {
          headerRows: 1,
          widths: [90, 40, '*', 50, 50, 55, 55, 95, 40],
          body: [
            [
              header('Outcome'),
              header('Overall rating'),
              header('Indicator'),
              header(f.period.name),
              header(`Same period last year`),
              header(f.rolling.name),
              header(f.previousRolling.name),
              header('Direction of travel'),
              header('Rating'),
            ],
            ...appendixRows(f),
          ],
        },
        layout: 'lightHorizontalLines',
        fontSize: 7.5,
      },
    ],
  });
  return {
    info: { title: report.title, author: partnershipName, subject: `Safer communities performance, ${f.period.name}`, creator: 'Endeavour' },
    pageSize: 'A4',
    pageMargins: [50, 50, 50, 50],
    defaultStyle: { font: 'Helvetica', fontSize: 10, lineHeight: 1.2 },
    styles: {
      caption: { fontSize: 10, color: '#505a5f', margin: [0, 0, 0, 4] },
      title: { fontSize: 20, bold: true, margin: [0, 0, 0, 6] },
      meta: { fontSize: 9, color: '#505a5f', margin: [0, 0, 0, 14] },
      h2: { fontSize: 14, bold: true, margin: [0, 12, 0, 6] },
      body: { margin: [0, 0, 0, 6] },
      note: { fontSize: 8, italics: true, margin: [0, 8, 0, 0] },
      tableHeader: { bold: true },
    },
    footer: (page: number, pages: number) => ({ text: `${report.title} – page ${page} of ${pages}`, alignment: 'center', fontSize: 8, color: '#505a5f', margin: [0, 20, 0, 0] }),
    content,
  };
}

export async function reportPdf(report: ReportView, partnershipName: string): Promise<Buffer> {
  return pdfmake.createPdf(reportDocument(report, partnershipName)).getBuffer();
}
