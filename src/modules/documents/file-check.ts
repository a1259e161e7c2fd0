// What an uploaded file really is, decided from its bytes and never from its name or the browser's
// claim: an allow-list of PDF, Word, Excel, JPEG and PNG recognised by their signatures, and plain
// text or CSV recognised by being valid UTF-8 with no binary and no markup (so an HTML page or a
// renamed program is refused whatever it is called).
import crypto from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';

export const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

const ALLOWED: Record<string, { mime: string; ext: string; name: string }> = {
  pdf: { mime: 'application/pdf', ext: 'pdf', name: 'PDF' },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx', name: 'Word document' },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx', name: 'Excel spreadsheet' },
  jpg: { mime: 'image/jpeg', ext: 'jpg', name: 'JPEG image' },
  png: { mime: 'image/png', ext: 'png', name: 'PNG image' },
};

export const ALLOWED_DESCRIPTION = 'a PDF, Word document (.docx), Excel spreadsheet (.xlsx), JPEG or PNG image, or a plain text or CSV file';

export type Checked = { ok: true; contentType: string; filename: string; kindName: string } | { ok: false; message: string };

// Markup a browser would run or render if it were ever served as a page.
const MARKUP = /<\s*(!doctype|html|head|body|script|iframe|frame|object|embed|svg|math|style|link|meta|img|a\s|form|base|\?xml)/i;

function isPlainText(buf: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex -- binary content shows up as control characters
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return false;
  return !MARKUP.test(text);
}

/** A safe name to offer on download: no path, no control characters, the extension of what it really is. */
export function safeFilename(given: string, ext: string): string {
  const base = (given.split(/[\\/]/).pop() ?? '')
    // eslint-disable-next-line no-control-regex -- control characters never belong in a file name
    .replace(/[\u0000-\u001f\u007f"*:<>?|]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 150);
  const stem = base.replace(/\.[^.]*$/, '').replace(/^\.+/, '') || 'upload';
  return `${stem}.${ext}`;
}

export async function checkUpload(buf: Buffer, givenName: string): Promise<Checked> {
  if (buf.length === 0) return { ok: false, message: 'The selected file is empty' };
  if (buf.length > UPLOAD_LIMIT_BYTES) return { ok: false, message: 'The selected file must be smaller than 10 MB' };
  const detected = await fileTypeFromBuffer(buf);
  if (detected) {
    const allowed = ALLOWED[detected.ext];
    if (!allowed) return { ok: false, message: `The selected file must be ${ALLOWED_DESCRIPTION}` };
    return { ok: true, contentType: allowed.mime, filename: safeFilename(givenName, allowed.ext), kindName: allowed.name };
  }
  if (!isPlainText(buf)) return { ok: false, message: `The selected file must be ${ALLOWED_DESCRIPTION}` };
  const csv = /\.csv$/i.test(givenName.trim());
  return csv
    ? { ok: true, contentType: 'text/csv; charset=utf-8', filename: safeFilename(givenName, 'csv'), kindName: 'CSV file' }
    : { ok: true, contentType: 'text/plain; charset=utf-8', filename: safeFilename(givenName, 'txt'), kindName: 'Text file' };
}

export const sha256 = (buf: Buffer) => crypto.createHash('sha256').update(buf).digest('hex');
