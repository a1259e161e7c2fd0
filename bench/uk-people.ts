// Synthetic UK-style people with known duplicates, for measuring `endeavour dedupe` on data unlike
// the development sets: British and other UK-resident names at realistic frequencies, households
// (relatives sharing a surname, address and phone — the hard non-matches), and duplicates carrying
// the errors of real records: nicknames, typos, initials, swapped names, day and month transposed,
// legacy date formats, marriage and double-barrelled surnames, house moves, postcode slips, missing
// fields. All names are common names or invented combinations; no real person is described.
import { mulberry32 } from '../src/modules/matching/engine/estimate.ts';

export const CANONICAL_HEADER =
  'source_id,first_name,middle_names,last_name,date_of_birth,gender,address_line_1,address_line_2,town,postcode,phone,email,identifier';

export interface CanonicalRow {
  source_id: string;
  first_name?: string;
  middle_names?: string;
  last_name?: string;
  date_of_birth?: string;
  gender?: string;
  address_line_1?: string;
  address_line_2?: string;
  town?: string;
  postcode?: string;
  phone?: string;
  email?: string;
  identifier?: string;
}

const COLUMNS = CANONICAL_HEADER.split(',') as (keyof CanonicalRow)[];

export function toCsvLine(row: CanonicalRow): string {
  return COLUMNS.map((c) => {
    const v = row[c] ?? '';
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',');
}

// Weighted lists: earlier entries are more common (Zipf-like weights are applied below).
const MALE =
  'Oliver Jack Harry George Noah Charlie Jacob Thomas Oscar William James Henry Leo Alfie Joshua Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Mohammed Lucas Logan Theo Arthur Dylan Benjamin Sebastian Adam Toby Matthew Ryan David Michael Christopher Robert John Richard Anthony Peter Stephen Paul Mark Andrew Kevin Gary Ian Simon Neil Lee Darren Craig Martin Philip Nicholas Jonathan Patrick Frederick Albert Ronald Kenneth Raymond Terence Derek Gerald Dennis Leonard Francis Harold Stanley Alan Graham Keith Colin Trevor Barry Stuart Douglas Gordon Ahmed Ali Hassan Omar Yusuf Imran Bilal Arjun Rohan Ravi Jakub Piotr Tomasz Krzysztof Kwame Chinedu Oluwaseun Sean Liam Conor Rhys Dafydd Callum Hamish Ewan Niall Kieran Declan Callan Zachary Reuben Felix Rory Jasper'.split(
    ' ',
  );
const FEMALE =
  'Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella Poppy Evie Elsie Charlotte Evelyn Sienna Sofia Daisy Jessica Sophie Chloe Lucy Emma Hannah Sarah Rebecca Laura Rachel Katherine Elizabeth Margaret Mary Susan Patricia Linda Karen Julie Helen Deborah Nicola Joanne Claire Lisa Amanda Michelle Tracey Angela Dawn Kelly Victoria Jennifer Caroline Catherine Christine Janet Jacqueline Gillian Dorothy Barbara Joan Jean Doreen Irene Pauline Valerie Sandra Beverley Wendy Alison Samantha Natalie Stephanie Danielle Gemma Kayleigh Abigail Megan Bethany Aisha Fatima Zainab Maryam Amina Priya Ananya Simran Oliwia Zuzanna Agnieszka Katarzyna Chidinma Adaeze Siobhan Niamh Aoife Ceri Bronwen Eilidh Kirsty Morag Zoë Chloé Renée Frances Harriet Philippa Alexandra Matilda'.split(
    ' ',
  );
const SURNAMES =
  "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah McDonald MacLeod O'Connor Kowalski Nowak Wiśniewski Wójcik Kowalczyk Przybylski Okafor Adeyemi Mensah Nguyen Chen Wong Da Silva Santos Ferreira Papadopoulos Yilmaz Müller Novák Horváth Ó Súilleabháin".split(
    ' ',
  );
const PREFIX =
  'Ash Brad Carl Dun El Fair Gold Hart Kings Lang Mar North Pem Red Shel Thorn Wes Whit Win Yar Al Bar Crom Dray Eg Fen Gar Hal Ing Kel'.split(
    ' ',
  );
const SUFFIX =
  'ley ton worth field ford by well wood ham more stone bridge combe hurst dale sall cott shaw wick thorpe'.split(
    ' ',
  );
const INFIX = ['', '', '', 'er', 'in', 'an', 'el', 'ow', 'ing', 'ing', 'ers', 'es'];
const STREETS =
  'High Church Station Victoria Green Manor Park Queens Kings Mill School New North South West East London Albert Grange Chapel Springfield Windsor Highfield Alexander Broadway Orchard Meadow Willow Beech Oak Ash Elm Cedar Rowan Hawthorn Holly Lime Poplar Chestnut Sycamore Maple Ivy Heather Bramble Clover Primrose Foxglove Kingfisher Heron Swallow Lark Wren Falcon Curzon Belvoir Charnwood Beacon Bradgate Ashby Loughborough Leicester Derby Nottingham Melton Hinckley Coalville Wigston Oadby Syston Anstey Quorn Barrow Shepshed Kegworth Castle Abbey Priory Cross Bridge Bank Market Wharf'.split(
    ' ',
  );
const TYPES = [
  'Road',
  'Street',
  'Avenue',
  'Close',
  'Lane',
  'Drive',
  'Crescent',
  'Way',
  'Gardens',
  'Place',
  'Court',
  'Grove',
  'Terrace',
  'Walk',
  'Mews',
];
const ABBREVIATE: Record<string, string> = {
  Road: 'Rd',
  Street: 'St',
  Avenue: 'Ave',
  Close: 'Cl',
  Lane: 'Ln',
  Drive: 'Dr',
  Crescent: 'Cres',
  Gardens: 'Gdns',
  Place: 'Pl',
  Court: 'Ct',
  Grove: 'Gr',
  Terrace: 'Tce',
};
const TOWNS: [string, string][] = [
  ['Loughborough', 'LE11'],
  ['Leicester', 'LE1'],
  ['Leicester', 'LE2'],
  ['Leicester', 'LE3'],
  ['Leicester', 'LE4'],
  ['Leicester', 'LE5'],
  ['Hinckley', 'LE10'],
  ['Coalville', 'LE67'],
  ['Melton Mowbray', 'LE13'],
  ['Market Harborough', 'LE16'],
  ['Wigston', 'LE18'],
  ['Shepshed', 'LE12'],
  ['Nottingham', 'NG1'],
  ['Nottingham', 'NG7'],
  ['Beeston', 'NG9'],
  ['Derby', 'DE1'],
  ['Derby', 'DE22'],
  ['Birmingham', 'B15'],
  ['Coventry', 'CV1'],
  ['Lincoln', 'LN2'],
  ['Peterborough', 'PE1'],
  ['Sheffield', 'S10'],
  ['Manchester', 'M14'],
  ['Leeds', 'LS6'],
  ['Bristol', 'BS5'],
  ['Cardiff', 'CF24'],
  ['Swansea', 'SA1'],
  ['Glasgow', 'G12'],
  ['London', 'E17'],
  ['London', 'SW9'],
  ['London', 'N15'],
];
const DOMAINS = [
  'gmail.com',
  'hotmail.co.uk',
  'yahoo.co.uk',
  'outlook.com',
  'btinternet.com',
  'icloud.com',
  'live.co.uk',
];
// Nicknames the generator uses, as a person might give them (the engine's own list is separate data).
const NICK: Record<string, string[]> = {
  Robert: ['Bob', 'Rob', 'Robbie', 'Bobby'],
  William: ['Bill', 'Will', 'Billy', 'Liam'],
  James: ['Jim', 'Jimmy', 'Jamie'],
  John: ['Jack', 'Johnny'],
  Thomas: ['Tom', 'Tommy'],
  Richard: ['Rich', 'Rick', 'Dick'],
  Michael: ['Mike', 'Mick'],
  Christopher: ['Chris', 'Kit'],
  Anthony: ['Tony'],
  Alexander: ['Alex', 'Sandy', 'Alec'],
  Daniel: ['Dan', 'Danny'],
  David: ['Dave', 'Davey'],
  Stephen: ['Steve', 'Stevie'],
  Matthew: ['Matt'],
  Nicholas: ['Nick', 'Nicky'],
  Patrick: ['Pat', 'Paddy'],
  Joseph: ['Joe', 'Joey'],
  Samuel: ['Sam', 'Sammy'],
  Benjamin: ['Ben', 'Benji'],
  Edward: ['Ed', 'Eddie', 'Ted'],
  Henry: ['Harry', 'Hal'],
  Frederick: ['Fred', 'Freddie'],
  Albert: ['Bert', 'Albie'],
  Ronald: ['Ron', 'Ronnie'],
  Kenneth: ['Ken', 'Kenny'],
  Raymond: ['Ray'],
  Terence: ['Terry', 'Tel'],
  Derek: ['Del'],
  Gerald: ['Gerry', 'Ged'],
  Dennis: ['Den'],
  Leonard: ['Len', 'Lenny'],
  Francis: ['Frank'],
  Harold: ['Harry'],
  Stanley: ['Stan'],
  Douglas: ['Doug', 'Dougie'],
  Zachary: ['Zach', 'Zak'],
  Jonathan: ['Jon', 'Jonny'],
  Philip: ['Phil'],
  Andrew: ['Andy', 'Drew'],
  Peter: ['Pete'],
  Oliver: ['Ollie'],
  Mohammed: ['Mohammad', 'Muhammad', 'Mohamed'],
  Elizabeth: ['Liz', 'Beth', 'Lizzie', 'Betty'],
  Margaret: ['Maggie', 'Peggy', 'Meg'],
  Katherine: ['Kate', 'Katie', 'Kathy'],
  Catherine: ['Cathy', 'Kate', 'Cath'],
  Jennifer: ['Jen', 'Jenny'],
  Rebecca: ['Becky', 'Becca'],
  Samantha: ['Sam', 'Sammy'],
  Victoria: ['Vicky', 'Tori'],
  Alexandra: ['Alex', 'Sandra', 'Lexi'],
  Patricia: ['Pat', 'Trish'],
  Susan: ['Sue', 'Susie'],
  Deborah: ['Debbie', 'Debs'],
  Christine: ['Chris', 'Tina'],
  Dorothy: ['Dot', 'Dolly'],
  Jacqueline: ['Jackie'],
  Gillian: ['Gill', 'Jill'],
  Nicola: ['Nicky', 'Nikki'],
  Joanne: ['Jo'],
  Stephanie: ['Steph'],
  Danielle: ['Dani'],
  Abigail: ['Abbie', 'Abi'],
  Frances: ['Fran'],
  Harriet: ['Hattie'],
  Philippa: ['Pippa'],
  Matilda: ['Tilly'],
  Isabella: ['Izzy', 'Bella'],
  Charlotte: ['Lottie', 'Charlie'],
  Florence: ['Flo'],
  Amelia: ['Millie'],
  Emily: ['Em'],
  Valerie: ['Val'],
  Beverley: ['Bev'],
  Pauline: ['Polly'],
  Mary: ['Molly'],
  Sophia: ['Sophie'],
  Evelyn: ['Evie'],
};

export interface GeneratedPerson {
  row: CanonicalRow;
  /** Records with the same cluster are the same person. */
  cluster: string;
}

export interface GenerateOptions {
  people: number;
  /** Share of records that are a further record of an earlier person. */
  duplicateShare: number;
  seed?: number;
}

interface Person {
  first: string;
  middle: string;
  last: string;
  gender: 'M' | 'F';
  dob: [number, number, number];
  house: number;
  flat: number;
  street: string;
  type: string;
  town: string;
  postcode: string;
  phone: string;
  email: string;
  identifier: string;
}

export function* ukPeople(opts: GenerateOptions): Generator<GeneratedPerson> {
  const rnd = mulberry32(opts.seed ?? 1);
  const int = (n: number) => Math.floor(rnd() * n);
  const chance = (p: number) => rnd() < p;
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  // Zipf-like: index k with weight about 1/(k+offset); the offsets give the most common surname
  // about 1.5% of people and the most common first name about 4%, as in England and Wales.
  const zipf = <T>(list: readonly T[], offset: number): T => {
    const n = list.length;
    const h = Math.log(n + offset) - Math.log(offset);
    const k = Math.floor(Math.exp(rnd() * h + Math.log(offset)) - offset);
    return list[Math.min(n - 1, Math.max(0, k))]!;
  };
  // Half of people have a surname outside any short list: invented ones stand in for that tail.
  const invented = () => `${pick(PREFIX)}${pick(INFIX)}${pick(SUFFIX)}`;
  const surname = () => (chance(0.55) ? invented() : zipf(SURNAMES, 10));
  const postcodeFor = (outward: string) =>
    `${outward} ${1 + int(9)}${String.fromCharCode(65 + int(26))}${String.fromCharCode(65 + int(26))}`.replace(
      /[CIKMOV](?=[A-Z]?$)/g,
      'A',
    );
  const newAddress = () => {
    const [town, outward] = pick(TOWNS);
    return {
      house: 1 + int(180),
      flat: chance(0.12) ? 1 + int(12) : 0,
      street: zipf(STREETS, 10),
      type: pick(TYPES),
      town,
      postcode: postcodeFor(outward),
    };
  };
  const mobile = () => `07${700 + int(300)}${String(int(1_000_000)).padStart(6, '0')}`;
  const emails = new Set<string>();
  const uniqueEmail = (local: string) => {
    const domain = pick(DOMAINS);
    let email = `${local}@${domain}`;
    while (emails.has(email)) email = `${local}${int(1000)}@${domain}`;
    emails.add(email);
    return email;
  };
  const landline = () => `01${String(100 + int(900))}${String(int(1_000_000)).padStart(6, '0')}`;
  const niNumber = () =>
    `${String.fromCharCode(65 + int(20))}${String.fromCharCode(65 + int(20))}${String(int(1_000_000)).padStart(6, '0')}${'ABCD'[int(4)]}`;
  const year = new Date().getUTCFullYear();
  const newPerson = (household?: Person): Person => {
    const gender = chance(0.5) ? 'M' : 'F';
    const first = zipf(gender === 'M' ? MALE : FEMALE, 8);
    let last = household && chance(0.85) ? household.last : surname();
    if (!household && chance(0.06)) last = `${last}-${surname()}`;
    const householdAge = household ? year - household.dob[0] : 0;
    // A partner or sibling of about the same age, or a child of someone old enough.
    const age = household
      ? householdAge >= 36 && chance(0.5)
        ? householdAge - 20 - int(15)
        : Math.max(1, householdAge + int(5) - 2)
      : 10 + int(80);
    const dob: [number, number, number] = [year - age, 1 + int(12), 1 + int(28)];
    const address = household
      ? {
          house: household.house,
          flat: household.flat,
          street: household.street,
          type: household.type,
          town: household.town,
          postcode: household.postcode,
        }
      : newAddress();
    return {
      first,
      middle: chance(0.55) ? zipf(gender === 'M' ? MALE : FEMALE, 8) : '',
      last,
      gender,
      dob,
      ...address,
      // Landlines belong to the household; a child's record often carries a parent's mobile.
      phone:
        household && household.phone.startsWith('01') && chance(0.6)
          ? household.phone
          : household && age < 16 && chance(0.3)
            ? household.phone
            : chance(0.7)
              ? mobile()
              : !household && chance(0.3)
                ? landline()
                : '',
      // Unique, as email addresses are: a number is added when the plain form was taken.
      email: chance(0.5)
        ? uniqueEmail(`${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}`)
        : '',
      identifier: chance(0.35) ? niNumber() : '',
    };
  };
  const typo = (s: string): string => {
    if (s.length < 3) return s;
    // Mostly after the first letter, as with most keying slips.
    const i = chance(0.1) ? 0 : 1 + int(s.length - 1);
    switch (int(4)) {
      case 0:
        return s.slice(0, i) + s.slice(i + 1);
      case 1:
        return s.slice(0, i) + 'aeiourstnl'[int(10)] + s.slice(i);
      case 2:
        return s.slice(0, i) + 'aeiourstnl'[int(10)] + s.slice(i + 1);
      default:
        return i < s.length - 1 ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s;
    }
  };
  const iso = ([y, m, d]: [number, number, number]) =>
    `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const clean = (p: Person, id: string): CanonicalRow => ({
    source_id: id,
    first_name: p.first,
    middle_names: p.middle,
    last_name: p.last,
    date_of_birth: iso(p.dob),
    gender: p.gender,
    address_line_1: `${p.house} ${p.street} ${p.type}`,
    address_line_2: p.flat ? `Flat ${p.flat}` : '',
    town: p.town,
    postcode: p.postcode,
    phone: p.phone,
    email: p.email,
    identifier: p.identifier,
  });
  const corrupt = (p: Person, id: string): CanonicalRow => {
    const q: Person = { ...p, dob: [...p.dob] as [number, number, number] };
    const row = clean(q, id);
    // Names.
    const r = rnd();
    if (r < 0.15 && NICK[p.first]) row.first_name = pick(NICK[p.first]!);
    else if (r < 0.23) row.first_name = typo(p.first);
    else if (r < 0.26) row.first_name = `${p.first[0]}.`;
    else if (r < 0.28 && p.middle) [row.first_name, row.middle_names] = [p.middle, ''];
    else if (r < 0.3) row.first_name = '';
    const s = rnd();
    if (s < 0.08) row.last_name = typo(p.last);
    else if (s < 0.11 && p.gender === 'F') row.last_name = surname();
    else if (s < 0.14 && !p.last.includes('-')) row.last_name = `${p.last}-${surname()}`;
    else if (s < 0.16 && p.last.includes('-')) row.last_name = pick(p.last.split('-'));
    if (chance(0.02)) [row.first_name, row.last_name] = [row.last_name, row.first_name];
    if (chance(0.4)) row.middle_names = chance(0.5) && p.middle ? p.middle[0]! : '';
    if (chance(0.15)) {
      row.first_name = row.first_name?.toUpperCase();
      row.last_name = row.last_name?.toUpperCase();
    }
    // Date of birth.
    const [y, m, d] = p.dob;
    const t = rnd();
    if (t < 0.05 && d <= 12 && d !== m) row.date_of_birth = iso([y, d, m]);
    else if (t < 0.09) {
      const digits = iso(p.dob).split('');
      const positions = [2, 3, 5, 6, 8, 9];
      const at = pick(positions);
      digits[at] = String((Number(digits[at]) + 1 + int(8)) % 10);
      row.date_of_birth = digits.join('');
    } else if (t < 0.14) row.date_of_birth = '';
    else if (t < 0.16) row.date_of_birth = String(y);
    else if (t < 0.17) row.date_of_birth = `${y}-01-01`;
    else if (t < 0.21) row.date_of_birth = `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
    // Address: moved, abbreviated, slips, gaps.
    const a = rnd();
    if (a < 0.15) {
      const moved = newAddress();
      row.address_line_1 = `${moved.house} ${moved.street} ${moved.type}`;
      row.address_line_2 = moved.flat ? `Flat ${moved.flat}` : '';
      row.town = moved.town;
      row.postcode = moved.postcode;
      if (chance(0.5)) row.phone = chance(0.5) ? mobile() : '';
    } else {
      if (chance(0.3)) row.address_line_1 = `${p.house} ${p.street} ${ABBREVIATE[p.type] ?? p.type}`;
      if (p.flat && chance(0.3))
        [row.address_line_1, row.address_line_2] = [`${p.flat} / ${row.address_line_1}`, ''];
      if (chance(0.04)) row.postcode = typo(p.postcode.replace(' ', '')).toUpperCase();
      if (chance(0.2)) row.postcode = row.postcode?.replace(' ', '').toLowerCase();
      if (chance(0.06)) row.postcode = '';
      if (chance(0.06)) [row.address_line_1, row.address_line_2] = ['', ''];
    }
    if (row.phone && chance(0.2)) row.phone = `+44 ${row.phone.slice(1, 5)} ${row.phone.slice(5)}`;
    if (chance(0.35)) row.phone = '';
    if (row.email && chance(0.5)) row.email = chance(0.2) ? row.email.toUpperCase() : '';
    if (chance(0.1)) row.gender = '';
    if (row.identifier && chance(0.5)) row.identifier = chance(0.05) ? typo(row.identifier) : '';
    return row;
  };
  const originals: Person[] = [];
  const clusterOf: number[] = [];
  for (let n = 0; n < opts.people; n++) {
    const id = `P${String(n + 1).padStart(7, '0')}`;
    if (originals.length && chance(opts.duplicateShare)) {
      // Mostly recent people, so that clusters grow to two, three or more records.
      const k = chance(0.7)
        ? originals.length - 1 - int(Math.min(originals.length, 50))
        : int(originals.length);
      yield { row: corrupt(originals[k]!, id), cluster: String(clusterOf[k]) };
      continue;
    }
    const household =
      originals.length && chance(0.2)
        ? originals[originals.length - 1 - int(Math.min(originals.length, 20))]
        : undefined;
    const person = newPerson(household);
    originals.push(person);
    clusterOf.push(n);
    yield { row: clean(person, id), cluster: String(n) };
  }
}

export function generateUkPeople(opts: GenerateOptions): GeneratedPerson[] {
  return [...ukPeople(opts)];
}
