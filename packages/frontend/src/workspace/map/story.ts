/**
 * Pure helpers for what the map shows besides locations: events and encounters pinned to their place,
 * whether each is "available now", and which region a new settlement falls in.
 */
import type { Feature, FeatureCollection, Geometry, Position } from "geojson";
import type { LngLat } from "./draw.ts";

export type StoryKind = "EVENT" | "ENCOUNTER";

export interface StoryItem {
  readonly id: string;
  readonly kind: StoryKind;
  readonly name: string | null;
  readonly status: string | null;
  readonly locationId: string | null;
}

export interface FieldValue {
  readonly field: string;
  readonly value?: unknown;
}

/** Statuses after which an event or encounter can no longer happen. */
const FINISHED: Readonly<Record<StoryKind, readonly string[]>> = {
  EVENT: ["COMPLETED", "EXPIRED", "CANCELLED"],
  ENCOUNTER: ["RESOLVED", "EXPIRED"],
};

/** JSON Logic truthiness (what the rules engine uses): false, null, 0, "" and [] are false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/**
 * Available now: not finished, and its `available` field (decided by its conditions; true without one)
 * is truthy. `null` while the conditions are not known (still loading, or could not be evaluated).
 */
export function availability(item: StoryItem, fields: readonly FieldValue[] | undefined): boolean | null {
  if (item.status && FINISHED[item.kind].includes(item.status)) return false;
  if (!fields) return null;
  const available = fields.find((f) => f.field === "available");
  return available ? truthy(available.value) : true;
}

/** One query with an aliased `evaluateConditions` per item (the API allows at most 30 aliases). */
export const AVAILABILITY_CHUNK = 25;

export function availabilityQuery(items: readonly Pick<StoryItem, "id" | "kind">[]): string {
  const fields = items.map(
    (item, i) =>
      `  a${i}: evaluateConditions(type: ${item.kind}, id: ${JSON.stringify(item.id)}, branchId: $branchId, asOf: $asOf) { field value }`,
  );
  return `query MapAvailability($branchId: ID, $asOf: WorldTime) {\n${fields.join("\n")}\n}`;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Where to pin something that happens at a location: the point, or the middle of a region's outline. */
export function anchorOf(geometry: Geometry | null | undefined): LngLat | null {
  if (!geometry) return null;
  if (geometry.type === "Point") return [geometry.coordinates[0]!, geometry.coordinates[1]!];
  const ring: Position[] | undefined =
    geometry.type === "Polygon" ? geometry.coordinates[0] : geometry.type === "MultiPolygon" ? geometry.coordinates[0]?.[0] : undefined;
  if (!ring?.length) return null;
  const corners = ring.length > 1 ? ring.slice(0, -1) : ring; // the closing corner repeats the first
  const sum = corners.reduce<[number, number]>((acc, p) => [acc[0] + p[0]!, acc[1] + p[1]!], [0, 0]);
  return [sum[0] / corners.length, sum[1] / corners.length];
}

/** Events and encounters as points at their location, with `available` (true/false/null) as a property. */
export function storyCollection(
  items: readonly StoryItem[],
  locations: FeatureCollection,
  available: ReadonlyMap<string, boolean | null>,
  onlyAvailable: boolean,
): FeatureCollection {
  const geometryById = new Map<string, Geometry>();
  for (const f of locations.features) {
    const id = (f.properties as { id?: string } | null)?.id;
    if (id) geometryById.set(id, f.geometry);
  }
  const features: Feature[] = [];
  for (const item of items) {
    const at = item.locationId ? anchorOf(geometryById.get(item.locationId)) : null;
    const isAvailable = available.get(item.id) ?? null;
    if (!at || (onlyAvailable && isAvailable === false)) continue;
    features.push({
      type: "Feature",
      properties: { id: item.id, entityType: item.kind, name: item.name ?? "", available: isAvailable },
      geometry: { type: "Point", coordinates: [...at] },
    });
  }
  return { type: "FeatureCollection", features };
}

/** Ray casting: is the point inside the ring (a closed or open list of corners)? */
export function insideRing(point: LngLat, ring: readonly Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = [ring[i]![0]!, ring[i]![1]!];
    const [xj, yj] = [ring[j]![0]!, ring[j]![1]!];
    if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function insidePolygon(point: LngLat, rings: readonly (readonly Position[])[]): boolean {
  const [outer, ...holes] = rings;
  return !!outer && insideRing(point, outer) && !holes.some((hole) => insideRing(point, hole));
}

/** The smallest region of the map that contains the point (a settlement's region), or null. */
export function regionAt(collection: FeatureCollection, point: LngLat): { id: string; name: string | null } | null {
  let best: { id: string; name: string | null; area: number } | null = null;
  for (const f of collection.features) {
    const props = f.properties as { id?: string; name?: string | null } | null;
    const g = f.geometry;
    if (!props?.id || !g) continue;
    const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    const hit = polygons.find((rings) => insidePolygon(point, rings));
    if (!hit) continue;
    const area = Math.abs(ringArea(hit[0]!));
    if (!best || area < best.area) best = { id: props.id, name: props.name ?? null, area };
  }
  return best && { id: best.id, name: best.name };
}

function ringArea(ring: readonly Position[]): number {
  let twice = 0;
  ring.forEach((p, i) => {
    const q = ring[(i + 1) % ring.length]!;
    twice += p[0]! * q[1]! - q[0]! * p[1]!;
  });
  return twice / 2;
}
