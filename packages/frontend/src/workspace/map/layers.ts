/** MapLibre sources and layers of the map view: world image, locations, events/encounters and the draft. */
import type { Feature, FeatureCollection, Geometry } from "geojson";
import type * as maplibregl from "maplibre-gl";
import { imageCorners } from "./draw.ts";

export const EMPTY: FeatureCollection = { type: "FeatureCollection", features: [] };

/**
 * What the locations source shows until the map layer arrives, one stage per drawn frame: an invisible
 * point, then also an invisible region. A software renderer (no GPU) compiles each drawing pipeline the
 * first time it is used, for up to a few hundred milliseconds on the main thread; drawing these while
 * the page waits for the data, one kind per frame, keeps that cost out of the frame that first shows
 * thousands of features and spreads it over short frames.
 */
const warm = (geometry: Geometry): Feature => ({ type: "Feature", properties: { id: "", warm: true }, geometry });
const WARM_POINT = warm({ type: "Point", coordinates: [0, 20] });
const WARM_REGION = warm({ type: "Polygon", coordinates: [[[0, 20], [1, 20], [1, 21], [0, 20]]] });
export const WARM_UP: readonly FeatureCollection[] = [
  { type: "FeatureCollection", features: [WARM_POINT] },
  { type: "FeatureCollection", features: [WARM_POINT, WARM_REGION] },
];

/** Opacity `shown`, or 0 for the warm-up features (data-driven either way: one pipeline for both). */
const unlessWarm = (shown: number): maplibregl.ExpressionSpecification => ["case", ["boolean", ["get", "warm"], false], 0, shown];

export const BLANK_STYLE: maplibregl.StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: "background", type: "background", paint: { "background-color": "#0b1322" } }],
};

/** Layers a click selects from (story markers first: they sit on top of their place). */
export const SELECTABLE = ["story", "points", "regions-fill"];

export const LAYER_GROUPS = {
  image: ["world-image"],
  regions: ["regions-fill", "regions-outline", "regions-selected"],
  points: ["points", "points-selected"],
  story: ["story", "story-selected"],
} as const;

const isPolygon: maplibregl.ExpressionSpecification = ["==", ["geometry-type"], "Polygon"];
const isPoint: maplibregl.ExpressionSpecification = ["==", ["geometry-type"], "Point"];

export function addLayers(map: maplibregl.Map): void {
  map.addSource("locations", { type: "geojson", data: EMPTY, promoteId: "id" });
  map.addSource("story", { type: "geojson", data: EMPTY });
  map.addSource("draft", { type: "geojson", data: EMPTY });
  map.addLayer({
    id: "regions-fill",
    type: "fill",
    source: "locations",
    filter: isPolygon,
    paint: { "fill-color": ["case", ["boolean", ["get", "hidden"], false], "#78350f", "#4c1d95"], "fill-opacity": unlessWarm(0.35) },
  });
  map.addLayer({ id: "regions-outline", type: "line", source: "locations", filter: isPolygon, paint: { "line-color": "#a78bfa", "line-width": 1.5, "line-opacity": unlessWarm(1) } });
  map.addLayer({
    id: "regions-selected",
    type: "line",
    source: "locations",
    filter: ["all", isPolygon, ["==", ["get", "id"], ""]],
    paint: { "line-color": "#fbbf24", "line-width": 3 },
  });
  map.addLayer({
    id: "points",
    type: "circle",
    source: "locations",
    filter: isPoint,
    paint: {
      "circle-radius": 7,
      "circle-color": ["case", ["boolean", ["get", "hidden"], false], "#f59e0b", "#38bdf8"],
      "circle-opacity": unlessWarm(1),
      "circle-stroke-color": "#0f172a",
      "circle-stroke-opacity": unlessWarm(1),
      "circle-stroke-width": 2,
    },
  });
  map.addLayer({
    id: "points-selected",
    type: "circle",
    source: "locations",
    filter: ["all", isPoint, ["==", ["get", "id"], ""]],
    paint: { "circle-radius": 11, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#fbbf24", "circle-stroke-width": 3 },
  });
  // Events (rose) and encounters (orange), offset up-right of their place; dimmed when not available now.
  map.addLayer({
    id: "story",
    type: "circle",
    source: "story",
    paint: {
      "circle-radius": 6,
      "circle-translate": [10, -10],
      "circle-color": ["match", ["get", "entityType"], "ENCOUNTER", "#fb923c", "#f43f5e"],
      "circle-opacity": ["case", ["==", ["get", "available"], false], 0.35, 1],
      "circle-stroke-color": "#0f172a",
      "circle-stroke-width": 2,
    },
  });
  map.addLayer({
    id: "story-selected",
    type: "circle",
    source: "story",
    filter: ["==", ["get", "id"], ""],
    paint: { "circle-radius": 10, "circle-translate": [10, -10], "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#fbbf24", "circle-stroke-width": 3 },
  });
  map.addLayer({ id: "draft-line", type: "line", source: "draft", filter: ["==", ["geometry-type"], "LineString"], paint: { "line-color": "#fbbf24", "line-width": 2, "line-dasharray": [2, 1] } });
  map.addLayer({ id: "draft-points", type: "circle", source: "draft", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-radius": 5, "circle-color": "#fbbf24" } });
}

export interface WorldImage {
  readonly url: string;
  readonly bounds: readonly [number, number, number, number];
}

/** Put the world's map image under every other layer (or take it away); replaced when the URL changes. */
export function setWorldImage(map: maplibregl.Map, image: WorldImage | null): void {
  const source = map.getSource("world-image") as maplibregl.ImageSource | undefined;
  if (!image) {
    if (map.getLayer("world-image")) map.removeLayer("world-image");
    if (source) map.removeSource("world-image");
    return;
  }
  const coordinates: maplibregl.Coordinates = imageCorners(image.bounds);
  if (source) {
    source.updateImage({ url: image.url, coordinates });
    return;
  }
  map.addSource("world-image", { type: "image", url: image.url, coordinates });
  map.addLayer({ id: "world-image", type: "raster", source: "world-image", paint: { "raster-fade-duration": 0 } }, "regions-fill");
}

/** Highlight the selected feature in every layer group that can show it. */
export function highlight(map: maplibregl.Map, locationId: string, storyId: string): void {
  map.setFilter("points-selected", ["all", isPoint, ["==", ["get", "id"], locationId]]);
  map.setFilter("regions-selected", ["all", isPolygon, ["==", ["get", "id"], locationId]]);
  map.setFilter("story-selected", ["==", ["get", "id"], storyId]);
}
