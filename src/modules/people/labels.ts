// The fixed lists a person's details are chosen from, with the words shown for each.

export const VULNERABILITIES = {
  age: 'Age (child or older person)',
  disability: 'Disability',
  mental_health: 'Mental health',
  physical_health: 'Physical health',
  learning_disability: 'Learning disability',
  substance_misuse: 'Substance misuse',
  isolation: 'Social isolation',
  repeat_victim: 'Repeat victim',
  other: 'Other',
} as const;
export type Vulnerability = keyof typeof VULNERABILITIES;

export const WARNING_MARKERS = {
  violence: 'Violence',
  weapons: 'Weapons',
  drugs: 'Drugs',
  mental_health: 'Mental health',
  firearms_access: 'Access to firearms',
  dogs: 'Dogs at the address',
  infectious_risk: 'Infectious risk',
  escape_risk: 'Escape risk',
  self_harm: 'Self-harm',
} as const;
export type WarningMarker = keyof typeof WARNING_MARKERS;

export const CONTACT_METHODS = {
  phone: 'Phone call',
  text: 'Text message',
  email: 'Email',
  letter: 'Letter',
  in_person: 'In person',
  third_party: 'Through someone else (a carer, advocate or support worker)',
} as const;
export type ContactMethod = keyof typeof CONTACT_METHODS;

export const ALIAS_KINDS = {
  alias: 'Alias',
  maiden_name: 'Maiden name',
  previous_name: 'Previous name',
  nickname: 'Nickname',
} as const;
export type AliasKind = keyof typeof ALIAS_KINDS;

/**
 * A link says who the other person is to this one ("parent" = the other person is this one's
 * parent); seen from the other side it reads as its inverse.
 */
export const RELATIONSHIPS = {
  family_member: 'Family member',
  partner: 'Partner',
  ex_partner: 'Ex-partner',
  parent: 'Parent',
  child: 'Child',
  sibling: 'Sibling',
  associate: 'Associate',
  landlord: 'Landlord',
  tenant: 'Tenant',
  neighbour: 'Neighbour',
  carer: 'Carer',
  cared_for: 'Person they care for',
} as const;
export type Relationship = keyof typeof RELATIONSHIPS;

const INVERSE: Partial<Record<Relationship, Relationship>> = {
  parent: 'child',
  child: 'parent',
  landlord: 'tenant',
  tenant: 'landlord',
  carer: 'cared_for',
  cared_for: 'carer',
};

export function inverseRelationship(r: string): string {
  return INVERSE[r as Relationship] ?? r;
}

export const ROLES = {
  victim: 'Victim',
  witness: 'Witness',
  perpetrator: 'Perpetrator or suspect',
  reporting_party: 'Reporting party',
  other: 'Other',
} as const;

export const keysOf = <T extends object>(o: T) => Object.keys(o) as (keyof T & string)[];
