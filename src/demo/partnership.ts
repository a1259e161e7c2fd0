// The demo partnership: shaped like Leicester, Leicestershire and Rutland's community safety
// partnership, with its real areas, ONS codes and Census populations (ONS, Open Government Licence
// v3.0) and real agency names; every person and user in it is invented.
import type { AreaKind, OrganisationKind, Role } from '../platform/db/schema.ts';

export const PARTNERSHIP = {
  name: 'Leicester, Leicestershire and Rutland Community Safety Partnership (demo)',
  shortName: 'LLR CSP',
};

export interface DemoArea {
  code: string;
  name: string;
  kind: AreaKind;
  parent?: string;
  population2011: number;
  population2021: number;
}

// Census 2011 counts and Census 2021 counts rounded to the nearest 100, as ONS publishes them.
export const AREAS: DemoArea[] = [
  { code: 'E10000018', name: 'Leicestershire', kind: 'county', population2011: 650489, population2021: 710300 },
  { code: 'E07000129', name: 'Blaby', kind: 'district', parent: 'E10000018', population2011: 93915, population2021: 102900 },
  { code: 'E07000130', name: 'Charnwood', kind: 'district', parent: 'E10000018', population2011: 166100, population2021: 182000 },
  { code: 'E07000131', name: 'Harborough', kind: 'district', parent: 'E10000018', population2011: 85382, population2021: 97700 },
  { code: 'E07000132', name: 'Hinckley and Bosworth', kind: 'district', parent: 'E10000018', population2011: 105078, population2021: 113600 },
  { code: 'E07000133', name: 'Melton', kind: 'district', parent: 'E10000018', population2011: 50376, population2021: 51800 },
  { code: 'E07000134', name: 'North West Leicestershire', kind: 'district', parent: 'E10000018', population2011: 93468, population2021: 104600 },
  { code: 'E07000135', name: 'Oadby and Wigston', kind: 'district', parent: 'E10000018', population2011: 56170, population2021: 57700 },
  { code: 'E06000016', name: 'Leicester', kind: 'unitary', population2011: 329839, population2021: 367500 },
  { code: 'E06000017', name: 'Rutland', kind: 'unitary', population2011: 37369, population2021: 41200 },
];

const ALL_AREAS = AREAS.filter((a) => a.kind !== 'county').map((a) => a.code);

export interface DemoOrganisation {
  key: string;
  name: string;
  shortName: string;
  kind: OrganisationKind;
  areas: string[];
  teams: string[];
}

export const ORGANISATIONS: DemoOrganisation[] = [
  { key: 'lcc', name: 'Leicestershire County Council', shortName: 'LCC', kind: 'local_authority', areas: AREAS.filter((a) => a.parent).map((a) => a.code), teams: ['Community Safety Team', 'Trading Standards'] },
  { key: 'blaby', name: 'Blaby District Council', shortName: 'Blaby DC', kind: 'local_authority', areas: ['E07000129'], teams: ['Community Services'] },
  { key: 'charnwood', name: 'Charnwood Borough Council', shortName: 'Charnwood BC', kind: 'local_authority', areas: ['E07000130'], teams: ['ASB Team', 'Environmental Health'] },
  { key: 'harborough', name: 'Harborough District Council', shortName: 'Harborough DC', kind: 'local_authority', areas: ['E07000131'], teams: ['Community Safety'] },
  { key: 'hbbc', name: 'Hinckley and Bosworth Borough Council', shortName: 'HBBC', kind: 'local_authority', areas: ['E07000132'], teams: ['Endeavour Team', 'Street Scene'] },
  { key: 'melton', name: 'Melton Borough Council', shortName: 'Melton BC', kind: 'local_authority', areas: ['E07000133'], teams: ['Community Safety'] },
  { key: 'nwl', name: 'North West Leicestershire District Council', shortName: 'NWLDC', kind: 'local_authority', areas: ['E07000134'], teams: ['Community Safety'] },
  { key: 'oadby', name: 'Oadby and Wigston Borough Council', shortName: 'OWBC', kind: 'local_authority', areas: ['E07000135'], teams: ['Community Safety'] },
  { key: 'leicester', name: 'Leicester City Council', shortName: 'LCiC', kind: 'local_authority', areas: ['E06000016'], teams: ['Community Safety Team', 'Noise Team'] },
  { key: 'rutland', name: 'Rutland County Council', shortName: 'RCC', kind: 'local_authority', areas: ['E06000017'], teams: ['Community Safety'] },
  { key: 'police', name: 'Leicestershire Police', shortName: 'Police', kind: 'police', areas: ALL_AREAS, teams: ['Charnwood Neighbourhood Policing Area', 'Hinckley Neighbourhood Policing Area', 'City Neighbourhood Policing Area'] },
  { key: 'fire', name: 'Leicestershire Fire and Rescue Service', shortName: 'LFRS', kind: 'fire_rescue', areas: ALL_AREAS, teams: ['Community Safety Team'] },
  { key: 'opcc', name: 'Office of the Police and Crime Commissioner for Leicester, Leicestershire and Rutland', shortName: 'OPCC', kind: 'opcc', areas: ALL_AREAS, teams: ['Commissioning'] },
  { key: 'probation', name: 'Probation Service – Leicester, Leicestershire and Rutland', shortName: 'Probation', kind: 'probation', areas: ALL_AREAS, teams: ['Offender Management'] },
  { key: 'health', name: 'Leicester, Leicestershire and Rutland Integrated Care Board', shortName: 'LLR ICB', kind: 'health', areas: ALL_AREAS, teams: ['Safeguarding'] },
  { key: 'housingA', name: 'Soar Valley Homes (demo housing association)', shortName: 'Soar Valley Homes', kind: 'housing_provider', areas: ['E07000130', 'E07000129', 'E06000016'], teams: ['Tenancy Enforcement'] },
  { key: 'housingB', name: 'Wreake Vale Housing (demo housing association)', shortName: 'Wreake Vale Housing', kind: 'housing_provider', areas: ['E07000133', 'E06000017', 'E07000131'], teams: ['Neighbourhood Team'] },
  { key: 'victims', name: 'Victim First', shortName: 'Victim First', kind: 'victim_service', areas: ALL_AREAS, teams: ['ASB Victim Support'] },
];

