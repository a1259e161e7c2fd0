// Reads an HTML table back as text, cell by cell, as a person would read it (tags dropped, entities
// decoded, whitespace collapsed, rowspans repeated into the rows below), so tests can compare a page's
// table with a download of the same figures.

function decode(text: string): string {
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

export function cellText(html: string): string {
  return decode(html.replace(/<span class="govuk-visually-hidden">[\s\S]*?<\/span>/g, '').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every table on the page whose opening tag carries data-qa="<qa>", as rows of cell texts (header row first). */
export function tablesByQa(html: string, qa: string): string[][][] {
  const out: string[][][] = [];
  const re = new RegExp(`<table[^>]*data-qa="${qa}"[^>]*>([\\s\\S]*?)</table>`, 'g');
  for (const m of html.matchAll(re)) out.push(tableRows(m[1]!));
  return out;
}

export function tableRows(tableHtml: string): string[][] {
  const body = tableHtml.replace(/<caption[\s\S]*?<\/caption>/, '');
  const rows: string[][] = [];
  const carried: { col: number; text: string; left: number }[] = [];
  for (const tr of body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)) {
    const cells: { text: string; span: number }[] = [];
    for (const c of tr[1]!.matchAll(/<(th|td)([^>]*)>([\s\S]*?)<\/\1>/g)) {
      const span = Number(/rowspan="(\d+)"/.exec(c[2]!)?.[1] ?? '1');
      cells.push({ text: cellText(c[3]!), span });
    }
    const row: string[] = [];
    let i = 0;
    for (let col = 0; i < cells.length || carried.some((x) => x.col === col && x.left > 0); col++) {
      const carry = carried.find((x) => x.col === col && x.left > 0);
      if (carry) {
        row.push(carry.text);
        carry.left--;
        continue;
      }
      const c = cells[i++]!;
      row.push(c.text);
      if (c.span > 1) carried.push({ col, text: c.text, left: c.span - 1 });
    }
    rows.push(row);
  }
  return rows;
}
