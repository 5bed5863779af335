/**
 * The map: the world's map image (from S3) under the locations from `mapLayer` (GeoJSON, as of the branch
 * and the scrubber's world time), regions as fills, points as circles, events and encounters pinned to
 * their place (optionally only those available now); click to select; draw mode to place a point,
 * outline a region (clicks, double-click to finish) or found a settlement, each created through the API.
 */
import "maplibre-gl/dist/maplibre-gl.css";
import { useQuery } from "@apollo/client/react";
import type { FeatureCollection } from "geojson";
import * as maplibregl from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { describeError } from "../../apollo/errors.ts";
import { Button, Status, TextField } from "../../components/ui.tsx";
import type { EntityType } from "../../gql/graphql.ts";
import { MapLayerDocument, MapStoryDocument, WorldMapImageDocument } from "../../gql/graphql.ts";
import { useUi } from "../../store/ui.ts";
import { useWorkspace } from "../context.ts";
import { boundsOf, draftCollection, type LngLat, pointFrom, polygonFrom, worldBounds } from "./draw.ts";
import { addLayers, BLANK_STYLE, EMPTY, highlight, LAYER_GROUPS, SELECTABLE, setWorldImage, WARM_UP } from "./layers.ts";
import { NewLocationForm, NewSettlementForm, type Pending } from "./NewPlaceForms.tsx";
import { isSoftwareRenderer, pixelRatioFor } from "./renderScale.ts";
import { regionAt, type StoryItem, storyCollection } from "./story.ts";
import { TimeScrubber } from "./TimeScrubber.tsx";
import { useAvailability } from "./useAvailability.ts";

maplibregl.setWorkerUrl(workerUrl);

type Mode = "browse" | "point" | "region" | "settlement";
type ImageState = "none" | "loading" | "loaded" | "error";

/** The most locations listed beside the map at once. */
const LIST_LIMIT = 200;

const HINTS: Record<Exclude<Mode, "browse">, string> = {
  point: "Click the map to place a point.",
  region: "Click the map to add corners; double-click to finish.",
  settlement: "Click the map where the settlement lies.",
};

interface FeatureProps {
  readonly id: string;
  readonly name: string | null;
  readonly kind: string | null;
  readonly hidden: boolean;
}

/** The selectable features under a point (the warm-up features are not). */
function selectableAt(map: maplibregl.Map, point: maplibregl.PointLike) {
  const layers = SELECTABLE.filter((id) => map.getLayer(id));
  return layers.length ? map.queryRenderedFeatures(point, { layers }).filter((f) => !f.properties?.warm) : [];
}

