// Names the police.uk importer gives its series: each crime type exactly as police.uk writes it, and
// one total of every crime type except anti-social behaviour (which police.uk publishes alongside
// crime but is not recorded crime), for the "total crime" indicator.
export const ASB_CRIME_TYPE = 'Anti-social behaviour';
export const ALL_CRIME_SERIES = 'All crime (excluding anti-social behaviour)';
/** The source figures from police.uk are stored under, per force ("Reported by"). */
export function policeUkSource(force: string) {
  return `police.uk: ${force}`;
}

/**
 * The crime types police.uk publishes (data.police.uk/about, "crime categories"). Every import writes
 * a figure, zero included, for each of these in every district and month it loads, whichever of them
 * its files happen to contain, so the figures never depend on which files were imported together.
 */
export const POLICE_UK_CRIME_TYPES = [
  'Anti-social behaviour',
  'Bicycle theft',
  'Burglary',
  'Criminal damage and arson',
  'Drugs',
  'Other crime',
  'Other theft',
  'Possession of weapons',
  'Public order',
  'Robbery',
  'Shoplifting',
  'Theft from the person',
  'Vehicle crime',
  'Violence and sexual offences',
];
