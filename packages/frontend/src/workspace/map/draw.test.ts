import { describe, expect, it } from "vitest";
import { boundsOf, dedupeVertices, draftCollection, imageCorners, pointFrom, polygonFrom, worldBounds } from "./draw.ts";

describe("dedupeVertices", () => {
  it("drops the duplicate corner a double-click adds and a closing corner", () => {
    expect(dedupeVertices([[0, 0], [1, 0], [1, 1], [1, 1], [0, 0]])).toEqual([[0, 0], [1, 0], [1, 1]]);
  });
});

describe("polygonFrom", () => {
  it("closes the ring", () => {
    const result = polygonFrom([[0, 0], [2, 0], [2, 2], [2, 2]]);
    expect(result).toEqual({ geometry: { type: "Polygon", coordinates: [[[0, 0], [2, 0], [2, 2], [0, 0]]] } });
  });
  it("needs three distinct corners", () => {
    expect(polygonFrom([[0, 0], [1, 1], [1, 1]])).toEqual({ error: expect.stringMatching(/three/) });
  });
  it("rejects corners on one line", () => {
    expect(polygonFrom([[0, 0], [1, 1], [2, 2]])).toEqual({ error: expect.stringMatching(/one line/) });
  });
  it("rejects an outline that crosses itself (a bow tie)", () => {
    expect(polygonFrom([[0, 0], [2, 2], [2, 0], [0, 2]])).toEqual({ error: expect.stringMatching(/cross/) });
  });
});

describe("helpers", () => {
  it("rounds points to 6 decimals", () => {
    expect(pointFrom([1.23456789, -2.000000049])).toEqual({ type: "Point", coordinates: [1.234568, -2] });
  });
  it("draws the outline and corners of a draft", () => {
    const fc = draftCollection([[0, 0], [1, 0], [1, 1]], true);
    expect(fc.features).toHaveLength(4);
    expect(fc.features[3]!.geometry).toEqual({ type: "LineString", coordinates: [[0, 0], [1, 0], [1, 1], [0, 0]] });
  });
  it("computes bounds over points and polygons", () => {
    expect(
      boundsOf({
        type: "FeatureCollection",
        features: [
          { type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [5, 5] } },
          { type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [[[-1, -2], [3, -2], [3, 4], [-1, -2]]] } },
        ],
      }),
    ).toEqual([-1, -2, 5, 5]);
    expect(boundsOf({ type: "FeatureCollection", features: [] })).toBeNull();
  });
});

describe("world map image", () => {
  it("accepts [west, south, east, north] bounds only", () => {
    expect(worldBounds([-20, -12.5, 20, 12.5])).toEqual([-20, -12.5, 20, 12.5]);
    expect(worldBounds([20, -12.5, -20, 12.5])).toBeNull();
    expect(worldBounds([0, 0, 1])).toBeNull();
    expect(worldBounds(null)).toBeNull();
    expect(worldBounds([0, -100, 1, 1])).toBeNull();
  });
  it("places the image by its corners, clockwise from the top left", () => {
    expect(imageCorners([-20, -10, 20, 10])).toEqual([[-20, 10], [20, 10], [20, -10], [-20, -10]]);
  });
});
