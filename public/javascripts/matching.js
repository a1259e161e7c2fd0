/* global document, fetch, setTimeout, clearTimeout, AbortController, RadioNodeList */
// Suggestions as the officer types: people, vehicles and addresses the partnership already holds.
// Progressive enhancement only — without this file the same suggestions come as a step after the
// form is sent. Each zone ([data-match="person|vehicle|address"]) names the fields it reads; after a
// pause in typing their values are POSTed as JSON to /api/matching/..., and the answer is built into
// the zone's [data-match-list] with DOM methods (never innerHTML), its summary read out through the
// zone's role="status" region.

const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
const DELAY_MS = 350;

const DEFAULT_FIELDS = {
  person: {
    first_name: 'first_name', middle_names: 'middle_names', last_name: 'last_name', date_of_birth: 'date_of_birth',
    phone: 'phone', email: 'email', pnc_id: 'pnc_id', nhs_number: 'nhs_number', ni_number: 'ni_number',
  },
  vehicle: { vrm: 'vrm' },
  address: { q: 'q' },
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'className') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

const longDate = (iso) => {
  if (!iso) return null;
  const d = new Date(`${iso}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
};

function fieldValue(form, name) {
  const input = form.elements.namedItem(name);
  if (!input) return '';
  if (input instanceof RadioNodeList) return input.value ?? '';
  return typeof input.value === 'string' ? input.value.trim() : '';
}

/** A GOV.UK date input (name-day, name-month, name-year) as YYYY-MM-DD, or '' until it is a whole real date. */
function dateValue(form, prefix) {
  const d = fieldValue(form, `${prefix}-day`);
  const m = fieldValue(form, `${prefix}-month`);
  const y = fieldValue(form, `${prefix}-year`);
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return '';
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : '';
}

function stubBlock(s) {
  const block = el('div', { className: 'govuk-inset-text app-match-stub', 'data-qa': 'match-stub' },
    el('p', { className: 'govuk-body' }, el('strong', {}, s.heldBy), ' holds a record that may be this. You cannot see it unless they share it with you.'));
  if (s.requestedAt) {
    block.append(el('p', { className: 'govuk-body' }, `You asked for access on ${new Date(s.requestedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}.`));
  } else {
    block.append(el('p', { className: 'govuk-body' },
      el('a', { className: 'govuk-link', href: s.requestHref, target: '_blank', rel: 'noopener' }, `Request access to the record held by ${s.heldBy} (opens in new tab)`)));
  }
  if (s.contact) {
    block.append(el('p', { className: 'govuk-body' }, `Or contact the ${s.contact.role}, ${s.contact.name}: `,
      el('a', { className: 'govuk-link', href: `mailto:${s.contact.email}` }, s.contact.email)));
  }
  return block;
}

function reasonList(m) {
  return el('ul', { className: 'govuk-list govuk-list--bullet govuk-!-font-size-16 govuk-!-margin-bottom-0' },
    m.reasons.map((r) => el('li', {}, r.agrees ? null : el('span', { className: 'govuk-visually-hidden' }, 'Does not agree: '), r.description)));
}

function personHint(m) {
  return [`${m.dateOfBirth ? `Born ${longDate(m.dateOfBirth)}` : 'Date of birth not known'} · held by ${m.heldBy} · `, el('strong', {}, `${m.likelihood} likely to be the same person`), reasonList(m)];
}

/** Suggestions to open (the "add a person" page): each a link to the existing record. */
function personLinks(zone, data) {
  const items = data.matches.map((m) =>
    el('li', { className: 'app-match-item' },
      el('a', { className: 'govuk-link govuk-!-font-weight-bold', href: m.href }, `Use ${m.name}'s record`),
      el('div', { className: 'govuk-hint govuk-!-margin-bottom-2' }, personHint(m))));
  return items.length ? [el('h3', { className: 'govuk-heading-s' }, 'Already recorded?'), el('ul', { className: 'govuk-list' }, items)] : [];
}

/** Suggestions to choose from inside a bigger form (the incident form): radios, as without JavaScript. */
function personRadios(zone, data) {
  if (!data.matches.length) return data.stubs.length ? [el('input', { type: 'hidden', name: zone.dataset.matchChoice, value: 'new' })] : [];
  const name = zone.dataset.matchChoice;
  const before = fieldValue(zone.closest('form'), name);
  const id = (i) => `${name}-live-${i}`;
  const radios = el('div', { className: 'govuk-radios govuk-radios--small', 'data-module': 'govuk-radios' });
  data.matches.forEach((m, i) => {
    radios.append(el('div', { className: 'govuk-radios__item' },
      el('input', { className: 'govuk-radios__input', id: id(i), name, type: 'radio', value: m.id, 'aria-describedby': `${id(i)}-hint`, checked: before === m.id }),
      el('label', { className: 'govuk-label govuk-radios__label', for: id(i) }, m.name),
      el('div', { id: `${id(i)}-hint`, className: 'govuk-hint govuk-radios__hint' }, personHint(m))));
  });
  radios.append(el('div', { className: 'govuk-radios__divider' }, 'or'));
  radios.append(el('div', { className: 'govuk-radios__item' },
    el('input', { className: 'govuk-radios__input', id: id('new'), name, type: 'radio', value: 'new', checked: before === 'new' }),
    el('label', { className: 'govuk-label govuk-radios__label', for: id('new') }, zone.dataset.matchNewLabel || 'None of these: they are someone new')));
  return [el('div', { className: 'govuk-form-group' },
    el('fieldset', { className: 'govuk-fieldset' },
      el('legend', { className: 'govuk-fieldset__legend govuk-fieldset__legend--s' }, 'Is this one of these people?'),
      el('div', { className: 'govuk-hint' }, 'They are people you can see who may be the one you are adding. Choose one to use their record instead of making another.'),
      radios))];
}

