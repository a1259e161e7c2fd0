// Nicknames, diminutives and other forms of the same given name, from data/nicknames.csv (one row
// per name and the full name it is a form of). Two first names are "the same name" when they share
// a full name: Bob and Robbie (Robert), Ted and Ned (Edward), Sandy and Alex (Alexander).
import fs from 'node:fs';
import { squash } from './text.ts';

export type FormKind = 'short' | 'spelling';

interface Form {
  canonical: string;
  kind: FormKind;
}

export interface NicknameTable {
  /** Full names a name is a form of (itself included when it is a full name). */
  canonicals(name: string): readonly string[];
  /** How `name` relates to `canonical`, or undefined when it is not listed as a form of it. */
  kind(name: string, canonical: string): FormKind | undefined;
}

export function parseNicknames(csv: string): NicknameTable {
  const forms = new Map<string, Form[]>();
  const fullNames = new Set<string>();
  const lines = csv.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const [rawName, rawCanonical, rawKind] = line.split(',');
    const name = squash(rawName);
    const canonical = squash(rawCanonical);
    if (!name || !canonical || name === canonical) continue;
    const kind: FormKind = rawKind?.trim() === 'spelling' ? 'spelling' : 'short';
    fullNames.add(canonical);
    const list = forms.get(name) ?? [];
    if (!list.some((f) => f.canonical === canonical)) list.push({ canonical, kind });
    forms.set(name, list);
  }
  const cache = new Map<string, readonly string[]>();
  return {
    canonicals(name) {
      let hit = cache.get(name);
      if (hit) return hit;
      const list = (forms.get(name) ?? []).map((f) => f.canonical);
      if (fullNames.has(name)) list.unshift(name);
      hit = Object.freeze(list);
      cache.set(name, hit);
      return hit;
    },
    kind(name, canonical) {
      return forms.get(name)?.find((f) => f.canonical === canonical)?.kind;
    },
  };
}

export const NICKNAMES: NicknameTable = parseNicknames(
  fs.readFileSync(new URL('../data/nicknames.csv', import.meta.url), 'utf8'),
);
