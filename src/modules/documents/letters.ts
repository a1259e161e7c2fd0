// Letters from the partnership's own Word templates: checking an uploaded template (a real .docx whose
// merge fields Endeavour knows) and filling one in. Merge fields are written {person.first_name}
// in the template; see MERGE_FIELDS, which the admin page lists.
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';

export const TEMPLATE_LIMIT_BYTES = 5 * 1024 * 1024;

export const MERGE_FIELDS: { field: string; meaning: string }[] = [
  { field: 'person.first_name', meaning: 'The recipient’s first name' },
  { field: 'person.last_name', meaning: 'The recipient’s last name' },
  { field: 'person.full_name', meaning: 'The recipient’s first and last names' },
  { field: 'person.address', meaning: 'The recipient’s current address, one line per part' },
  { field: 'person.postcode', meaning: 'The postcode of that address' },
  { field: 'case.reference', meaning: 'The case reference, like CASE-000123' },
  { field: 'case.title', meaning: 'The case title' },
  { field: 'officer.name', meaning: 'The name of the officer creating the letter' },
  { field: 'officer.job_title', meaning: 'Their job title' },
  { field: 'officer.email', meaning: 'Their email address' },
  { field: 'organisation.name', meaning: 'Their organisation' },
  { field: 'partnership.name', meaning: 'The community safety partnership' },
  { field: 'today', meaning: 'Today’s date, like 3 March 2026' },
  { field: 'intervention.kind', meaning: 'The intervention, like Acceptable Behaviour Contract' },
  { field: 'intervention.issued_on', meaning: 'Its issue date' },
  { field: 'intervention.expires_on', meaning: 'Its expiry date, or “no end date”' },
  { field: 'intervention.review_on', meaning: 'Its review date' },
  { field: 'intervention.conditions', meaning: 'Its conditions or requirements' },
];

const KNOWN = new Set(MERGE_FIELDS.map((f) => f.field));

export type MergeData = Record<string, Record<string, string> | string>;

/** {a.b} looks up data.a.b; anything missing becomes an empty string rather than "undefined". */
const parser = (tag: string, seen?: Set<string>) => {
  seen?.add(tag.trim());
  return {
  get: (scope: unknown) => {
    if (tag === '.') return scope;
    let v: unknown = scope;
    for (const part of tag.trim().split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    return v;
  },
  };
};

const OPTIONS = { paragraphLoop: true, linebreaks: true, parser: (tag: string) => parser(tag), nullGetter: () => '' };

/** Docxtemplater's problems in a template, as one sentence each. */
function describe(err: unknown): string {
  const e = err as { properties?: { errors?: { properties?: { explanation?: string } }[]; explanation?: string } };
  const list = e.properties?.errors?.map((x) => x.properties?.explanation).filter((x): x is string => !!x) ?? [];
  if (e.properties?.explanation) list.push(e.properties.explanation);
  return list.length ? list.slice(0, 3).join('; ') : 'Word could not read it';
}

export type TemplateCheck = { ok: true; fields: string[] } | { ok: false; message: string };

/** Checks by content that this is a Word document docxtemplater can fill, using only known fields. */
export function checkTemplate(buf: Buffer): TemplateCheck {
  if (buf.length === 0) return { ok: false, message: 'The selected file is empty' };
  if (buf.length > TEMPLATE_LIMIT_BYTES) return { ok: false, message: 'The template must be smaller than 5 MB' };
  let zip: PizZip;
  try {
    zip = new PizZip(buf);
  } catch {
    return { ok: false, message: 'The selected file must be a Word document (.docx)' };
  }
  if (!zip.file('word/document.xml')) return { ok: false, message: 'The selected file must be a Word document (.docx)' };
  // Docxtemplater compiles every tag through the parser, which notes each one's name.
  const seen = new Set<string>();
  try {
    new Docxtemplater(zip, { ...OPTIONS, parser: (tag: string) => parser(tag, seen) });
  } catch (err) {
    return { ok: false, message: `The template’s merge fields have a problem: ${describe(err)}` };
  }
  const fields = [...seen];
  const unknown = fields.filter((f) => !KNOWN.has(f));
  if (unknown.length) {
    return { ok: false, message: `The template uses merge fields Endeavour does not know: ${unknown.slice(0, 5).map((f) => `{${f}}`).join(', ')}. Use the fields listed on this page` };
  }
  return { ok: true, fields };
}

/** The template filled in with the data; throws a readable Error if the template cannot be filled. */
export function mergeLetter(template: Buffer, data: MergeData): Buffer {
  const doc = new Docxtemplater(new PizZip(template), OPTIONS);
  try {
    doc.render(data);
  } catch (err) {
    throw new Error(`The template could not be filled in: ${describe(err)}`, { cause: err });
  }
  return doc.toBuffer({ compression: 'DEFLATE' });
}