function vehicleList(zone, data) {
  if (!data.matches.length) return [];
  return [el('h3', { className: 'govuk-heading-s' }, `${data.vrm} is already recorded`),
    el('ul', { className: 'govuk-list' }, data.matches.map((v) => el('li', {},
      el('a', { className: 'govuk-link', href: v.href, target: '_blank', rel: 'noopener' }, `${v.vrm}, ${v.description} (opens in new tab)`), ` · held by ${v.heldBy}`)))];
}

function addressRadios(zone, data) {
  if (!data.addresses.length) return [];
  const id = (i) => `address-live-${i}`;
  const radios = el('div', { className: 'govuk-radios govuk-radios--small', 'data-module': 'govuk-radios' },
    data.addresses.map((a, i) => el('div', { className: 'govuk-radios__item' },
      el('input', { className: 'govuk-radios__input', id: id(i), name: zone.dataset.matchChoice || 'uprn', type: 'radio', value: String(a.uprn), 'aria-describedby': `${id(i)}-hint` }),
      el('label', { className: 'govuk-label govuk-radios__label', for: id(i) }, a.address),
      el('div', { id: `${id(i)}-hint`, className: 'govuk-hint govuk-radios__hint' },
        `${a.incidents} incident${a.incidents === 1 ? '' : 's'} and ${a.people} ${a.people === 1 ? 'person' : 'people'} you can see recorded here`))));
  return [el('div', { className: 'govuk-form-group' }, el('fieldset', { className: 'govuk-fieldset' },
    el('legend', { className: 'govuk-fieldset__legend govuk-fieldset__legend--s' }, 'Addresses in the gazetteer'), radios))];
}

function summary(kind, data) {
  if (kind === 'address') return data.addresses.length ? `${data.addresses.length} address${data.addresses.length === 1 ? '' : 'es'} found.` : 'No address found yet.';
  const m = data.matches.length;
  const s = data.stubs.length;
  const parts = [];
  if (m) parts.push(`${m} ${kind === 'person' ? (m === 1 ? 'person' : 'people') : (m === 1 ? 'vehicle' : 'vehicles')} already recorded may be this one`);
  if (s) parts.push(`${s} record${s === 1 ? '' : 's'} held by another organisation may be this one`);
  return parts.length ? `${parts.join('. ')}.` : '';
}

function setUp(zone) {
  const kind = zone.dataset.match;
  const form = zone.closest('form') ?? zone;
  // A zone inside a bigger form names exactly the fields it reads; a form of its own uses the usual names.
  const fields = zone.dataset.matchFields ? JSON.parse(zone.dataset.matchFields) : DEFAULT_FIELDS[kind];
  const results = zone.querySelector('[data-match-results]');
  if (!results || !DEFAULT_FIELDS[kind]) return;
  let status = results.querySelector('[data-match-status]');
  if (!status) results.append((status = el('p', { className: 'govuk-visually-hidden', role: 'status', 'data-match-status': true })));
  let list = results.querySelector('[data-match-list]');
  if (!list) results.append((list = el('div', { 'data-match-list': true })));
  let timer = null;
  let inFlight = null;
  let lastSent = '';

  const payload = () => {
    const out = {};
    for (const [key, name] of Object.entries(fields)) {
      const v = key === 'date_of_birth' ? dateValue(form, name) : fieldValue(form, name);
      if (v) out[key] = v;
    }
    return out;
  };
  const ready = (p) => (kind === 'person' ? (p.last_name ?? '').replace(/[^a-z]/gi, '').length >= 2 : kind === 'vehicle' ? (p.vrm ?? '').replace(/[^a-z0-9]/gi, '').length >= 2 : (p.q ?? '').length >= 4);

  async function look() {
    const p = payload();
    const key = JSON.stringify(p);
    if (key === lastSent) return;
    lastSent = key;
    inFlight?.abort();
    if (!ready(p)) {
      list.replaceChildren();
      status.textContent = '';
      return;
    }
    inFlight = new AbortController();
    try {
      const res = await fetch(`/api/matching/${kind === 'person' ? 'people' : kind === 'vehicle' ? 'vehicles' : 'addresses'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body: key,
        signal: inFlight.signal,
        credentials: 'same-origin',
      });
      if (!res.ok) {
        list.replaceChildren();
        status.textContent = '';
        return;
      }
      const data = await res.json();
      const built =
        kind === 'person' ? [...(zone.dataset.matchMode === 'choose' ? personRadios(zone, data) : personLinks(zone, data)), ...data.stubs.map(stubBlock)]
        : kind === 'vehicle' ? [...vehicleList(zone, data), ...data.stubs.map(stubBlock)]
        : addressRadios(zone, data);
      list.replaceChildren(...built);
      status.textContent = summary(kind, data);
    } catch (err) {
      if (err?.name !== 'AbortError') status.textContent = '';
    }
  }

  const names = new Set(Object.values(fields).flatMap((n) => [n, `${n}-day`, `${n}-month`, `${n}-year`]));
  form.addEventListener('input', (event) => {
    if (!names.has(event.target?.name)) return;
    clearTimeout(timer);
    timer = setTimeout(look, DELAY_MS);
  });
}

for (const zone of document.querySelectorAll('[data-match]')) setUp(zone);
