// talisman ships CommonJS without type declarations; these cover the parts Endeavour uses.
declare module 'talisman/phonetics/double-metaphone.js' {
  /** [primary, secondary] codes, each at most four characters. */
  export default function doubleMetaphone(word: string): [string, string];
}

declare module 'talisman/metrics/jaro-winkler.js' {
  /** Similarity from 0 (nothing in common) to 1 (identical). */
  export default function jaroWinkler(a: string, b: string): number;
}
