// The normalised keys the candidate search (migrations/0009) indexes, computed the same way in the
// app: the database folds stored names with match_fold(), the app folds what the officer typed with
// fold(), and the two must agree or a person would be missed. keys.test.ts checks them side by side.

const SPECIAL: [string, string][] = [
  ['ß', 'ss'],
  ['æ', 'ae'],
  ['Æ', 'ae'],
  ['œ', 'oe'],
  ['Œ', 'oe'],
  ['ð', 'd'],
  ['Ð', 'd'],
  ['þ', 'th'],
  ['Þ', 'th'],
];
const FROM =
  'àÀáÁâÂãÃäÄåÅāĀăĂąĄǎǍçÇćĆĉĈċĊčČďĎđĐèÈéÉêÊëËēĒĕĔėĖęĘěĚĝĜğĞġĠģĢĥĤħĦìÌíÍîÎïÏĩĨīĪĭĬįĮıĵĴķĶĺĹļĻľĽŀĿłŁñÑńŃņŅňŇòÒóÓôÔõÕöÖøØōŌŏŎőŐǒǑŕŔŗŖřŘśŚŝŜşŞšŠșȘţŢťŤŧŦțȚùÙúÚûÛüÜũŨūŪŭŬůŮűŰųŲǔǓŵŴýÝÿŸŷŶźŹżŻžŽİ';
const TO =
  'aaaaaaaaaaaaaaaaaaaaccccccccccddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiijjkkllllllllllnnnnnnnnoooooooooooooooooooorrrrrrssssssssssttttttttuuuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzzi';
const MAP = new Map([...FROM].map((c, i) => [c, TO[i]!]));

/** match_fold(): accents removed, lower case, letters a–z only; null when nothing is left. */
export function fold(text: string | null | undefined): string | null {
  if (!text) return null;
  let s = text;
  for (const [from, to] of SPECIAL) s = s.split(from).join(to);
  s = [...s].map((c) => MAP.get(c) ?? c).join('');
  // PostgreSQL's lower() under the C collation changes only A–Z; anything else not a–z is dropped below.
  s = s.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/[^a-z]/g, '');
  return s || null;
}

/** match_name_parts(): each part of a double-barrelled or hyphenated name, folded. */
export function nameParts(text: string | null | undefined): string[] {
  if (!text) return [];
  return text
    .split(/[\s-]+/)
    .map(fold)
    .filter((p): p is string => !!p);
}

/** match_phone(): digits with the national 0, or null when too short to mean anything. */
export function phoneKey(text: string | null | undefined): string | null {
  const d = (text ?? '').replace(/[^0-9]/g, '');
  if (d.length < 6) return null;
  if (d.startsWith('0044')) return `0${d.slice(4)}`;
  if (d.startsWith('44') && d.length >= 12) return `0${d.slice(2)}`;
  return d;
}

export function emailKey(text: string | null | undefined): string | null {
  const t = (text ?? '').trim().toLowerCase();
  return t.includes('@') ? t : null;
}
