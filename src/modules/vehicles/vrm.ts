// Vehicle registration marks (VRMs): people type them with spaces, hyphens and in lower case, so
// matching uses a key with none of those, and pages show the familiar spaced form.

/** The matching key: upper case, letters and digits only ("ab12-cde" → "AB12CDE"). */
export function vrmKey(input: string): string {
  return input.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** UK plates are up to 7 characters; foreign and trade plates can be a little longer. */
export function isVrmKey(key: string): boolean {
  return /^[A-Z0-9]{2,10}$/.test(key);
}

/** How a plate is written: current-style marks as "AB12 CDE", others as typed, in capitals. */
export function displayVrm(input: string): string {
  const key = vrmKey(input);
  if (/^[A-Z]{2}\d{2}[A-Z]{3}$/.test(key)) return `${key.slice(0, 4)} ${key.slice(4)}`;
  const typed = input.toUpperCase().replace(/[^A-Z0-9 ]/g, '').replace(/\s+/g, ' ').trim();
  return typed || key;
}
