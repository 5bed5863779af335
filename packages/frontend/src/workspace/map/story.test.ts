import type { FeatureCollection } from "geojson";
import { describe, expect, it } from "vitest";
import { anchorOf, availability, availabilityQuery, chunks, regionAt, type StoryItem, storyCollection, truthy } from "./story.ts";

const square = (id: string, name: string, [w, s, e, n]: [number, number, number, number]) => ({
  type: "Feature" as const,
  properties: { id, name, kind: "REGION" },
  geometry: { type: "Polygon" as const, coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] },
});

const LOCATIONS: FeatureCollection = {
  type: "FeatureCollection",
  features: [
    square("vale", "The Vale", [0, 0, 10, 10]),
    square("grove", "Old Grove", [2, 2, 4, 4]),
    { type: "Feature", properties: { id: "port", name: "Port", kind: "POINT" }, geometry: { type: "Point", coordinates: [20, 5] } },
  ],
};

const item = (over: Partial<StoryItem>): StoryItem => ({ id: "e1", kind: "EVENT", name: "Fair", status: "PLANNED", locationId: "port", ...over });

describe("availability", () => {
  it("follows the available field and JSON Logic truthiness", () => {
    expect(availability(item({}), [{ field: "available", value: true }])).toBe(true);
    expect(availability(item({}), [{ field: "available", value: false }])).toBe(false);
    expect(availability(item({}), [{ field: "available", value: 0 }])).toBe(false);
    expect(availability(item({}), [{ field: "visible", value: false }])).toBe(true); // no available field: the default
    expect(truthy([])).toBe(false);
    expect(truthy("yes")).toBe(true);
  });

  it("is unknown until evaluated, and false once finished whatever the conditions say", () => {
    expect(availability(item({}), undefined)).toBeNull();
    expect(availability(item({ status: "COMPLETED" }), [{ field: "available", value: true }])).toBe(false);
    expect(availability(item({ kind: "ENCOUNTER", status: "RESOLVED" }), undefined)).toBe(false);
    expect(availability(item({ kind: "ENCOUNTER", status: "PENDING" }), [])).toBe(true);
  });

  it("asks for many entities in one aliased query, in chunks", () => {
    const q = availabilityQuery([item({}), item({ id: "x2", kind: "ENCOUNTER" })]);
    expect(q).toContain('a0: evaluateConditions(type: EVENT, id: "e1", branchId: $branchId, asOf: $asOf) { field value }');
    expect(q).toContain('a1: evaluateConditions(type: ENCOUNTER, id: "x2"');
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe("story on the map", () => {
  it("pins events to a point or the middle of a region", () => {
    expect(anchorOf({ type: "Point", coordinates: [3, 4] })).toEqual([3, 4]);
    expect(anchorOf(LOCATIONS.features[0]!.geometry)).toEqual([5, 5]);
    expect(anchorOf(null)).toBeNull();
  });

  it("drops what has no place, and what is not available when filtering", () => {
    const items = [item({ id: "a" }), item({ id: "b", locationId: "vale" }), item({ id: "c", locationId: null }), item({ id: "d" })];
    const available = new Map<string, boolean | null>([
      ["a", true],
      ["b", false],
    ]);
    const all = storyCollection(items, LOCATIONS, available, false);
    expect(all.features.map((f) => f.properties?.id)).toEqual(["a", "b", "d"]);
    expect(all.features[2]!.properties?.available).toBeNull();
    const now = storyCollection(items, LOCATIONS, available, true);
    expect(now.features.map((f) => f.properties?.id)).toEqual(["a", "d"]); // unknown stays visible
  });

  it("finds the smallest region around a point", () => {
    expect(regionAt(LOCATIONS, [3, 3])).toEqual({ id: "grove", name: "Old Grove" });
    expect(regionAt(LOCATIONS, [8, 8])).toEqual({ id: "vale", name: "The Vale" });
    expect(regionAt(LOCATIONS, [20, 5])).toBeNull();
  });
});
