// Phone numbers, email addresses, identifiers and gender, each reduced to the form in which two
// records of the same person agree.

/** UK numbers in national form: +44 7700 900123, 0044…, 07700 900123 and 7700900123 all become 07700900123. */
export function normalisePhone(value: string | null | undefined): string {
  let digits = (value ?? '').replace(/\D/g, '');
  if (digits.startsWith('0044')) digits = `0${digits.slice(4)}`;
  else if (digits.startsWith('44') && digits.length === 12) digits = `0${digits.slice(2)}`;
  else if (digits.length === 10 && digits.startsWith('7')) digits = `0${digits}`;
  return digits.length >= 6 ? digits : '';
}

/**
 * Lower case; a "+tag" after the local part dropped; Gmail's ignored dots dropped and googlemail.com
 * read as gmail.com.
 */
export function normaliseEmail(value: string | null | undefined): string {
  const email = (value ?? '').trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return email;
  let local = email.slice(0, at);
  let domain = email.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replace(/\./g, '');
  return `${local}@${domain}`;
}

/** Upper case without spaces or punctuation: "AB 12 34 56 C" → "AB123456C", "12/345678A" → "12345678A". */
export function normaliseIdentifier(value: string | null | undefined): string {
  return (value ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The pattern of letters and digits (NI numbers AA999999A, NHS numbers 9999999999), so that only like is compared with like. */
export function identifierShape(id: string): string {
  return id.replace(/[A-Z]/g, 'A').replace(/[0-9]/g, '9');
}

const GENDERS: Record<string, string> = {
  m: 'm',
  male: 'm',
  man: 'm',
  boy: 'm',
  mr: 'm',
  f: 'f',
  female: 'f',
  woman: 'f',
  girl: 'f',
  mrs: 'f',
  ms: 'f',
  miss: 'f',
};

/** 'm', 'f', another recorded gender as written, or '' when unknown. */
export function normaliseGender(value: string | null | undefined): string {
  const g = (value ?? '').trim().toLowerCase();
  if (
    !g ||
    g === 'u' ||
    g === 'unknown' ||
    g === 'not known' ||
    g === 'not stated' ||
    g === 'prefer not to say'
  )
    return '';
  return GENDERS[g] ?? g;
}
