// Every column that refers to a person, and what a merge does with its rows. A merge and an unmerge
// work from this list alone, so a new table that refers to people needs one line here; a test
// (merge-references.test.ts) fails while a foreign key to people(id) is missing from it.

export interface PersonReference {
  table: string;
  column: string;
  /**
   * 'move': the duplicate's rows follow the survivor (and go back on unmerge).
   * 'keep': they stay with the duplicate, for the reason given in `why`.
   */
  how: 'move' | 'keep';
  why?: string;
  /** Primary key columns, to remember exactly which rows moved. */
  key?: readonly string[];
  /**
   * Columns that, with `column`, say two rows record the same thing: a row of the duplicate's that the
   * survivor already has is removed rather than moved (it is remembered and put back by an unmerge).
   */
  sameAs?: readonly string[];
  /**
   * Another person column of the same table: a row of the duplicate's that names the survivor there
   * would name the survivor twice once moved (a link from someone to themselves), so it is removed
   * (and remembered) instead.
   */
  notSelf?: string;
  /** Fixed conditions for a reference that is not a foreign key (shares name any kind of record). */
  where?: Readonly<Record<string, string>>;
  /** False for a reference that is not a foreign key to people(id). */
  foreignKey?: boolean;
  /** The record each moved row belongs to, audited as changed by the merge. */
  audit?: { recordType: string; idColumn: string };
}

export const PERSON_REFERENCES: readonly PersonReference[] = [
  { table: 'person_aliases', column: 'person_id', how: 'move', sameAs: ['kind', 'first_name', 'last_name'] },
  {
    table: 'person_addresses',
    column: 'person_id',
    how: 'move',
    sameAs: ['uprn', 'address', 'postcode', 'from_date', 'to_date'],
  },
  {
    table: 'person_links',
    column: 'person_id',
    how: 'move',
    notSelf: 'other_person_id',
    sameAs: ['other_person_id', 'relationship'],
    audit: { recordType: 'person', idColumn: 'other_person_id' },
  },
  {
    table: 'person_links',
    column: 'other_person_id',
    how: 'move',
    notSelf: 'person_id',
    sameAs: ['person_id', 'relationship'],
    audit: { recordType: 'person', idColumn: 'person_id' },
  },
  {
    table: 'incident_people',
    column: 'person_id',
    how: 'move',
    sameAs: ['incident_id', 'role'],
    audit: { recordType: 'incident', idColumn: 'incident_id' },
  },
  {
    table: 'risk_assessments',
    column: 'person_id',
    how: 'move',
    audit: { recordType: 'risk_assessment', idColumn: 'id' },
  },
  {
    table: 'interventions',
    column: 'person_id',
    how: 'move',
    audit: { recordType: 'intervention', idColumn: 'id' },
  },
  { table: 'documents', column: 'person_id', how: 'move', audit: { recordType: 'document', idColumn: 'id' } },
  {
    table: 'record_shares',
    column: 'record_id',
    how: 'move',
    where: { record_type: 'person' },
    foreignKey: false,
  },
  { table: 'case_review_alerts', column: 'person_id', how: 'move' },
  {
    table: 'case_reviews',
    column: 'person_id',
    how: 'move',
    audit: { recordType: 'case_review', idColumn: 'id' },
  },
  {
    table: 'repeat_flags',
    column: 'person_id',
    how: 'keep',
    why: 'Derived from incidents (migrations/0011): the survivor is flagged when its incidents are next evaluated; the duplicate is hidden.',
  },
  {
    table: 'access_requests',
    column: 'record_id',
    how: 'keep',
    where: { record_type: 'person' },
    foreignKey: false,
    why: 'A request is about the record that was asked for, and its record never changes (migrations/0009 refuses it); the duplicate’s page leads to the survivor.',
  },
  {
    table: 'referrals',
    column: 'subject_id',
    how: 'keep',
    where: { subject_type: 'person' },
    foreignKey: false,
    why: 'A sent referral cannot be rewritten (migrations/0018 refuses it): it names the page it was made from; the duplicate’s page leads to the survivor.',
  },
  {
    table: 'referral_records',
    column: 'record_id',
    how: 'keep',
    key: ['referral_id', 'record_type', 'record_id'],
    where: { record_type: 'person' },
    foreignKey: false,
    why: 'A referral lists exactly the records that were sent with it; its share moves with the person, and the duplicate’s page leads to the survivor.',
  },
  {
    table: 'people',
    column: 'merged_into_id',
    how: 'keep',
    why: 'People merged into the duplicate earlier stay merged into it: the chain leads on to the survivor, and each merge is undone on its own.',
  },
  {
    table: 'person_merges',
    column: 'survivor_id',
    how: 'keep',
    why: 'The history of merges names the people as they were.',
  },
  {
    table: 'person_merges',
    column: 'duplicate_id',
    how: 'keep',
    why: 'The history of merges names the people as they were.',
  },
];

export const keyOf = (ref: PersonReference) => ref.key ?? ['id'];
