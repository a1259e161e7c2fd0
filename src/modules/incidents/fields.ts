// The incident form's fields and their validation, shared by the record and change pages. Dates and
// times are read as England's wall clock; every problem becomes a GOV.UK message beside its field.
import { z } from 'zod';
import type { AsbCategory } from '../../platform/db/schema.ts';
import { choices, dateInput, optionalChoice, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, formValues, type FormErrors } from '../../platform/http/forms.ts';
import { parsePostcode, type Postcode } from '../../platform/geo/postcode.ts';
import { isGridReference } from '../../platform/geo/grid.ts';
import {
  CATEGORIES,
  CONSENT,
  FLAGS,
  HATE_STRANDS,
  STATUSES,
  consentChoice,
  consentValue,
  type HowReported,
  type IncidentStatus,
} from './labels.ts';
import { fromLondon, londonDate, londonParts, londonTime, parseTime } from './london-time.ts';
import { requiredMessage } from './required-fields.ts';

export interface AsbTypeOption {
  id: string;
  name: string;
  category: AsbCategory;
  active: boolean;
}

export interface IncidentCore {
  occurred_from: Date;
  occurred_to: Date | null;
  reported_at: Date;
  how_reported: HowReported;
  source_organisation_id: string;
  police_log_number: string | null;
  crime_number: string | null;
  category: AsbCategory;
  asb_type_id: string | null;
  description: string;
  mo: string | null;
  hate: boolean;
  hate_strands: string[];
  domestic: boolean;
  alcohol: boolean;
  drugs: boolean;
  youth: boolean;
  vulnerable_victim: boolean;
  consent_to_share: boolean | null;
  consent_to_refer: boolean | null;
  status?: IncidentStatus;
}

export type LocationInput =
  | { kind: 'gazetteer'; uprn: number }
  | {
      kind: 'described';
      text: string;
      postcode: Postcode | null;
      easting: number | null;
      northing: number | null;
      latitude: number | null;
      longitude: number | null;
    };

export interface FormContext {
  /** Mandatory fields under the partnership's minimum standards. */
  required: Set<string>;
  /** Types that may be chosen (the active ones, plus the incident's own when changing it). */
  asbTypes: AsbTypeOption[];
  organisationIds: string[];
  howReported: HowReported[];
  now: Date;
  edit: boolean;
}

export type Values = Record<string, string | string[]>;

/** The order fields appear on the page, so the error summary reads top to bottom. */
export const FIELD_ORDER = [
  'occurred',
  'occurred_time',
  'until',
  'until_time',
  'reported',
  'reported_time',
  'how_reported',
  'source_organisation_id',
  'police_log_number',
  'crime_number',
  'category',
  'asb_type_id',
  'description',
  'mo',
  'address_query',
  'uprn',
  'location_text',
  'location_postcode',
  'location_easting',
  'location_latitude',
  'flags',
  'hate_strands',
  'people',
  'person_query',
  'person_pick',
  'person_role',
  'new_first_name',
  'new_last_name',
  'new_dob',
  'new_role',
  'vehicle_vrm',
  'vehicle_make',
  'vehicle_model',
  'vehicle_colour',
  'consent_to_share',
  'consent_to_refer',
  'status',
];

export function sortErrors(errors: FormErrors): FormErrors {
  const pos = (href: string) => {
    const i = FIELD_ORDER.indexOf(href.slice(1));
    return i === -1 ? FIELD_ORDER.length : i;
  };
  errors.list.sort((a, b) => pos(a.href) - pos(b.href));
  return errors;
}

const reference = (name: string) =>
  optionalText(40, `${name} must be 40 characters or fewer`).refine((v) => v === null || /^[A-Za-z0-9][A-Za-z0-9 /.-]*$/.test(v), {
    message: `${name} must only include letters, numbers, spaces, full stops, hyphens and slashes`,
  });

