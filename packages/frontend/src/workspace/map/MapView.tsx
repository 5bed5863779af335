/**
 * The map: locations from `mapLayer` (GeoJSON, as of the branch and the scrubber's world time) on a
 * blank MapLibre style (no external tiles), regions as fills, points as circles; click to select;
 * draw mode to place a point or outline a region (clicks, double-click to finish) and create a Location.
 */
import "maplibre-gl/dist/maplibre-gl.css";
import { useMutation, useQuery } from "@apollo/client/react";
import type { FeatureCollection, Geometry } from "geojson";
import * as maplibregl from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { type FormEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { describeError } from "../../apollo/errors.ts";
import { Button, inputClass, Status, TextField } from "../../components/ui.tsx";
import { CreateLocationDocument, MapLayerDocument } from "../../gql/graphql.ts";
import { useUi } from "../../store/ui.ts";
import { useWorkspace } from "../context.ts";
import { boundsOf, draftCollection, type LngLat, pointFrom, polygonFrom } from "./draw.ts";
import { TimeScrubber } from "./TimeScrubber.tsx";

maplibregl.setWorkerUrl(workerUrl);

type Mode = "browse" | "point" | "region";

const EMPTY: FeatureCollection = { type: "FeatureCollection", features: [] };

const BLANK_STYLE: maplibregl.StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: "background", type: "background", paint: { "background-color": "#0b1322" } }],
};

const SELECTABLE = ["points", "regions-fill"];

