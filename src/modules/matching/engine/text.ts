// Text folding shared by every comparison: case, accents and punctuation must never decide a match.

// Letters that Unicode decomposition leaves alone but people type without their mark.
const SPECIAL: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ŀ: 'l',
};
const SPECIAL_RE = /[ßæœøłđðþıŀ]/g;

/** Lower case, accents removed ("unaccent"), anything but letters and digits turned into single spaces. */
export function fold(value: string | null | undefined): string {
  if (!value) return '';
  let s = value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  if (SPECIAL_RE.test(s)) s = s.replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c);
  // Apostrophes join (O'Brien → obrien); other punctuation separates.
  return s
    .replace(/['’`‘]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Folded words of a value. */
export function words(value: string | null | undefined): string[] {
  const f = fold(value);
  return f ? f.split(' ') : [];
}

/** Folded with no separators at all: "Smith-Jones" and "smith jones" both become "smithjones". */
export function squash(value: string | null | undefined): string {
  return fold(value).replace(/ /g, '');
}
