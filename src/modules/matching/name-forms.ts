// Every form of a first name the candidate search should look for. The engine's nicknames data
// (data/nicknames.csv: a name and the full name it is a form of) answers "Bob is Robert"; a search
// for Robert must also find a record saved as Bob or Bobby, so the full names are expanded back into
// all their listed forms here.
import fs from 'node:fs';
import { fold } from './keys.ts';

const canonicals = new Map<string, Set<string>>();
const formsOf = new Map<string, Set<string>>();
const add = (map: Map<string, Set<string>>, key: string, value: string) => {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
};
const csv = fs.readFileSync(new URL('./data/nicknames.csv', import.meta.url), 'utf8');
for (const line of csv.split(/\r?\n/).slice(1)) {
  if (!line.trim() || line.startsWith('#')) continue;
  const [name, canonical] = line.split(',').map((s) => fold(s));
  if (!name || !canonical || name === canonical) continue;
  add(canonicals, name, canonical);
  add(formsOf, canonical, name);
}

/** The name, the full names it is a form of, and every other form of those (at most `max`). */
export function firstNameForms(typed: string, max = 30): string[] {
  const key = fold(typed);
  if (!key) return [];
  const out = new Set<string>([key]);
  const full = [...(formsOf.has(key) ? [key] : []), ...(canonicals.get(key) ?? [])];
  for (const canonical of full) {
    out.add(canonical);
    for (const form of formsOf.get(canonical) ?? []) out.add(form);
  }
  return [...out].slice(0, max);
}