const schema = z.object({
  how_reported: optionalChoice(
    ['police_call', 'council_phone', 'council_online', 'public_online', 'partner_referral', 'in_person', 'email', 'police_import', 'other'] as const,
    'Select how it was reported',
  ),
  source_organisation_id: optionalText(100),
  police_log_number: reference('Police incident log number'),
  crime_number: reference('Crime number'),
  category: optionalChoice(CATEGORIES, 'Select personal, nuisance or environmental'),
  asb_type_id: optionalText(100),
  description: requiredText('Describe what happened', 10000, 'Description must be 10,000 characters or fewer'),
  mo: optionalText(4000, 'How it was done must be 4,000 characters or fewer'),
  flags: choices(FLAGS, 'Select flags from the list'),
  hate_strands: choices(HATE_STRANDS, 'Select hate strands from the list'),
  consent_to_share: optionalChoice(CONSENT, 'Select yes, no or not asked'),
  consent_to_refer: optionalChoice(CONSENT, 'Select yes, no or not asked'),
  status: optionalChoice(STATUSES, 'Select open or closed'),
});

/** A date and an optional time, as one instant; `missingTime` says what to assume when the time is blank. */
function readWhen(body: unknown, prefix: string, label: string, errors: FormErrors, required: boolean) {
  const date = dateInput(body, prefix, label, { required });
  if ('error' in date && date.error) {
    addError(errors, prefix, date.error);
    return { date: null, time: null, timeGiven: false };
  }
  const rawTime = formValue(body, `${prefix}_time`).trim();
  let time: string | null = null;
  if (rawTime) {
    time = parseTime(rawTime);
    if (!time) addError(errors, `${prefix}_time`, `Enter the time ${label.replace(/^the date /, '')} as a time of day, like 14:30 or 2:30pm`);
  }
  return { date: ('value' in date && date.value) || null, time, timeGiven: !!rawTime };
}

function number(body: unknown, key: string, label: string, errors: FormErrors): number | null {
  const raw = formValue(body, key).trim().replace(/,/g, '');
  if (!raw) return null;
  if (!/^-?\d{1,7}(\.\d{1,10})?$/.test(raw)) {
    addError(errors, key, `${label} must be a number`);
    return null;
  }
  return Number(raw);
}

/** Where it happened: a gazetteer address (by UPRN) or a description with optional postcode and point. */
function readLocation(body: unknown, ctx: FormContext, errors: FormErrors): LocationInput | null {
  const uprnRaw = formValue(body, 'uprn').trim();
  const text = formValue(body, 'location_text').trim().slice(0, 1000);
  const postcodeRaw = formValue(body, 'location_postcode').trim();
  const easting = number(body, 'location_easting', 'Easting', errors);
  const northing = number(body, 'location_northing', 'Northing', errors);
  const latitude = number(body, 'location_latitude', 'Latitude', errors);
  const longitude = number(body, 'location_longitude', 'Longitude', errors);
  const describedAnything = !!(text || postcodeRaw || easting !== null || northing !== null || latitude !== null || longitude !== null);
  if (uprnRaw) {
    if (!/^\d{1,15}$/.test(uprnRaw)) {
      addError(errors, 'uprn', 'Select an address from the list');
      return null;
    }
    if (describedAnything) {
      addError(errors, 'location_text', 'Choose an address from the list or describe the place, not both. To describe the place, choose “The address is not listed”');
      return null;
    }
    return { kind: 'gazetteer', uprn: Number(uprnRaw) };
  }
  if (!describedAnything) {
    addError(errors, 'address_query', 'Find the address where it happened, or describe the place');
    return null;
  }
  if (!text) addError(errors, 'location_text', 'Describe the place, for example “Alleyway behind 12 to 20 High Street”');
  if (text.length >= 1000) addError(errors, 'location_text', 'The description of the place must be fewer than 1,000 characters');
  let postcode: Postcode | null = null;
  if (postcodeRaw) {
    postcode = parsePostcode(postcodeRaw);
    if (!postcode) addError(errors, 'location_postcode', 'Enter a real postcode, like LE11 3AB');
  } else if (ctx.required.has('location_postcode')) {
    addError(errors, 'location_postcode', requiredMessage('incident', 'location_postcode'));
  }
  const gridGiven = easting !== null || northing !== null;
  const latLonGiven = latitude !== null || longitude !== null;
  if (gridGiven && latLonGiven) addError(errors, 'location_easting', 'Enter a grid reference or a latitude and longitude, not both');
  else if (gridGiven && (easting === null || northing === null)) addError(errors, 'location_easting', 'Enter both the easting and the northing');
  else if (gridGiven && !isGridReference(easting!, northing!)) addError(errors, 'location_easting', 'Enter a British National Grid reference in metres, like easting 454500 and northing 319600');
  else if (latLonGiven && (latitude === null || longitude === null)) addError(errors, 'location_latitude', 'Enter both the latitude and the longitude');
  else if (latLonGiven && (latitude! < 49 || latitude! > 61 || longitude! < -9 || longitude! > 2.5))
    addError(errors, 'location_latitude', 'Enter a latitude and longitude in the UK, like 52.7721 and -1.2062');
  else if (!gridGiven && !latLonGiven && ctx.required.has('location_point')) addError(errors, 'location_easting', requiredMessage('incident', 'location_point'));
  return { kind: 'described', text, postcode, easting, northing, latitude, longitude };
}