function addLayers(map: maplibregl.Map) {
  map.addSource("locations", { type: "geojson", data: EMPTY, promoteId: "id" });
  map.addSource("draft", { type: "geojson", data: EMPTY });
  const isPolygon: maplibregl.FilterSpecification = ["==", ["geometry-type"], "Polygon"];
  const isPoint: maplibregl.FilterSpecification = ["==", ["geometry-type"], "Point"];
  map.addLayer({
    id: "regions-fill",
    type: "fill",
    source: "locations",
    filter: isPolygon,
    paint: { "fill-color": ["case", ["boolean", ["get", "hidden"], false], "#78350f", "#4c1d95"], "fill-opacity": 0.35 },
  });
  map.addLayer({ id: "regions-outline", type: "line", source: "locations", filter: isPolygon, paint: { "line-color": "#a78bfa", "line-width": 1.5 } });
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
      "circle-stroke-color": "#0f172a",
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
  map.addLayer({ id: "draft-line", type: "line", source: "draft", filter: ["==", ["geometry-type"], "LineString"], paint: { "line-color": "#fbbf24", "line-width": 2, "line-dasharray": [2, 1] } });
  map.addLayer({ id: "draft-points", type: "circle", source: "draft", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-radius": 5, "circle-color": "#fbbf24" } });
}

interface FeatureProps {
  readonly id: string;
  readonly name: string | null;
  readonly kind: string | null;
  readonly hidden: boolean;
}

export default function MapView() {
  const ws = useWorkspace();
  const selection = useUi((s) => s.selection);
  const select = useUi((s) => s.select);
  const layers = useUi((s) => s.layers);
  const setLayer = useUi((s) => s.setLayer);
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [ready, setReady] = useState(false);
  const [mode, setMode] = useState<Mode>("browse");
  const [vertices, setVertices] = useState<LngLat[]>([]);
  const [pending, setPending] = useState<{ kind: "POINT" | "REGION"; geometry: Geometry } | null>(null);
  const [drawError, setDrawError] = useState<string | null>(null);
  const fitted = useRef(false);
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  const canDraw = ws.isGm && ws.asOf === null;

  const { data, loading, error, refetch } = useQuery(MapLayerDocument, {
    variables: { campaignId: ws.campaign.id, branchId: ws.branch.id, asOf: ws.asOf },
  });
  const collection = (data?.mapLayer as FeatureCollection | undefined) ?? EMPTY;
  const features = useMemo(
    () =>
      collection.features
        .map((f) => f.properties as FeatureProps | null)
        .filter((p): p is FeatureProps => !!p?.id)
        .sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "")),
    [collection],
  );

  const finishRegion = useCallback((corners: readonly LngLat[]) => {
    const result = polygonFrom(corners);
    if ("error" in result) {
      setDrawError(result.error);
      return;
    }
    setDrawError(null);
    setPending({ kind: "REGION", geometry: result.geometry });
  }, []);

  // The map itself: created once per mount.
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const map = new maplibregl.Map({
      container,
      style: BLANK_STYLE,
      center: [0, 20],
      zoom: 1.5,
      attributionControl: false,
      renderWorldCopies: false,
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    mapRef.current = map;
    map.on("load", () => {
      addLayers(map);
      setReady(true);
    });
    map.on("click", (e) => {
      if (pendingRef.current) return;
      const current = modeRef.current;
      const at: LngLat = [e.lngLat.lng, e.lngLat.lat];
      if (current === "point") {
        setPending({ kind: "POINT", geometry: pointFrom(at) });
      } else if (current === "region") {
        setVertices((v) => [...v, at]);
      } else {
        const hit = map.queryRenderedFeatures(e.point, { layers: SELECTABLE.filter((id) => map.getLayer(id)) });
        const points = hit.filter((f) => f.layer.id === "points");
        const feature = points[0] ?? hit[0];
        const id = feature?.properties?.id as string | undefined;
        useUi.getState().select(id ? { type: "LOCATION", id } : null);
      }
    });
    map.on("dblclick", (e) => {
      if (modeRef.current !== "region") return;
      e.preventDefault(); // no zoom while drawing
    });
    map.on("mousemove", (e) => {
      if (modeRef.current !== "browse") return;
      const hit = map.getLayer("points") ? map.queryRenderedFeatures(e.point, { layers: SELECTABLE }) : [];
      map.getCanvas().style.cursor = hit.length ? "pointer" : "";
    });
    return () => {
      map.remove();
      mapRef.current = null;
      setReady(false);
    };
  }, []);

  // Double-click finishes a region (separate from the map's own handler to see the current corners).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || mode !== "region") return;
    const onDbl = () => finishRegion(vertices);
    map.on("dblclick", onDbl);
    return () => {
      map.off("dblclick", onDbl);
    };
  }, [mode, vertices, finishRegion]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    map.getCanvas().style.cursor = mode === "browse" ? "" : "crosshair";
  }, [mode, ready]);

  // Data → the locations source; fit the view to the features the first time there are some.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource("locations") as maplibregl.GeoJSONSource | undefined)?.setData(collection);
    const bounds = boundsOf(collection);
    if (bounds && !fitted.current) {
      fitted.current = true;
      map.fitBounds(bounds, { padding: 80, maxZoom: 8, duration: 0 });
    }
  }, [collection, ready]);

  // The draft (corners so far, or the point waiting for a name).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const geometry = pending?.geometry;
    const draft =
      geometry?.type === "Point"
        ? draftCollection([geometry.coordinates as unknown as LngLat], false)
        : geometry?.type === "Polygon"
          ? draftCollection((geometry.coordinates[0] ?? []).slice(0, -1) as unknown as LngLat[], true)
          : draftCollection(vertices, false);
    (map.getSource("draft") as maplibregl.GeoJSONSource | undefined)?.setData(draft);
  }, [vertices, pending, ready]);

  // Selection highlight (shared with the other views).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const id = selection?.type === "LOCATION" ? selection.id : "";
    map.setFilter("points-selected", ["all", ["==", ["geometry-type"], "Point"], ["==", ["get", "id"], id]]);
    map.setFilter("regions-selected", ["all", ["==", ["geometry-type"], "Polygon"], ["==", ["get", "id"], id]]);
  }, [selection, ready]);

  // Layer toggles.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const vis = (on: boolean) => (on ? "visible" : "none");
    for (const id of ["regions-fill", "regions-outline", "regions-selected"]) map.setLayoutProperty(id, "visibility", vis(layers.regions));
    for (const id of ["points", "points-selected"]) map.setLayoutProperty(id, "visibility", vis(layers.points));
  }, [layers, ready]);

  const startMode = (next: Mode) => {
    setMode(next);
    setVertices([]);
    setPending(null);
    setDrawError(null);
    if (next !== "browse") ws.announce(next === "point" ? "Click the map to place a point." : "Click the map to add corners; double-click to finish.");
  };
  const center = (): LngLat => {
    const c = mapRef.current?.getCenter();
    return [c?.lng ?? 0, c?.lat ?? 0];
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "Escape" && mode !== "browse") {
      e.preventDefault();
      startMode("browse");
    } else if ((e.key === "Backspace" || (e.key === "z" && (e.ctrlKey || e.metaKey))) && mode === "region" && vertices.length && !pending) {
      e.preventDefault();
      setVertices((v) => v.slice(0, -1));
    }
  };

  const focusOn = (id: string) => {
    select({ type: "LOCATION", id });
    const f = collection.features.find((x) => (x.properties as FeatureProps | null)?.id === id);
    const b = f ? boundsOf({ type: "FeatureCollection", features: [f] }) : null;
    if (b && mapRef.current) mapRef.current.fitBounds(b, { padding: 120, maxZoom: Math.max(mapRef.current.getZoom(), 5), duration: 300 });
  };

  return (
    <div className="flex h-full min-h-[32rem] flex-col lg:flex-row" onKeyDown={onKeyDown}>
      <section aria-label="Campaign map" className="relative min-h-[24rem] flex-1">
        {/* MapLibre makes its container position: relative, so the container fills an absolute box. */}
        <div className="absolute inset-0">
          <div ref={containerRef} className="h-full w-full" data-testid="map" data-ready={ready ? "true" : "false"} data-mode={mode} data-feature-count={collection.features.length} />
        </div>
        {mode !== "browse" && (
          <div className="absolute top-2 left-2 rounded bg-slate-900/90 px-3 py-2 text-sm shadow" data-testid="draw-hint">
            {pending ? "Name the new location in the panel." : mode === "point" ? "Click the map to place the point." : `Click to add corners (${vertices.length} so far), double-click to finish.`}
          </div>
        )}
      </section>
      <aside className="flex w-full shrink-0 flex-col gap-4 overflow-y-auto border-t border-slate-800 bg-slate-900 p-4 lg:w-80 lg:border-t-0 lg:border-l" aria-label="Map controls">
        {loading && !data && <Status>Loading map…</Status>}
        {error && <Status kind="error">{describeError(error).message}</Status>}
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-semibold">Layers</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4 accent-violet-500" checked={layers.regions} onChange={(e) => setLayer("regions", e.target.checked)} />
            Regions
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4 accent-violet-500" checked={layers.points} onChange={(e) => setLayer("points", e.target.checked)} />
            Points
          </label>
        </fieldset>

        <TimeScrubber />

        {canDraw && (
          <div className="flex flex-col gap-2" role="group" aria-label="Draw">
            <h3 className="text-sm font-semibold">Draw</h3>
            <div className="flex flex-wrap gap-2">
              <Button tone={mode === "point" ? "primary" : "secondary"} aria-pressed={mode === "point"} onClick={() => startMode(mode === "point" ? "browse" : "point")}>
                Place point
              </Button>
              <Button tone={mode === "region" ? "primary" : "secondary"} aria-pressed={mode === "region"} onClick={() => startMode(mode === "region" ? "browse" : "region")}>
                Draw region
              </Button>
            </div>
            {mode === "point" && !pending && (
              <Button onClick={() => setPending({ kind: "POINT", geometry: pointFrom(center()) })}>Place at map centre</Button>
            )}
            {mode === "region" && !pending && (
              <div className="flex flex-wrap gap-2">
                <Button onClick={() => setVertices((v) => [...v, center()])}>Add corner at centre</Button>
                <Button onClick={() => setVertices((v) => v.slice(0, -1))} disabled={!vertices.length}>
                  Undo corner
                </Button>
                <Button tone="primary" onClick={() => finishRegion(vertices)} disabled={vertices.length < 3}>
                  Finish region
                </Button>
              </div>
            )}
            {mode !== "browse" && (
              <Button tone="ghost" onClick={() => startMode("browse")}>
                Cancel drawing (Esc)
              </Button>
            )}
            {drawError && <Status kind="error">{drawError}</Status>}
            {pending && (
              <NewLocationForm
                pending={pending}
                onCancel={() => setPending(null)}
                onCreated={(id) => {
                  startMode("browse");
                  void refetch();
                  select({ type: "LOCATION", id });
                }}
              />
            )}
          </div>
        )}

        <div>
          <h3 className="mb-1 text-sm font-semibold">Locations on the map ({features.length})</h3>
          <ul className="flex flex-col" data-testid="map-location-list">
            {features.map((f) => (
              <li key={f.id}>
                <button
                  type="button"
                  onClick={() => focusOn(f.id)}
                  aria-current={selection?.id === f.id ? "true" : undefined}
                  className={`w-full rounded px-2 py-1 text-left text-sm hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-violet-400 ${selection?.id === f.id ? "bg-violet-950 text-violet-100" : ""}`}
                >
                  <span aria-hidden="true" className={f.kind === "REGION" ? "text-violet-300" : "text-sky-300"}>
                    {f.kind === "REGION" ? "▰ " : "● "}
                  </span>
                  {f.name || "(unnamed)"}
                  {f.hidden && <span className="ml-1 text-xs text-amber-300">(hidden)</span>}
                </button>
              </li>
            ))}
          </ul>
        </div>
      </aside>
    </div>
  );
}

