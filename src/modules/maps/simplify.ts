// Boundary generalisation for the map's reference layers: Douglas–Peucker simplification of each
// ring, then coordinates rounded to a fixed number of decimal places, so that reference layers stay
// small enough to ship and to send to a browser. Rings never lose so many points that they stop
// being polygons.
import type { MultiPolygon, Polygon, Position } from 'geojson';

function perpendicularDistance(p: Position, a: Position, b: Position): number {
  const [x, y] = p as [number, number];
  const [x1, y1] = a as [number, number];
  const [x2, y2] = b as [number, number];
  const dx = x2 - x1;
  const dy = y2 - y1;
  if (dx === 0 && dy === 0) return Math.hypot(x - x1, y - y1);
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

/** Douglas–Peucker on an open polyline, iteratively (long rings would overflow recursion). */
export function simplifyLine(points: Position[], tolerance: number): Position[] {
  if (points.length <= 2) return points.slice();
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop()!;
    let maxDistance = 0;
    let index = -1;
    for (let i = first + 1; i < last; i++) {
      const d = perpendicularDistance(points[i]!, points[first]!, points[last]!);
      if (d > maxDistance) {
        maxDistance = d;
        index = i;
      }
    }
    if (index !== -1 && maxDistance > tolerance) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  return points.filter((_, i) => keep[i] === 1);
}

const round = (v: number, places: number) => Number(v.toFixed(places));

/** A closed ring simplified, rounded and still closed with at least four positions. */
export function simplifyRing(ring: Position[], tolerance: number, places: number): Position[] {
  let simplified = simplifyLine(ring, tolerance);
  if (simplified.length < 4) simplified = ring.length >= 4 ? [ring[0]!, ring[Math.floor(ring.length / 3)]!, ring[Math.floor((2 * ring.length) / 3)]!, ring[0]!] : ring;
  const out: Position[] = [];
  for (const p of simplified) {
    const q: Position = [round(p[0]!, places), round(p[1]!, places)];
    const prev = out[out.length - 1];
    if (!prev || prev[0] !== q[0] || prev[1] !== q[1]) out.push(q);
  }
  const first = out[0]!;
  const last = out[out.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) out.push([first[0]!, first[1]!]);
  return out;
}

export function simplifyGeometry(g: Polygon | MultiPolygon, tolerance: number, places: number): Polygon | MultiPolygon {
  const polygon = (rings: Position[][]) => rings.map((r) => simplifyRing(r, tolerance, places)).filter((r) => r.length >= 4);
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: polygon(g.coordinates) };
  return { type: 'MultiPolygon', coordinates: g.coordinates.map(polygon).filter((p) => p.length > 0) };
}
