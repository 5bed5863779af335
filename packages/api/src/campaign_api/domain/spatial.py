"""GeoJSON validation (RFC 7946, EPSG:4326) before anything reaches PostGIS."""

from __future__ import annotations

import math
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from campaign_api.errors import ValidationFailed

POINT_TYPES = {"Point"}
REGION_TYPES = {"Polygon", "MultiPolygon"}


def _fail(message: str, reason: str) -> ValidationFailed:
    return ValidationFailed(message, details={"field": "geometry", "reason": reason})


def _coordinates_finite(coords: Any) -> bool:
    if isinstance(coords, int | float) and not isinstance(coords, bool):
        return math.isfinite(coords)
    if isinstance(coords, list):
        return all(_coordinates_finite(c) for c in coords)
    return False


def _rings_closed(geojson: dict[str, Any]) -> bool:
    polygons = [geojson["coordinates"]] if geojson["type"] == "Polygon" else geojson["coordinates"]
    return all(ring and ring[0] == ring[-1] and len(ring) >= 4 for polygon in polygons for ring in polygon)


def validate_geometry(geojson: Any, kind: str) -> dict[str, Any]:
    """Return the geometry if it is a valid GeoJSON geometry for a location of `kind` (POINT|REGION)."""
    if not isinstance(geojson, dict) or "type" not in geojson or "coordinates" not in geojson:
        raise _fail("geometry must be a GeoJSON geometry object with type and coordinates", "NOT_GEOJSON")
    allowed = POINT_TYPES if kind == "POINT" else REGION_TYPES
    if geojson["type"] not in allowed:
        wanted = " or ".join(sorted(allowed))
        raise _fail(f"a {kind.lower()} location needs a {wanted} geometry, not {geojson['type']}", "WRONG_TYPE")
    if not _coordinates_finite(geojson["coordinates"]):
        raise _fail("coordinates must be finite numbers", "NOT_FINITE")
    if geojson["type"] in REGION_TYPES and not _rings_closed(geojson):
        raise _fail("every polygon ring must be closed and have at least 4 positions", "UNCLOSED_RING")
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as exc:
        raise _fail(f"malformed geometry: {exc}", "MALFORMED") from exc
    if geometry.is_empty:
        raise _fail("geometry is empty", "EMPTY")
    if not geometry.is_valid:
        raise _fail(f"invalid geometry: {explain_validity(geometry)}", "INVALID")
    bounds = geometry.bounds
    if not (-180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
        raise _fail("coordinates must be longitude/latitude (EPSG:4326)", "OUT_OF_RANGE")
    if kind == "POINT" and not -85.06 <= bounds[1] <= 85.06:
        raise _fail("latitude beyond ±85.06° cannot be projected", "OUT_OF_RANGE")
    return geojson


def validate_bbox(bbox: list[float]) -> tuple[float, float, float, float]:
    if len(bbox) != 4 or not _coordinates_finite(list(bbox)):
        raise ValidationFailed("bbox must be [minLon, minLat, maxLon, maxLat]", details={"field": "bbox"})
    west, south, east, north = bbox
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValidationFailed("bbox must be [minLon, minLat, maxLon, maxLat] in degrees", details={"field": "bbox"})
    return west, south, east, north