function NewLocationForm({ pending, onCancel, onCreated }: { pending: { kind: "POINT" | "REGION"; geometry: Geometry }; onCancel(): void; onCreated(id: string): void }) {
  const ws = useWorkspace();
  const [name, setName] = useState("");
  const [hidden, setHidden] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [create, { loading }] = useMutation(CreateLocationDocument);
  const hiddenId = useId();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError("Give the location a name.");
      return;
    }
    setError(null);
    try {
      const result = await create({
        variables: { input: { campaignId: ws.campaign.id, branchId: ws.branch.id, name: name.trim(), kind: pending.kind, geometry: pending.geometry, hidden } },
      });
      ws.announce(`Location "${name.trim()}" created.`);
      if (result.data) onCreated(result.data.createLocation.id);
    } catch (err) {
      setError(describeError(err).message);
    }
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-2 rounded border border-amber-700/60 bg-slate-950 p-3" aria-label="New location" data-testid="new-location-form">
      <p className="text-sm">New {pending.kind === "POINT" ? "point" : "region"}</p>
      <TextField label="Location name" value={name} onChange={(e) => setName(e.target.value)} autoFocus required error={error} />
      <label htmlFor={hiddenId} className="flex items-center gap-2 text-sm">
        <input id={hiddenId} type="checkbox" className={`${inputClass} size-4 w-auto accent-violet-500`} checked={hidden} onChange={(e) => setHidden(e.target.checked)} />
        Hidden from players
      </label>
      <div className="flex gap-2">
        <Button tone="primary" type="submit" disabled={loading}>
          Save location
        </Button>
        <Button tone="ghost" onClick={onCancel}>
          Discard
        </Button>
      </div>
    </form>
  );
}