export function parseIncidentForm(body: unknown, ctx: FormContext): { core: IncidentCore | null; location: LocationInput | null; errors: FormErrors } {
  const errors = emptyErrors();
  // Each field on its own, so one mistake never hides another.
  const input = (body ?? {}) as Record<string, unknown>;
  const data = {} as { [K in keyof typeof schema.shape]: z.output<(typeof schema.shape)[K]> | null };
  for (const key of Object.keys(schema.shape) as (keyof typeof schema.shape)[]) {
    const r = schema.shape[key].safeParse(input[key]);
    if (r.success) (data as Record<string, unknown>)[key] = r.data;
    else {
      (data as Record<string, unknown>)[key] = null;
      addError(errors, key, r.error.issues[0]?.message ?? 'Check this answer');
    }
  }
  const occurred = readWhen(body, 'occurred', 'the date it happened', errors, true);
  if (!occurred.date && !errors.byField.occurred) addError(errors, 'occurred', 'Enter the date it happened');
  if (!occurred.timeGiven && ctx.required.has('occurred_time')) addError(errors, 'occurred_time', requiredMessage('incident', 'occurred_time'));
  const until = readWhen(body, 'until', 'the date it ended', errors, false);
  const reported = readWhen(body, 'reported', 'the date it was reported', errors, true);

  const nowMs = ctx.now.getTime() + 5 * 60_000; // a little leeway for clocks and typing speed
  let occurredFrom: Date | null = null;
  let occurredTo: Date | null = null;
  let reportedAt: Date | null = null;
  if (occurred.date && !errors.byField.occurred_time) {
    occurredFrom = fromLondon(occurred.date, occurred.time ?? '00:00');
    if (occurredFrom.getTime() > nowMs) addError(errors, occurred.time ? 'occurred_time' : 'occurred', 'The date and time it happened must be in the past');
    if (until.date || until.time) {
      const endDate = until.date ?? occurred.date;
      occurredTo = fromLondon(endDate, until.time ?? '23:59');
      if (occurredTo.getTime() <= occurredFrom.getTime()) addError(errors, until.date ? 'until' : 'until_time', 'The end of the period must be after the start');
      else if ((until.time && occurredTo.getTime() > nowMs) || (until.date && until.date > londonDate(ctx.now)))
        addError(errors, until.time ? 'until_time' : 'until', 'The end of the period must be in the past');
    } else if (!occurred.time) {
      // A date with no time means "some time that day".
      occurredTo = fromLondon(occurred.date, '23:59');
    }
  }
  if (reported.date && !errors.byField.reported_time) {
    reportedAt = fromLondon(reported.date, reported.time ?? '23:59');
    if (!reported.time && reportedAt.getTime() > ctx.now.getTime()) reportedAt = new Date(Math.floor(ctx.now.getTime() / 60000) * 60000);
    if (reportedAt.getTime() > nowMs) addError(errors, reported.time ? 'reported_time' : 'reported', 'The date and time it was reported must be in the past');
    else if (occurredFrom && reportedAt.getTime() < occurredFrom.getTime())
      addError(errors, reported.time ? 'reported_time' : 'reported', 'It must have been reported at the same time as or after it happened');
  } else if (!reported.date && !errors.byField.reported) {
    addError(errors, 'reported', 'Enter the date it was reported');
  }

  const ok = (f: string) => !errors.byField[f];
  const howReported = data.how_reported;
  if (ok('how_reported') && (!howReported || !ctx.howReported.includes(howReported))) addError(errors, 'how_reported', 'Select how it was reported');
  const source = data.source_organisation_id;
  if (!source || !ctx.organisationIds.includes(source)) addError(errors, 'source_organisation_id', 'Select the organisation it was reported to');

  let asbTypeId: string | null = data.asb_type_id;
  const type = asbTypeId ? ctx.asbTypes.find((t) => t.id === asbTypeId) : undefined;
  if (asbTypeId && !type) {
    addError(errors, 'asb_type_id', 'Select the type of anti-social behaviour from the list');
    asbTypeId = null;
  } else if (!asbTypeId && ctx.asbTypes.length) {
    addError(errors, 'asb_type_id', 'Select the type of anti-social behaviour');
  }
  const category = data.category ?? type?.category ?? null;
  if (ok('category') && !category && ok('asb_type_id')) addError(errors, 'category', 'Select personal, nuisance or environmental');

  for (const f of ['police_log_number', 'crime_number', 'mo'] as const) {
    if (ok(f) && ctx.required.has(f) && !data[f]) addError(errors, f, requiredMessage('incident', f));
  }
  const flags = new Set<string>(data.flags ?? []);
  const strands = data.hate_strands ?? [];
  if (strands.length) flags.add('hate');
  if (flags.has('hate') && !strands.length && ok('hate_strands')) addError(errors, 'hate_strands', 'Select the hate strand, or more than one');
  for (const f of ['consent_to_share', 'consent_to_refer'] as const) {
    if (ok(f) && ctx.required.has(f) && (data[f] ?? 'not_asked') === 'not_asked') addError(errors, f, requiredMessage('incident', f));
  }
  if (ctx.edit && ok('status') && !data.status) addError(errors, 'status', 'Select open or closed');

  const location = readLocation(body, ctx, errors);
  sortErrors(errors);
  if (errors.list.length || !data.description || !occurredFrom || !reportedAt || !howReported || !source || !category || !location) {
    return { core: null, location, errors };
  }
  return {
    core: {
      occurred_from: occurredFrom,
      occurred_to: occurredTo,
      reported_at: reportedAt,
      how_reported: howReported,
      source_organisation_id: source,
      police_log_number: data.police_log_number,
      crime_number: data.crime_number,
      category,
      asb_type_id: asbTypeId,
      description: data.description,
      mo: data.mo,
      hate: flags.has('hate'),
      hate_strands: [...strands],
      domestic: flags.has('domestic'),
      alcohol: flags.has('alcohol'),
      drugs: flags.has('drugs'),
      youth: flags.has('youth'),
      vulnerable_victim: flags.has('vulnerable_victim'),
      consent_to_share: consentValue(data.consent_to_share ?? 'not_asked'),
      consent_to_refer: consentValue(data.consent_to_refer ?? 'not_asked'),
      ...(ctx.edit ? { status: data.status ?? 'open' } : {}),
    },
    location,
    errors,
  };
}

