// Narrative is plain text: a blank line starts a new paragraph, a single line break stays a line
// break. Pages, print and PDF lay it out from the same split, and no HTML typed into it ever renders.

/** Paragraphs, each a list of lines; blank paragraphs dropped. */
export function paragraphs(text: string): string[][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map((l) => l.trimEnd()))
    .filter((p) => p.some((l) => l.trim() !== ''));
}
