// The letter templates a new partnership starts with: a warning letter, an Acceptable Behaviour
// Contract and a Community Protection Warning (made by scripts/make-letter-templates.ts). The
// partnership replaces them with its own on the letter templates admin page.
import fs from 'node:fs';
import path from 'node:path';
import type { Tx } from '../../platform/db/with-user.ts';

const DEFAULTS = [
  { name: 'Warning letter', file: 'warning-letter.docx', kind: 'warning_letter' },
  { name: 'Acceptable Behaviour Contract', file: 'acceptable-behaviour-contract.docx', kind: 'abc' },
  { name: 'Community Protection Warning', file: 'community-protection-warning.docx', kind: 'cpw' },
];

// Beside this file when run from src/; a build (dist/) copies only views, so fall back to src/.
const DIRS = [path.join(import.meta.dirname, 'templates'), path.resolve(import.meta.dirname, '../../../src/modules/documents/templates')];

function templateFile(name: string): Buffer {
  for (const dir of DIRS) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return fs.readFileSync(file);
  }
  throw new Error(`The default letter template ${name} is missing from ${DIRS[0]}`);
}

export async function seedLetterTemplates(tx: Tx, partnershipId: string): Promise<void> {
  for (const t of DEFAULTS) {
    await tx
      .insertInto('letter_templates')
      .values({ partnership_id: partnershipId, name: t.name, intervention_kind: t.kind, filename: t.file, content: templateFile(t.file) })
      .onConflict((oc) => oc.columns(['partnership_id', 'name']).doNothing())
      .execute();
  }
}
