// A morning's arrivals for the daily review journey, as the exports the partnership's systems produce:
// the police's overnight log (20 incidents), the council's own reports taken by phone and email (12)
// and the public's online reports to the council (8). Dates are relative to now, since the review
// queue takes what was reported in the last fortnight. Every name is invented.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HEADER =
  'reference,occurred_at,reported_at,how_reported,category,description,location,postcode,hate,domestic,vulnerable_victim,victim_first_name,victim_last_name,victim_date_of_birth,perpetrator_first_name,perpetrator_last_name,perpetrator_date_of_birth';

/** London wall-clock time `hoursAgo` hours before now, as the export writes it. */
function at(hoursAgo: number): string {
  const d = new Date(Date.now() - hoursAgo * 3_600_000);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

const PLACES: [string, string][] = [
  ['Castle Street, Hinckley', 'LE10 1DA'],
  ['Stapleton Lane, Barwell', 'LE9 8HE'],
  ['Wood Street, Earl Shilton', 'LE9 7ND'],
  ['Main Street, Market Bosworth', 'CV13 0JW'],
  ['Station Road, Burbage', 'LE10 2DS'],
  ['Hinckley Road, Groby', 'LE6 0AB'],
];
const NUISANCE = ['Loud music and shouting from a house party', 'Group of youths drinking and shouting', 'Off-road bikes ridden across the playing field', 'Fireworks let off in the street late at night'];
const ENVIRONMENTAL = ['Fly-tipped mattress and bags of rubbish', 'Graffiti sprayed on shop shutters', 'Needles found near the play area'];
const PERSONAL = ['Neighbour shouting abuse over the fence', 'Victim followed home and verbally abused', 'Eggs thrown at the victim’s windows'];

/** The repeat victim whose third report this morning should come first in the queue. */
export const REPEAT_VICTIM = { first: 'Delphine', last: 'Ashworth-Kaye', dob: '1948-06-19' };
/** Her street, where nothing else is reported this week (so her reports are not one problem with others'). */
const HER_STREET: [string, string] = ['Coventry Road, Hinckley', 'LE10 0JT'];

interface Row {
  reference: string;
  hoursAgo: number;
  how: string;
  category: 'personal' | 'nuisance' | 'environmental';
  description: string;
  place: [string, string];
  hate?: boolean;
  vulnerable?: boolean;
  victim?: [string, string, string];
  perpetrator?: [string, string, string];
}

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const line = (r: Row) =>
  [
    r.reference,
    at(r.hoursAgo),
    at(Math.max(0, r.hoursAgo - 0.5)),
    r.how,
    r.category,
    r.description,
    r.place[0],
    r.place[1],
    r.hate ? 'yes' : 'no',
    'no',
    r.vulnerable ? 'yes' : 'no',
    ...(r.victim ?? ['', '', '']),
    ...(r.perpetrator ?? ['', '', '']),
  ]
    .map(quote)
    .join(',');

function generated(prefix: string, count: number, how: string, firstHours: number, seedNames: string[]): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const category = (['nuisance', 'environmental', 'nuisance', 'personal'] as const)[i % 4]!;
    const list = category === 'nuisance' ? NUISANCE : category === 'environmental' ? ENVIRONMENTAL : PERSONAL;
    const surname = seedNames[i % seedNames.length]!;
    rows.push({
      reference: `${prefix}-${String(i + 1).padStart(4, '0')}`,
      hoursAgo: firstHours + i * 0.7,
      how,
      category,
      description: list[i % list.length]!,
      place: PLACES[(i * 5) % PLACES.length]!,
      victim: category === 'environmental' ? undefined : [['Rowan', 'Tamsin', 'Idris', 'Bronwen', 'Fergus'][i % 5]!, surname, `19${60 + (i % 39)}-0${1 + (i % 9)}-1${i % 9}`],
    });
  }
  return rows;
}

export interface MorningFiles {
  police: string;
  council: string;
  publicReports: string;
}

/** Writes the three exports to a temporary folder and returns their paths. */
export function writeMorningFiles(): MorningFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endeavour-morning-'));
  const v = REPEAT_VICTIM;
  const police = generated('LP', 20, 'police_import', 2, ['Quennell', 'Marchetti', 'Oyelaran', 'Pendlebury', 'Szabo', 'Whitcombe']);
  const council: Row[] = [
    // Two earlier reports from the same resident, then last night's hate-motivated one.
    { reference: 'HB-0001', hoursAgo: 150, how: 'council_phone', category: 'personal', description: 'Neighbour’s son shouting abuse at the victim in her garden', place: HER_STREET, vulnerable: true, victim: [v.first, v.last, v.dob] },
    { reference: 'HB-0002', hoursAgo: 80, how: 'email', category: 'personal', description: 'Stones thrown at the victim’s windows after dark', place: HER_STREET, vulnerable: true, victim: [v.first, v.last, v.dob] },
    { reference: 'HB-0003', hoursAgo: 9, how: 'council_phone', category: 'personal', description: 'Racist abuse shouted at the victim; she is now afraid to leave the house', place: HER_STREET, hate: true, vulnerable: true, victim: [v.first, v.last, v.dob] },
    ...generated('HB', 9, 'council_phone', 3, ['Haverford', 'Nakamura', 'Ellery']).map((r, i) => ({ ...r, reference: `HB-${String(i + 4).padStart(4, '0')}` })),
  ];
  const publicReports = generated('WEB', 8, 'public_online', 4, ['Galloway', 'Prentice']);
  const write = (name: string, rows: Row[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${HEADER}\n${rows.map(line).join('\n')}\n`);
    return file;
  };
  return {
    police: write('police-overnight-log.csv', police),
    council: write('council-reports.csv', council),
    publicReports: write('public-online-reports.csv', publicReports),
  };
}
