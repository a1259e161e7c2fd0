// How a figure is judged, in words: the direction of travel (is it better or worse than a year
// before, given whether up is good for this indicator) and a red, amber or green rating against the
// indicator's target or band, or, where it has neither, against its direction of travel. Every
// judgement carries text, so nothing depends on seeing its colour.

export type Polarity = 'up_is_good' | 'down_is_good' | 'neutral';

export interface Judged {
  polarity: Polarity;
  target: number | null;
  band: { low: number; high: number } | null;
}

/** A change smaller than this share of the earlier figure is "stable": the seeds' "levelling". */
export const STABLE_CHANGE = 0.025;
/** How far outside a target or band still counts as amber rather than red, as a share of it. */
export const AMBER_MARGIN = 0.1;

export type DirectionCode = 'improving' | 'worsening' | 'stable' | 'up' | 'down' | 'none';

export interface Direction {
  code: DirectionCode;
  /** "Improving", "Worsening", "Stable", "Up", "Down", "No comparison". */
  text: string;
  /** The change in words, for example "down 6.5% from 7.40". Empty when there is no comparison. */
  change: string;
  /** A decorative arrow; the text says the same. */
  arrow: '↑' | '↓' | '→' | '';
  /** GOV.UK tag colour class. */
  tag: string;
}

export type RagCode = 'green' | 'amber' | 'red' | 'none';

export interface Rag {
  code: RagCode;
  /** "Green", "Amber", "Red", "Not rated". */
  text: string;
  /** Why, in a few words: "within the 28 to 40 band", "above the target of 90". */
  reason: string;
  tag: string;
}

const DIRECTION_WORDS: Record<DirectionCode, { text: string; tag: string }> = {
  improving: { text: 'Improving', tag: 'govuk-tag--green' },
  worsening: { text: 'Worsening', tag: 'govuk-tag--red' },
  stable: { text: 'Stable', tag: 'govuk-tag--grey' },
  up: { text: 'Up', tag: 'govuk-tag--blue' },
  down: { text: 'Down', tag: 'govuk-tag--blue' },
  none: { text: 'No comparison', tag: 'govuk-tag--grey' },
};

const RAG_WORDS: Record<RagCode, { text: string; tag: string }> = {
  green: { text: 'Green', tag: 'govuk-tag--green' },
  amber: { text: 'Amber', tag: 'govuk-tag--yellow' },
  red: { text: 'Red', tag: 'govuk-tag--red' },
  none: { text: 'Not rated', tag: 'govuk-tag--grey' },
};

type Format = (v: number) => string;
const plain: Format = (v) => v.toLocaleString('en-GB', { maximumFractionDigits: 2 });

export function direction(indicator: Judged, current: number | null, previous: number | null, format: Format = plain): Direction {
  const make = (code: DirectionCode, change: string, arrow: Direction['arrow']): Direction => ({ code, change, arrow, ...DIRECTION_WORDS[code] });
  if (current === null || previous === null) return make('none', '', '');
  if (current === previous) return make('stable', `no change from ${format(previous)}`, '→');
  const rising = current > previous;
  const relative = previous === 0 ? Infinity : Math.abs(current - previous) / Math.abs(previous);
  const percent = Number.isFinite(relative) ? `${(relative * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })}% ` : '';
  const change = `${rising ? 'up' : 'down'} ${percent}from ${format(previous)}`;
  const arrow = rising ? '↑' : '↓';
  if (relative < STABLE_CHANGE) return make('stable', change, '→');
  if (indicator.polarity === 'neutral') return make(rising ? 'up' : 'down', change, arrow);
  const better = (indicator.polarity === 'up_is_good') === rising;
  return make(better ? 'improving' : 'worsening', change, arrow);
}

export function rag(indicator: Judged, value: number | null, travel: Direction, format: Format = plain): Rag {
  const make = (code: RagCode, reason: string): Rag => ({ code, reason, ...RAG_WORDS[code] });
  if (value === null) return make('none', 'no figure for the period');
  if (indicator.band) {
    const { low, high } = indicator.band;
    const bandText = `the ${format(low)} to ${format(high)} band`;
    if (value >= low && value <= high) return make('green', `within ${bandText}`);
    const margin = Math.max(Math.abs(high - low), Math.abs(value < low ? low : high)) * AMBER_MARGIN;
    const outside = value < low ? low - value : value - high;
    return make(outside <= margin ? 'amber' : 'red', `${value < low ? 'below' : 'above'} ${bandText}`);
  }
  if (indicator.target !== null) {
    const target = indicator.target;
    const targetText = `the target of ${format(target)}`;
    if (indicator.polarity === 'neutral') {
      const off = Math.abs(value - target);
      const margin = Math.abs(target) * AMBER_MARGIN;
      if (off <= margin / 2) return make('green', `close to ${targetText}`);
      return make(off <= margin ? 'amber' : 'red', `${value < target ? 'below' : 'above'} ${targetText}`);
    }
    const upIsGood = indicator.polarity === 'up_is_good';
    const met = upIsGood ? value >= target : value <= target;
    if (met) return make('green', `${value === target ? 'meets' : upIsGood ? 'above' : 'below'} ${targetText}`);
    const shortfall = Math.abs(value - target);
    return make(shortfall <= Math.abs(target) * AMBER_MARGIN ? 'amber' : 'red', `${upIsGood ? 'below' : 'above'} ${targetText}`);
  }
  // Without a target or band, a neutral indicator has nothing to be judged against.
  if (indicator.polarity === 'neutral') return make('none', 'neither up nor down is better');
  switch (travel.code) {
    case 'improving':
      return make('green', 'improving on a year before');
    case 'stable':
      return make('amber', 'about the same as a year before');
    case 'worsening':
      return make('red', 'worse than a year before');
    default:
      return make('none', 'no figure a year before to compare with');
  }
}

/** An outcome's overall rating: its lowest-rated indicator, so a red is never averaged away. */
export function overallRag(ratings: Rag[]): Rag {
  const order: RagCode[] = ['red', 'amber', 'green'];
  for (const code of order) {
    const n = ratings.filter((r) => r.code === code).length;
    if (n) return { code, ...RAG_WORDS[code], reason: `${n} of ${ratings.length} indicator${ratings.length === 1 ? '' : 's'} ${RAG_WORDS[code].text.toLowerCase()}` };
  }
  return { code: 'none', ...RAG_WORDS.none, reason: 'no indicator rated' };
}
