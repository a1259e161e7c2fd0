// The rules an intervention must meet before it is saved, from kinds.ts: who it can be given to,
// age limits at the issue date, lengths, and what some powers need recorded (a conviction, an
// authorising inspector, the youth offending team). Pure, so every rule is unit-tested directly.
import { addDuration, describeDuration, INSPECTOR_OR_ABOVE, type InterventionKind, type Status, type SubjectType } from './kinds.ts';

export interface Age {
  years: number;
  estimated: boolean;
}

/** Age in whole years on a date, from a date of birth or else an estimate made on a known date. */
export function ageOn(date: string, person: { date_of_birth: string | null; estimated_age: number | null; estimated_age_on: string | null }): Age | null {
  if (person.date_of_birth) {
    const [by, bm, bd] = person.date_of_birth.split('-').map(Number) as [number, number, number];
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return { years: y - by - (m < bm || (m === bm && d < bd) ? 1 : 0), estimated: false };
  }
  if (person.estimated_age !== null) {
    const since = person.estimated_age_on ? Math.floor((Date.parse(date) - Date.parse(person.estimated_age_on)) / (365.25 * 86_400_000)) : 0;
    return { years: person.estimated_age + Math.max(since, 0), estimated: true };
  }
  return null;
}

export interface InterventionInput {
  issuedOn: string;
  expiresOn: string | null;
  reviewOn: string | null;
  durationHours: number | null;
  indefinite: boolean;
  status: Status;
  convictionOn: string | null;
  yotConsulted: boolean;
  authorisedBy: string | null;
  authoriserRank: string | null;
}

export interface Problem {
  field: string;
  message: string;
}

export interface Checked {
  expiresOn: string | null;
  reviewOn: string | null;
  durationHours: number | null;
}

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const show = (iso: string) => longDate.format(new Date(`${iso}T00:00:00Z`));

/**
 * Checks an intervention and fills in what the kind defaults (expiry from its usual length, the
 * review date). `today` is passed in so the rules are testable without a clock.
 */
export function checkIntervention(
  kind: InterventionKind,
  subject: SubjectType,
  age: Age | null,
  input: InterventionInput,
  today: string,
): { ok: true; value: Checked } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const name = kind.label;
  const aged = age ? `${age.estimated ? 'is estimated to have been' : 'was'} ${age.years} on the issue date` : '';

  if (!kind.subjects.includes(subject)) add('kind', `${name} cannot be given to ${subject === 'person' ? 'a person' : subject === 'business' ? 'a business or organisation' : 'a household or place'}`);
  if (input.issuedOn > today) add('issued_on', 'The issue date must be today or in the past');
  if (kind.minAge !== undefined && age && age.years < kind.minAge) add('kind', `${name} can only be given to someone aged ${kind.minAge} or over: this person ${aged}`);

  const under18 = age ? age.years < 18 : null;
  let durationHours: number | null = null;
  let expiresOn = input.expiresOn;
  if (kind.hourly) {
    durationHours = input.durationHours ?? kind.defaultDuration?.hours ?? null;
    const max = kind.maxDuration?.hours ?? 48;
    if (durationHours !== null && (durationHours < 1 || durationHours > max)) add('duration_hours', `${name} lasts at most ${max} hours: enter a whole number of hours from 1 to ${max}`);
    expiresOn = durationHours ? addDuration(input.issuedOn, { hours: durationHours }) : null;
  } else if (input.indefinite) {
    const allowed = kind.indefinite || (kind.adult?.indefinite && under18 !== true);
    if (!allowed) {
      add('indefinite', under18 && kind.adult?.indefinite ? `${name} for someone under 18 must have an end date: this person ${aged}` : `${name} must have an end date`);
    }
    if (input.expiresOn) add('expires_on', 'Either enter an expiry date or choose no end date, not both');
    expiresOn = null;
  } else if (!expiresOn && kind.defaultDuration) {
    expiresOn = addDuration(input.issuedOn, kind.defaultDuration);
    // The usual length may be too long for this person (an under-18's injunction): use the longest allowed.
    const cap = under18 ? kind.under18?.max : undefined;
    if (cap && expiresOn > addDuration(input.issuedOn, cap)) expiresOn = addDuration(input.issuedOn, cap);
  }

  if (expiresOn && !kind.hourly) {
    if (expiresOn < input.issuedOn) add('expires_on', 'The expiry date must be on or after the issue date');
    const extended = input.status === 'varied' && kind.extendedMaxDuration;
    const max = extended ? kind.extendedMaxDuration : kind.maxDuration;
    if (max && expiresOn > addDuration(input.issuedOn, max)) {
      const more = !extended && kind.extendedMaxDuration ? ` unless the court has extended it (status "Varied or extended"), up to ${describeDuration(kind.extendedMaxDuration)}` : '';
      add('expires_on', `${name} lasts at most ${describeDuration(max)}${more}: the expiry date must be on or before ${show(addDuration(input.issuedOn, max))}`);
    }
    const rule = under18 === true ? kind.under18 : under18 === false ? kind.adult : undefined;
    if (rule?.min && expiresOn < addDuration(input.issuedOn, rule.min)) {
      add('expires_on', `${name} for ${under18 ? 'someone under 18' : 'an adult'} lasts at least ${describeDuration(rule.min)}: this person ${aged}, so the expiry date must be on or after ${show(addDuration(input.issuedOn, rule.min))}`);
    }
    const cap = under18 === true ? kind.under18?.max : undefined;
    if (cap && expiresOn > addDuration(input.issuedOn, cap)) {
      add('expires_on', `${name} for someone under 18 lasts at most ${describeDuration(cap)}: this person ${aged}, so the expiry date must be on or before ${show(addDuration(input.issuedOn, cap))}`);
    }
  }

  if (kind.requiresConviction) {
    if (!input.convictionOn) add('conviction_on', `Enter the date of the conviction the ${name} follows`);
    else if (input.convictionOn > input.issuedOn) add('conviction_on', 'The conviction date must be on or before the issue date');
  }
  if (kind.under18?.yotConsulted && under18 === true && !input.yotConsulted) add('yot_consulted', `Confirm the youth offending team was consulted: this person ${aged}`);
  if (kind.authoriserRanks) {
    if (!input.authorisedBy) add('authorised_by', `Enter the name of the officer who authorised the ${name.toLowerCase()}`);
    if (!input.authoriserRank || !(kind.authoriserRanks as readonly string[]).includes(input.authoriserRank)) {
      add('authoriser_rank', kind.authoriserRanks === INSPECTOR_OR_ABOVE ? 'Select the authorising officer’s rank: a dispersal direction must be authorised by an inspector or above' : 'Select the authorising officer’s rank');
    }
  }

  let reviewOn = input.reviewOn;
  if (reviewOn) {
    if (reviewOn < input.issuedOn) add('review_on', 'The review date must be on or after the issue date');
    else if (expiresOn && reviewOn > expiresOn) add('review_on', 'The review date must be on or before the expiry date');
  } else if (kind.defaultReview) {
    reviewOn = addDuration(input.issuedOn, kind.defaultReview);
    if (expiresOn && reviewOn >= expiresOn) reviewOn = null;
  }

  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { expiresOn, reviewOn, durationHours } };
}
