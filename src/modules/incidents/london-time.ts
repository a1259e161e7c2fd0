// Officers type dates and times as the clock on the wall in England shows them (GMT or BST);
// the database stores instants. These convert between the two without a time-zone library.
const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export interface LondonTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function londonParts(at: Date): LondonTime {
  const p: Record<string, number> = {};
  for (const x of parts.formatToParts(at)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour! % 24, minute: p.minute! };
}

/** Minutes London is ahead of UTC at an instant: 0 in winter, 60 in summer. */
function offsetMinutes(at: Date): number {
  const l = londonParts(at);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute);
  return Math.round((asUtc - Math.floor(at.getTime() / 60000) * 60000) / 60000);
}

/** The instant at which London's clocks showed this date (YYYY-MM-DD) and time (HH:MM). */
export function fromLondon(isoDate: string, time: string): Date {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, h, mi);
  // Two passes settle the offset either side of a clock change.
  let t = wall - offsetMinutes(new Date(wall)) * 60000;
  t = wall - offsetMinutes(new Date(t)) * 60000;
  return new Date(t);
}

export function londonDate(at: Date): string {
  const l = londonParts(at);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

export function londonTime(at: Date): string {
  const l = londonParts(at);
  return `${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
}

/**
 * A time as people type it: 14:30, 1430, 14.30, 2.30pm, 2pm. Returns HH:MM, or null when it is not
 * a real time of day.
 */
export function parseTime(input: string): string | null {
  const m = /^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/i.exec(input.trim());
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const meridiem = m[3]?.toLowerCase().replace(/\./g, '');
  if (minute > 59) return null;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}