export interface DemoUser {
  email: string;
  name: string;
  jobTitle: string;
  org: string;
  team?: string;
  roles: Role[];
}

export const USERS: DemoUser[] = [
  { email: 'admin@endeavour.demo', name: 'Priya Kaur', jobTitle: 'Partnership systems administrator', org: 'lcc', team: 'Community Safety Team', roles: ['partnership_admin'] },
  { email: 'coordinator@endeavour.demo', name: 'Tom Hargreaves', jobTitle: 'Endeavour coordinator', org: 'hbbc', team: 'Endeavour Team', roles: ['coordinator', 'case_officer'] },
  { email: 'officer@endeavour.demo', name: 'Amira Patel', jobTitle: 'ASB officer', org: 'charnwood', team: 'ASB Team', roles: ['case_officer'] },
  { email: 'manager@endeavour.demo', name: 'Sarah Whitfield', jobTitle: 'Community safety manager', org: 'charnwood', team: 'ASB Team', roles: ['manager', 'case_officer'] },
  { email: 'endeavour-manager@endeavour.demo', name: 'Joanne Ridgeway', jobTitle: 'Community safety manager (second-line manager of the Endeavour team)', org: 'hbbc', team: 'Endeavour Team', roles: ['manager'] },
  { email: 'police@endeavour.demo', name: 'Daniel Frost', jobTitle: 'Police constable, neighbourhood team', org: 'police', team: 'Charnwood Neighbourhood Policing Area', roles: ['case_officer'] },
  { email: 'analyst@endeavour.demo', name: 'Kwame Mensah', jobTitle: 'Community safety analyst', org: 'lcc', team: 'Community Safety Team', roles: ['analyst'] },
  { email: 'fire@endeavour.demo', name: 'Gemma Rowe', jobTitle: 'Community safety advocate', org: 'fire', team: 'Community Safety Team', roles: ['partner_user'] },
  { email: 'fire-station-manager@endeavour.demo', name: 'Callum Lorimer', jobTitle: 'Station manager, community risk', org: 'fire', team: 'Community Safety Team', roles: ['manager', 'partner_user'] },
  { email: 'housing@endeavour.demo', name: 'Chidi Okafor', jobTitle: 'Tenancy enforcement officer', org: 'housingA', team: 'Tenancy Enforcement', roles: ['partner_user'] },
  { email: 'victims@endeavour.demo', name: 'Helen Bennett', jobTitle: 'ASB victim caseworker', org: 'victims', team: 'ASB Victim Support', roles: ['partner_user'] },
  { email: 'board@endeavour.demo', name: 'Marcus Lawson', jobTitle: 'Board member', org: 'opcc', team: 'Commissioning', roles: ['read_only'] },
];

// Invented names for generated people: common in the East Midlands, none taken from the seeds.
export const FIRST_NAMES = ['Oliver', 'Amelia', 'Jack', 'Isla', 'Harry', 'Ava', 'George', 'Mia', 'Noah', 'Ivy', 'Leo', 'Grace', 'Arjun', 'Aisha', 'Mohammed', 'Fatima', 'Ravi', 'Sunita', 'Kacper', 'Zofia', 'Liam', 'Chloe', 'Ethan', 'Ruby', 'Daniel', 'Sophie', 'Jayden', 'Leah', 'Callum', 'Megan', 'Imran', 'Hannah', 'Connor', 'Jasmine', 'Reece', 'Kelly', 'Dean', 'Tracey', 'Wayne', 'Janet'];
export const LAST_NAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Johnson', 'Walker', 'Wright', 'Robinson', 'Thompson', 'Mistry', 'Chauhan', 'Parmar', 'Khan', 'Hussain', 'Begum', 'Kowalski', 'Nowak', 'Clarke', 'Hall', 'Green', 'Wood', 'Harris', 'Cooper', 'King', 'Baker', 'Turner', 'Hill', 'Ward', 'Morris', 'Lodge', 'Farrow', 'Pickering', 'Gill', 'Sandhu', 'Odhiambo', 'Przybylski', 'Heggs', 'Tebbutt', 'Ashby'];