/** Fields whose values are lists (checkboxes and the accumulated people and vehicles). */
const LIST_FIELDS = new Set(['flags', 'hate_strands', 'people_entry', 'vehicle_entry']);

/** What the user typed, to show again so nothing typed is lost (lengths capped, lists kept). */
export function echo(body: unknown): Values {
  const out: Values = {};
  if (!body || typeof body !== 'object') return out;
  for (const k of Object.keys(body as Record<string, unknown>)) {
    if (k === '_csrf' || k === 'action' || k.startsWith('remove_') || !/^[a-z_][\w-]{0,60}$/.test(k)) continue;
    if (LIST_FIELDS.has(k)) out[k] = formValues(body, k).slice(0, 50).map((s) => s.slice(0, 2000));
    else out[k] = formValue(body, k).slice(0, 12000);
  }
  return out;
}

const dateParts = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
};

/** A new incident's starting point: it happened today, was reported now, to the user's organisation. */
export function defaultValues(now: Date, organisationId: string, howReported: HowReported): Values {
  const today = londonDate(now);
  return {
    ...dateParts('occurred', today),
    ...dateParts('reported', today),
    reported_time: londonTime(now),
    how_reported: howReported,
    source_organisation_id: organisationId,
    consent_to_share: 'not_asked',
    consent_to_refer: 'not_asked',
  };
}

