/** Pure helpers of the map's draw mode (kept apart from MapLibre so they are unit-tested). */
import type { Feature, FeatureCollection, Point, Polygon } from "geojson";

export type LngLat = readonly [number, number];

/** Drop consecutive vertices closer than `epsilon` degrees (a double-click adds the same point twice). */
export function dedupeVertices(vertices: readonly LngLat[], epsilon = 1e-9): LngLat[] {
  const out: LngLat[] = [];
  for (const v of vertices) {
    const last = out[out.length - 1];
    if (!last || Math.abs(last[0] - v[0]) > epsilon || Math.abs(last[1] - v[1]) > epsilon) out.push(v);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first && last && Math.abs(first[0] - last[0]) <= epsilon && Math.abs(first[1] - last[1]) <= epsilon) out.pop();
  return out;
}

/** A closed GeoJSON polygon ring from the drawn vertices, or an error message. */
export function polygonFrom(vertices: readonly LngLat[]): { geometry: Polygon } | { error: string } {
  const ring = dedupeVertices(vertices);
  if (ring.length < 3) return { error: "A region needs at least three distinct corners." };
  // Twice the signed area; zero means all corners are on one line.
  let area = 0;
  ring.forEach((p, i) => {
    const q = ring[(i + 1) % ring.length]!;
    area += p[0] * q[1] - q[0] * p[1];
  });
  if (selfIntersects(ring)) return { error: "The outline of a region must not cross itself." };
  if (Math.abs(area) < 1e-12) return { error: "The corners of a region must not all lie on one line." };
  const coordinates = [...ring, ring[0]!].map((p) => [round(p[0]), round(p[1])]);
  return { geometry: { type: "Polygon", coordinates: [coordinates] } };
}

export function pointFrom(v: LngLat): Point {
  return { type: "Point", coordinates: [round(v[0]), round(v[1])] };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

function segmentsCross(a: LngLat, b: LngLat, c: LngLat, d: LngLat): boolean {
  const orient = (p: LngLat, q: LngLat, r: LngLat) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return orient(a, b, c) * orient(a, b, d) < 0 && orient(c, d, a) * orient(c, d, b) < 0;
}

export function selfIntersects(ring: readonly LngLat[]): boolean {
  const n = ring.length;
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      if (Math.abs(i - j) <= 1 || (i === 0 && j === n - 1)) continue; // neighbours share a corner
      if (segmentsCross(ring[i]!, ring[(i + 1) % n]!, ring[j]!, ring[(j + 1) % n]!)) return true;
    }
  }
  return false;
}

/** What the draft layer shows while drawing: the outline so far and the corners. */
export function draftCollection(vertices: readonly LngLat[], closed: boolean): FeatureCollection {
  const features: Feature[] = vertices.map((v) => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [...v] } }));
  if (vertices.length >= 2) {
    const line = [...vertices, ...(closed && vertices.length >= 3 ? [vertices[0]!] : [])].map((v) => [...v]);
    features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: line } });
  }
  return { type: "FeatureCollection", features };
}

/** [west, south, east, north] around every coordinate of a collection, or null when empty. */
export function boundsOf(collection: FeatureCollection): [number, number, number, number] | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number" && typeof c[1] === "number") {
      west = Math.min(west, c[0]);
      east = Math.max(east, c[0]);
      south = Math.min(south, c[1]);
      north = Math.max(north, c[1]);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of collection.features) {
    if (f.geometry && "coordinates" in f.geometry) visit(f.geometry.coordinates);
  }
  return Number.isFinite(west) ? [west, south, east, north] : null;
}

/** A world's `mapBounds` ([west, south, east, north] in degrees) if it is one, else null. */
export function worldBounds(value: unknown): [number, number, number, number] | null {
  if (!Array.isArray(value) || value.length !== 4 || !value.every((n) => typeof n === "number" && Number.isFinite(n))) return null;
  const [west, south, east, north] = value as [number, number, number, number];
  return west < east && south < north && south >= -90 && north <= 90 ? [west, south, east, north] : null;
}

/** The corners of an image source (top left, top right, bottom right, bottom left) for bounds. */
export function imageCorners([west, south, east, north]: readonly [number, number, number, number]): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [west, north],
    [east, north],
    [east, south],
    [west, south],
  ];
}