function Toggle({ label, checked, onChange, testId }: { label: string; checked: boolean; onChange(on: boolean): void; testId?: string }) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" className="size-4 accent-violet-500" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
      {label}
    </label>
  );
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
  const [pending, setPending] = useState<Pending | null>(null);
  const [drawError, setDrawError] = useState<string | null>(null);
  const [showImage, setShowImage] = useState(true);
  const [showStory, setShowStory] = useState(true);
  const [onlyAvailable, setOnlyAvailable] = useState(false);
  const [imageState, setImageState] = useState<ImageState>("none");
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

  // A long list costs more to render than the map: past LIST_LIMIT entries, search it instead.
  const [find, setFind] = useState("");
  const matches = useMemo(() => {
    const needle = find.trim().toLowerCase();
    return needle ? features.filter((f) => (f.name ?? "").toLowerCase().includes(needle)) : features;
  }, [features, find]);
  const matching = matches.length;
  const listed = matches.slice(0, LIST_LIMIT);

  // The world's map image: a presigned URL (kept from the cache: a new one would reload the image).
  const world = useQuery(WorldMapImageDocument, { variables: { id: ws.campaign.worldId }, fetchPolicy: "cache-first" });
  const imageUrl = world.data?.world?.mapImageUrl ?? null;
  const imageBounds = world.data?.world?.mapBounds;
  const image = useMemo(() => {
    const bounds = worldBounds(imageBounds);
    return imageUrl && bounds ? { url: imageUrl, bounds } : null;
  }, [imageUrl, imageBounds]);

  // Events and encounters with a place, and whether each is available at the world time shown.
  const story = useQuery(MapStoryDocument, { variables: { campaignId: ws.campaign.id, branchId: ws.branch.id, asOf: ws.asOf } });
  const storyItems = useMemo<StoryItem[]>(
    () => [
      ...(story.data?.events ?? []).map((e) => ({ ...e, kind: "EVENT" as const })),
      ...(story.data?.encounters ?? []).map((e) => ({ ...e, kind: "ENCOUNTER" as const })),
    ].filter((item) => item.locationId),
    [story.data],
  );
  const available = useAvailability(storyItems, ws.branch.id, ws.asOf, ws.branch.worldTimeSeconds);
  const storyLayer = useMemo(() => storyCollection(storyItems, collection, available, onlyAvailable), [storyItems, collection, available, onlyAvailable]);
  const storyShown = useMemo(() => new Set(storyLayer.features.map((f) => (f.properties as { id: string }).id)), [storyLayer]);

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
    // No GPU: draw fewer pixels so that each (software-rendered, main-thread-blocking) frame stays short.
    const software = isSoftwareRenderer(map.getCanvas().getContext("webgl2") ?? map.getCanvas().getContext("webgl"));
    const fitResolution = () => {
      const ratio = pixelRatioFor(container.clientWidth, container.clientHeight, window.devicePixelRatio, software);
      if (ratio !== map.getPixelRatio()) map.setPixelRatio(ratio);
    };
    fitResolution();
    map.on("resize", fitResolution);
    map.on("load", () => {
      addLayers(map);
      setReady(true);
    });
    map.on("sourcedata", (e) => {
      if (e.sourceId === "world-image" && map.isSourceLoaded("world-image")) setImageState("loaded");
    });
    map.on("error", (e) => {
      if ((e as { sourceId?: string }).sourceId === "world-image") setImageState("error");
    });
    map.on("click", (e) => {
      if (pendingRef.current) return;
      const current = modeRef.current;
      const at: LngLat = [e.lngLat.lng, e.lngLat.lat];
      if (current === "point") {
        setPending({ kind: "POINT", geometry: pointFrom(at) });
      } else if (current === "settlement") {
        setPending({ kind: "SETTLEMENT", geometry: pointFrom(at) });
      } else if (current === "region") {
        setVertices((v) => [...v, at]);
      } else {
        const hit = selectableAt(map, e.point);
        const feature = hit.find((f) => f.layer.id === "story") ?? hit.find((f) => f.layer.id === "points") ?? hit[0];
        const id = feature?.properties?.id as string | undefined;
        const type = (feature?.layer.id === "story" ? feature.properties?.entityType : "LOCATION") as EntityType;
        useUi.getState().select(id ? { type, id } : null);
      }
    });
    map.on("dblclick", (e) => {
      if (modeRef.current !== "region") return;
      e.preventDefault(); // no zoom while drawing
    });
    map.on("mousemove", (e) => {
      if (modeRef.current !== "browse") return;
      const hit = selectableAt(map, e.point);
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

  // The world image under everything else.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    setImageState(image ? "loading" : "none");
    setWorldImage(map, image);
  }, [image, ready]);

  // Data → the locations source; fit the view once, to the map image and the features.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    if (!data) return; // the warm-up below meanwhile
    (map.getSource("locations") as maplibregl.GeoJSONSource | undefined)?.setData(collection);
    if (fitted.current || world.loading) return;
    const bounds = boundsOf({
      type: "FeatureCollection",
      features: [
        ...collection.features,
        ...(image ? [{ type: "Feature" as const, properties: {}, geometry: { type: "MultiPoint" as const, coordinates: [image.bounds.slice(0, 2), image.bounds.slice(2)] } }] : []),
      ],
    });
    if (bounds) {
      fitted.current = true;
      map.fitBounds(bounds, { padding: 80, maxZoom: 8, duration: 0 });
    }
  }, [collection, data, image, world.loading, ready]);

  // While the map layer loads: the warm-up features, one stage each time the map has finished drawing.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready || data) return;
    const source = map.getSource("locations") as maplibregl.GeoJSONSource | undefined;
    const stages = [...WARM_UP];
    source?.setData(stages.shift() ?? EMPTY);
    const next = () => {
      const stage = stages.shift();
      if (stage) source?.setData(stage);
    };
    map.on("idle", next);
    return () => {
      map.off("idle", next);
    };
  }, [data, ready]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource("story") as maplibregl.GeoJSONSource | undefined)?.setData(storyLayer);
  }, [storyLayer, ready]);

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
    const id = selection?.id ?? "";
    highlight(map, selection?.type === "LOCATION" ? id : "", selection?.type === "EVENT" || selection?.type === "ENCOUNTER" ? id : "");
  }, [selection, ready]);

  // Layer toggles.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const shown = { image: showImage, regions: layers.regions, points: layers.points, story: showStory };
    for (const [group, ids] of Object.entries(LAYER_GROUPS)) {
      for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", shown[group as keyof typeof shown] ? "visible" : "none");
    }
  }, [layers, showImage, showStory, ready, imageState]);

  const startMode = (next: Mode) => {
    setMode(next);
    setVertices([]);
    setPending(null);
    setDrawError(null);
    if (next !== "browse") ws.announce(HINTS[next]);
  };
  const center = (): LngLat => {
    const c = mapRef.current?.getCenter();
    return [c?.lng ?? 0, c?.lat ?? 0];
  };
  const placeAtCentre = () => {
    const geometry = pointFrom(center());
    setPending(mode === "settlement" ? { kind: "SETTLEMENT", geometry } : { kind: "POINT", geometry });
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
  const onCreated = (type: EntityType) => (id: string) => {
    startMode("browse");
    void refetch();
    select({ type, id });
  };
  const settlementRegion = pending?.kind === "SETTLEMENT" ? regionAt(collection, pending.geometry.coordinates as unknown as LngLat) : null;

  return (
    <div className="flex h-full min-h-[32rem] flex-col lg:flex-row" onKeyDown={onKeyDown}>
      <section aria-label="Campaign map" className="relative min-h-[24rem] flex-1">
        {/* MapLibre makes its container position: relative, so the container fills an absolute box. */}
        <div className="absolute inset-0">
          <div
            ref={containerRef}
            className="h-full w-full"
            data-testid="map"
            data-ready={ready ? "true" : "false"}
            data-mode={mode}
            data-feature-count={collection.features.length}
            data-story-count={storyLayer.features.length}
            data-map-image={imageState}
          />
        </div>
        {mode !== "browse" && (
          <div className="absolute top-2 left-2 rounded bg-slate-900/90 px-3 py-2 text-sm shadow" data-testid="draw-hint">
            {pending ? "Name it in the panel." : mode === "region" ? `Click to add corners (${vertices.length} so far), double-click to finish.` : HINTS[mode]}
          </div>
        )}
      </section>
      <aside className="flex w-full shrink-0 flex-col gap-4 overflow-y-auto border-t border-slate-800 bg-slate-900 p-4 lg:w-80 lg:border-t-0 lg:border-l" aria-label="Map controls">
        {loading && !data && <Status>Loading map…</Status>}
        {error && <Status kind="error">{describeError(error).message}</Status>}
        {imageState === "error" && <Status kind="error">The world map image could not be loaded.</Status>}
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-semibold">Layers</legend>
          {image && <Toggle label="World map image" checked={showImage} onChange={setShowImage} />}
          <Toggle label="Regions" checked={layers.regions} onChange={(on) => setLayer("regions", on)} />
          <Toggle label="Points" checked={layers.points} onChange={(on) => setLayer("points", on)} />
          <Toggle label="Events and encounters" checked={showStory} onChange={setShowStory} />
          <Toggle label="Available now only" checked={onlyAvailable} onChange={setOnlyAvailable} testId="available-now" />
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
              <Button tone={mode === "settlement" ? "primary" : "secondary"} aria-pressed={mode === "settlement"} onClick={() => startMode(mode === "settlement" ? "browse" : "settlement")}>
                Place settlement
              </Button>
            </div>
            {(mode === "point" || mode === "settlement") && !pending && <Button onClick={placeAtCentre}>Place at map centre</Button>}
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
            {pending?.kind === "SETTLEMENT" ? (
              <NewSettlementForm point={pending.geometry} region={settlementRegion} onCancel={() => setPending(null)} onCreated={onCreated("SETTLEMENT")} />
            ) : (
              pending && <NewLocationForm pending={pending} onCancel={() => setPending(null)} onCreated={onCreated("LOCATION")} />
            )}
          </div>
        )}

        <div>
          <h3 className="mb-1 text-sm font-semibold">Locations on the map ({features.length})</h3>
          {features.length > LIST_LIMIT && (
            <TextField
              label="Find a location"
              type="search"
              value={find}
              onChange={(e) => setFind(e.target.value)}
              hint={`${listed.length < matching ? `Showing ${listed.length} of ${matching}` : `${matching} found`}; type to narrow the list.`}
            />
          )}
          <ul className="flex flex-col" data-testid="map-location-list">
            {listed.map((f) => (
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

        {showStory && (
          <div>
            <h3 className="mb-1 text-sm font-semibold">
              Events and encounters {onlyAvailable ? "available now" : "at places"} ({storyShown.size})
            </h3>
            <ul className="flex flex-col" data-testid="map-story-list">
              {storyItems
                .filter((item) => storyShown.has(item.id))
                .map((item) => {
                  const state = available.get(item.id);
                  return (
                    <li key={item.id}>
                      <button
                        type="button"
                        onClick={() => select({ type: item.kind, id: item.id })}
                        aria-current={selection?.id === item.id ? "true" : undefined}
                        className={`w-full rounded px-2 py-1 text-left text-sm hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-violet-400 ${selection?.id === item.id ? "bg-violet-950 text-violet-100" : ""}`}
                      >
                        <span aria-hidden="true" className={item.kind === "ENCOUNTER" ? "text-orange-400" : "text-rose-400"}>
                          {"◆ "}
                        </span>
                        {item.name || "(unnamed)"}{" "}
                        <span className="text-xs text-slate-400">
                          ({item.kind === "ENCOUNTER" ? "encounter" : "event"}
                          {state === false ? ", not available" : state === null ? ", checking…" : ""})
                        </span>
                      </button>
                    </li>
                  );
                })}
            </ul>
          </div>
        )}
      </aside>
    </div>
  );
}
