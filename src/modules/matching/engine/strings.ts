// String similarity measures used by the comparisons. Written here rather than taken from talisman
// because they run tens of millions of times in a batch: these allocate nothing per call.

const matchedA = new Uint8Array(64);
const matchedB = new Uint8Array(64);

/** Jaro similarity, 0..1 (strings longer than 64 characters fall back to equality). */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length ? 1 : 0;
  const la = a.length;
  const lb = b.length;
  if (!la || !lb) return 0;
  if (la > 64 || lb > 64) return 0;
  const range = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  matchedA.fill(0, 0, la);
  matchedB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(lb - 1, i + range);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (!matchedB[j] && b.charCodeAt(j) === c) {
        matchedA[i] = 1;
        matchedB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (!matches) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (!matchedA[i]) continue;
    while (!matchedB[k]) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  return (m / la + m / lb + (m - transpositions / 2) / m) / 3;
}

const stamp = new Uint32Array(65536);
let stampNow = 0;

/**
 * An upper bound on Jaro–Winkler from the characters the strings share, in linear time: most pairs
 * compared are plainly different, and this lets them skip the full computation.
 */
export function jaroWinklerBound(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  if (!la || !lb) return 0;
  stampNow = (stampNow + 1) >>> 0;
  if (stampNow === 0) {
    stamp.fill(0);
    stampNow = 1;
  }
  for (let i = 0; i < lb; i++) stamp[b.charCodeAt(i)] = stampNow;
  let ma = 0;
  for (let i = 0; i < la; i++) if (stamp[a.charCodeAt(i)] === stampNow) ma++;
  if (!ma) return 0;
  const m = Math.min(ma, lb);
  const j = (m / la + m / lb + 1) / 3;
  if (j <= 0.7) return j;
  let prefix = 0;
  const max = Math.min(4, la, lb);
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

/** Jaro–Winkler, or 0 when it is certainly below `atLeast` (cheaper for the common, dissimilar case). */
export function jaroWinklerAtLeast(a: string, b: string, atLeast: number): number {
  return jaroWinklerBound(a, b) < atLeast ? 0 : jaroWinkler(a, b);
}

/** Jaro–Winkler similarity with the usual prefix scale 0.1 over up to four characters, boosted above 0.7. */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j <= 0.7) return j;
  let prefix = 0;
  const max = Math.min(4, a.length, b.length);
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

let rowPrev = new Int32Array(64);
let rowCur = new Int32Array(64);
let rowPrev2 = new Int32Array(64);

/**
 * Optimal string alignment distance (Damerau–Levenshtein where an adjacent swap counts as one
 * edit), giving up once it exceeds `limit`: returns limit + 1 then.
 */
export function editDistance(a: string, b: string, limit = 2): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > limit) return limit + 1;
  if (!la) return lb;
  if (!lb) return la;
  if (lb + 1 > rowCur.length) {
    rowPrev = new Int32Array(lb + 1);
    rowCur = new Int32Array(lb + 1);
    rowPrev2 = new Int32Array(lb + 1);
  }
  for (let j = 0; j <= lb; j++) rowPrev[j] = j;
  for (let i = 1; i <= la; i++) {
    rowCur[0] = i;
    let best = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let v = Math.min(rowPrev[j]! + 1, rowCur[j - 1]! + 1, rowPrev[j - 1]! + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, rowPrev2[j - 2]! + 1);
      }
      rowCur[j] = v;
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    const t = rowPrev2;
    rowPrev2 = rowPrev;
    rowPrev = rowCur;
    rowCur = t;
  }
  const d = rowPrev[lb]!;
  return d > limit ? limit + 1 : d;
}

function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}

/** Whether a and b differ by at most one insertion, deletion, substitution or swap of adjacent characters. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  const min = la < lb ? la : lb;
  while (i < min && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // Substitution at i, or a swap of i and i+1.
    if (sameFrom(a, i + 1, b, i + 1)) return true;
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      sameFrom(a, i + 2, b, i + 2)
    );
  }
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1);
}
