// The incident form's "Or add someone new": before someone new is added, the people the partnership
// may already hold are offered (radios named new_person_match, the same with or without JavaScript).
// The officer picks one (the incident then links that record), says the person is new, or requests
// access to a record another organisation holds (in a new tab, so the form keeps everything typed).
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/context.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { formValue } from '../../platform/http/forms.ts';
import { lookupFromPersonFields } from './fields.ts';
import { lookUpPeople, type PersonSuggestion } from './service.ts';
import { stubView } from './present.ts';

export const CHOICE_FIELD = 'new_person_match';

export type NewPersonStep =
  | { kind: 'existing'; id: string }
  | { kind: 'new' }
  | { kind: 'ask'; found: { matches: PersonSuggestion[]; stubs: ReturnType<typeof stubView>[] } };

export async function checkNewPerson(
  db: Kysely<DB>,
  actor: Actor,
  body: unknown,
  person: { first_name: string; last_name: string; date_of_birth: string | null },
): Promise<NewPersonStep> {
  const choice = formValue(body, CHOICE_FIELD);
  if (choice === 'new') return { kind: 'new' };
  // Whether the user may see the chosen person is checked again where the incident is saved.
  if (isUuid(choice)) return { kind: 'existing', id: choice };
  const found = await lookUpPeople(db, actor, lookupFromPersonFields(person), 'incident_form');
  if (!found.matches.length && !found.stubs.length) return { kind: 'new' };
  return { kind: 'ask', found: { matches: found.matches, stubs: found.stubs.map(stubView) } };
}
