// The density layer: incidents counted in H3 hexagons (Uber's hierarchical hexagonal grid, h3-js),
// on the server, so the browser receives counts per hexagon and never more points than it shows.
// Each hexagon comes with its outline, so the map needs no H3 library of its own.
import { cellToBoundary, cellToLatLng, getHexagonAreaAvg, latLngToCell, UNITS } from 'h3-js';

export interface WeightedPoint {
  lat: number;
  lng: number;
  n: number;
}

export interface Hexagon {
  cell: string;
  count: number;
  /** Outline as [lat, lng] pairs, and the centre, for drawing and for the table. */
  boundary: [number, number][];
  centre: [number, number];
}

/** Two resolutions: about 5 km² hexagons for a whole partnership, about 0.7 km² when zoomed in. */
export const RESOLUTIONS = [7, 8] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const hexagonAreaKm2 = (res: Resolution) => getHexagonAreaAvg(res, UNITS.km2);

const round = (v: number) => Math.round(v * 1e5) / 1e5;

export function hexagons(points: WeightedPoint[], res: Resolution): Hexagon[] {
  const counts = new Map<string, number>();
  for (const p of points) {
    if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng)) continue;
    const cell = latLngToCell(p.lat, p.lng, res);
    counts.set(cell, (counts.get(cell) ?? 0) + p.n);
  }
  return [...counts]
    .map(([cell, count]) => {
      const [lat, lng] = cellToLatLng(cell);
      return { cell, count, boundary: cellToBoundary(cell).map(([a, b]) => [round(a), round(b)] as [number, number]), centre: [round(lat), round(lng)] as [number, number] };
    })
    .sort((a, b) => b.count - a.count || a.cell.localeCompare(b.cell));
}
