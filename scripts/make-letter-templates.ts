// Writes the default letter templates every new partnership starts with (a warning letter, an
// Acceptable Behaviour Contract and a Community Protection Warning) to
// src/modules/documents/templates/. The .docx files are committed; run this again only to change
// them: node scripts/make-letter-templates.ts
// Partnerships replace them with their own Word documents on the letter templates admin page.
import fs from 'node:fs';
import path from 'node:path';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';

const OUT = path.resolve(import.meta.dirname, '../src/modules/documents/templates');

const p = (text: string, opts: { bold?: boolean; after?: number; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}) =>
  new Paragraph({ alignment: opts.align, spacing: { after: opts.after ?? 200 }, children: [new TextRun({ text, bold: opts.bold, font: 'Arial', size: 24 })] });
const lines = (...texts: string[]) => texts.map((t, i) => p(t, { after: i === texts.length - 1 ? 200 : 0 }));
const heading = (text: string) => new Paragraph({ heading: HeadingLevel.HEADING_1, spacing: { after: 240 }, children: [new TextRun({ text, bold: true, font: 'Arial', size: 32 })] });

const letterhead = () => [
  p('{organisation.name}', { bold: true, align: AlignmentType.RIGHT, after: 0 }),
  p('On behalf of {partnership.name}', { align: AlignmentType.RIGHT }),
  p('{today}', { align: AlignmentType.RIGHT }),
  ...lines('{person.full_name}', '{person.address}'),
  p('Our reference: {case.reference}'),
  p('Dear {person.first_name} {person.last_name},'),
];

const signOff = () => [p('Yours sincerely,', { after: 600 }), ...lines('{officer.name}', '{officer.job_title}', '{organisation.name}', '{officer.email}')];

const TEMPLATES: Record<string, Paragraph[]> = {
  'warning-letter.docx': [
    ...letterhead(),
    heading('Warning about anti-social behaviour'),
    p('We have received reports of anti-social behaviour that we believe involves you or people living with or visiting you. Anti-social behaviour is conduct that causes, or is likely to cause, harassment, alarm or distress to other people, or nuisance and annoyance to people in their homes.'),
    p('This letter is a formal warning. We are not taking further action at this stage, but we are keeping a record of the reports and of this letter.'),
    p('What we ask of you:', { bold: true, after: 0 }),
    p('{intervention.conditions}'),
    p('If the behaviour continues, the partnership may take further steps. These can include an Acceptable Behaviour Contract, a Community Protection Warning or Notice, action on a tenancy, or an application to court for a civil injunction.'),
    p('If you would like to talk about this letter, need it in another format or language, or think it has been sent to you by mistake, please contact me.'),
    ...signOff(),
  ],
  'acceptable-behaviour-contract.docx': [
    ...letterhead(),
    heading('Acceptable Behaviour Contract'),
    p('This is a voluntary written agreement between you and {organisation.name}, on behalf of {partnership.name}, about your behaviour. It is not a court order, but if it is broken the partnership may take further action, and a court may be told about it.'),
    p('The contract starts on {intervention.issued_on} and ends on {intervention.expires_on}. We will review how it is going on {intervention.review_on}.'),
    p('You agree:', { bold: true, after: 0 }),
    p('{intervention.conditions}'),
    p('We agree to support you to keep to this contract, to tell you if we receive reports that it has been broken, and to listen to what you say about them.'),
    p('Signed (you): ______________________________    Date: ______________'),
    p('Signed (parent or guardian, if you are under 18): ______________________________    Date: ______________'),
    p('Signed for {organisation.name}: ______________________________    Date: ______________'),
    ...signOff(),
  ],
  'community-protection-warning.docx': [
    ...letterhead(),
    heading('Community Protection Warning'),
    p('This warning is given under section 43 of the Anti-social Behaviour, Crime and Policing Act 2014.'),
    p('We are satisfied that your conduct is having a detrimental effect, of a persistent or continuing nature, on the quality of life of those in the locality, and that the conduct is unreasonable.'),
    p('What you must do, or stop doing:', { bold: true, after: 0 }),
    p('{intervention.conditions}'),
    p('This warning was given on {intervention.issued_on}. If your conduct has not changed, we may give you a Community Protection Notice. Failing to comply with a Community Protection Notice is a criminal offence, and can lead to a fixed penalty notice or prosecution.'),
    p('If you would like to talk about this warning, need it in another format or language, or think it has been given to you by mistake, please contact me.'),
    ...signOff(),
  ],
};

fs.mkdirSync(OUT, { recursive: true });
for (const [name, children] of Object.entries(TEMPLATES)) {
  const doc = new Document({ creator: 'Endeavour', title: name.replace(/\.docx$/, ''), sections: [{ children }] });
  fs.writeFileSync(path.join(OUT, name), await Packer.toBuffer(doc));
  console.log(`wrote ${path.relative(process.cwd(), path.join(OUT, name))}`);
}