interface StoredIncident {
  occurred_from: Date | string;
  occurred_to: Date | string | null;
  reported_at: Date | string;
  how_reported: string;
  source_organisation_id: string | null;
  police_log_number: string | null;
  crime_number: string | null;
  category: string;
  asb_type_id: string | null;
  description: string;
  mo: string | null;
  uprn: number | null;
  location_text: string | null;
  postcode: string | null;
  easting: number | null;
  northing: number | null;
  latitude: number | null;
  longitude: number | null;
  hate: boolean;
  hate_strands: string[];
  domestic: boolean;
  alcohol: boolean;
  drugs: boolean;
  youth: boolean;
  vulnerable_victim: boolean;
  consent_to_share: boolean | null;
  consent_to_refer: boolean | null;
  status: string;
}

/** Whether an incident's time was recorded as "some time that day" (midnight to 23:59). */
export function isWholeDay(from: Date, to: Date | null): boolean {
  if (!to) return false;
  const f = londonParts(from);
  const t = londonParts(to);
  return f.hour === 0 && f.minute === 0 && t.hour === 23 && t.minute === 59 && londonDate(from) === londonDate(to);
}

/** The change form's starting values: the incident as saved, in the form's own terms. */
export function valuesFromIncident(i: StoredIncident): Values {
  const from = new Date(i.occurred_from);
  const to = i.occurred_to ? new Date(i.occurred_to) : null;
  const reported = new Date(i.reported_at);
  const wholeDay = isWholeDay(from, to);
  const values: Values = {
    ...dateParts('occurred', londonDate(from)),
    occurred_time: wholeDay ? '' : londonTime(from),
    ...dateParts('reported', londonDate(reported)),
    reported_time: londonTime(reported),
    how_reported: i.how_reported,
    source_organisation_id: i.source_organisation_id ?? '',
    police_log_number: i.police_log_number ?? '',
    crime_number: i.crime_number ?? '',
    category: i.category,
    asb_type_id: i.asb_type_id ?? '',
    description: i.description,
    mo: i.mo ?? '',
    flags: FLAGS.filter((f) => i[f]),
    hate_strands: i.hate_strands,
    consent_to_share: consentChoice(i.consent_to_share),
    consent_to_refer: consentChoice(i.consent_to_refer),
    status: i.status,
  };
  if (to && !wholeDay) {
    Object.assign(values, dateParts('until', londonDate(to)));
    values.until_time = londonTime(to);
  }
  if (i.uprn !== null) {
    values.uprn = String(i.uprn);
  } else {
    values.location_text = i.location_text ?? '';
    values.location_postcode = i.postcode ?? '';
    if (i.easting !== null && i.northing !== null) {
      values.location_easting = String(Math.round(i.easting));
      values.location_northing = String(Math.round(i.northing));
    }
  }
  return values;
}
