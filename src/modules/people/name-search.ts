// Finding people by name quickly under row-level security: search_person_ids (migrations/0006)
// returns the visible people whose names match exactly, sound alike or are similar, with a score.
import { sql } from 'kysely';

/** Words typed ("john smith", "smith, john", "smith") as the function's arguments. */
export function nameArguments(text: string) {
  const lower = text.toLowerCase().replace(/’/g, "'");
  const words = (t: string) => t.trim().split(/\s+/).filter(Boolean);
  if (lower.includes(',')) {
    const [l, ...f] = lower.split(',');
    const last = words(l ?? '').join(' ');
    const first = words(f.join(' '))[0] ?? null;
    return { first, last, full: first ? `${first} ${last}` : last, either: false };
  }
  const all = words(lower).slice(0, 5);
  const last = all[all.length - 1] ?? '';
  const first = all.length > 1 ? all[0]! : null;
  return { first, last, full: first ? `${first} ${last}` : last, either: all.length === 2 };
}

/** The candidate rows (person_id, score, alias) as a subquery, for a join with people. */
export function nameCandidates(partnershipId: string, text: string, dob: string | null = null) {
  const a = nameArguments(text);
  return sql`search_person_ids(${partnershipId}::uuid, ${a.first}::text, ${a.last}::text, ${a.full}::text, ${dob}::date, ${a.either})`;
}
