"""The demo world's map image, painted with Pillow from the same geometry the seed stores.

A stylised continent: shallows around the coast, each province tinted, hills, woods, dunes and
marsh drawn as small glyphs, rivers, dotted borders, province labels and a compass. Rows are laid out
in Web Mercator so that the image lines up with the GeoJSON the map view draws over it (the frontend
places the image on `World.map_bounds`). Drawn at twice the size and scaled down for smooth edges.
"""

from __future__ import annotations

import io
import itertools
import math
import random
from collections.abc import Callable, Iterable, Sequence

from PIL import Image, ImageDraw, ImageFont
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from campaign_api.seed.geography import (
    MAP_BOUNDS,
    PLACES,
    PROVINCES,
    REALM_NAME,
    RIVERS,
    continent,
    province_shape,
    river_line,
)

WIDTH, HEIGHT = 1600, 1000
_SCALE = 2  # supersampling factor
_OCEAN = (52, 88, 128)
_SHALLOWS = ((1.4, (66, 108, 148)), (0.7, (86, 132, 168)), (0.3, (118, 160, 190)))
_COAST = (58, 52, 44)
_RIVER = (64, 112, 164)
_INK = (70, 60, 48)
_LABELS = {
    "saltmarch": (-9.6, -4.6),
    "greyspire": (-5.5, 4.5),
    "thornvale": (1.2, -3.6),
    "mirefen": (13.4, 2.0),
}

Pixel = tuple[float, float]


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def projector(width: int, height: int) -> Callable[[float, float], Pixel]:
    """(lon, lat) → (x, y) pixels of an image covering MAP_BOUNDS, rows in Web Mercator."""
    west, south, east, north = MAP_BOUNDS
    top, bottom = _mercator(north), _mercator(south)

    def project(lon: float, lat: float) -> Pixel:
        x = (lon - west) / (east - west) * width
        y = (top - _mercator(lat)) / (top - bottom) * height
        return x, y

    return project


def _polygons(geometry: BaseGeometry) -> Iterable[BaseGeometry]:
    if geometry.geom_type == "Polygon":
        yield geometry
    elif hasattr(geometry, "geoms"):
        for part in geometry.geoms:
            yield from _polygons(part)


def _fill(
    draw: ImageDraw.ImageDraw,
    geometry: BaseGeometry,
    project: Callable[[float, float], Pixel],
    colour: tuple[int, int, int],
) -> None:
    for polygon in _polygons(geometry):
        draw.polygon([project(x, y) for x, y in polygon.exterior.coords], fill=colour)
        for hole in polygon.interiors:
            draw.polygon([project(x, y) for x, y in hole.coords], fill=_OCEAN)


def _smooth(points: Sequence[tuple[float, float]], rounds: int = 3) -> list[tuple[float, float]]:
    """Chaikin corner cutting: a polyline that meanders instead of zig-zagging."""
    pts = list(points)
    for _ in range(rounds):
        out = [pts[0]]
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            out += [(0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1), (0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1)]
        out.append(pts[-1])
        pts = out
    return pts


def _scatter(area: BaseGeometry, count: int, spacing: float, rng: random.Random) -> list[tuple[float, float]]:
    """Up to `count` points inside `area`, `spacing` degrees apart and clear of every place marker."""
    minx, miny, maxx, maxy = area.bounds
    found: list[tuple[float, float]] = []
    markers = [(p.lon, p.lat) for p in PLACES]
    for _ in range(count * 40):
        if len(found) >= count:
            break
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not area.contains(Point(x, y)):
            continue
        if any((x - a) ** 2 + (y - b) ** 2 < spacing**2 for a, b in found):
            continue
        if any((x - a) ** 2 + (y - b) ** 2 < 0.45**2 for a, b in markers):
            continue
        found.append((x, y))
    return sorted(found, key=lambda p: -p[1])  # paint back to front


def _glyphs(draw: ImageDraw.ImageDraw, project: Callable[[float, float], Pixel], rng: random.Random) -> None:
    s = _SCALE
    for key, count, spacing in (("greyspire", 80, 0.75), ("thornvale", 110, 0.6), ("mirefen", 90, 0.7)):
        area = province_shape(key).buffer(-0.35)
        for lon, lat in _scatter(area, count, spacing, rng):
            x, y = project(lon, lat)
            if key == "greyspire":  # a hill: light and shadow flanks
                h, w = rng.uniform(11, 17) * s, rng.uniform(9, 13) * s
                draw.polygon([(x - w, y + h / 3), (x, y - h), (x, y + h / 3)], fill=(198, 194, 182))
                draw.polygon([(x, y - h), (x + w, y + h / 3), (x, y + h / 3)], fill=(132, 126, 114))
                draw.line([(x - w, y + h / 3), (x, y - h), (x + w, y + h / 3)], fill=_INK, width=s)
            elif key == "thornvale":  # a copse of three crowns
                for dx, dy in ((-5, 1), (5, 1), (0, -4)):
                    r = rng.uniform(4.5, 6.5) * s
                    cx, cy = x + dx * s, y + dy * s
                    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(92, 132, 72), outline=(60, 90, 50), width=s)
            else:  # marsh: reeds over a water line
                draw.line([(x - 9 * s, y), (x + 9 * s, y)], fill=(84, 120, 132), width=s)
                for dx, top in ((-4, 9), (0, 13), (4, 10)):
                    draw.line([(x + dx * s, y), (x + dx * s * 1.3, y - top * s)], fill=(70, 96, 60), width=s)
    for lon, lat in _scatter(province_shape("saltmarch").buffer(-0.35), 45, 0.8, rng):  # dunes
        x, y = project(lon, lat)
        draw.arc([x - 10 * s, y - 5 * s, x + 10 * s, y + 5 * s], 200, 340, fill=(170, 150, 104), width=2 * s)


def _dotted(draw: ImageDraw.ImageDraw, points: Sequence[Pixel], colour: tuple[int, int, int], step: float) -> None:
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        for i in range(int(length // step)):
            t = i * step / length
            x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            draw.ellipse([x - 1.6 * _SCALE, y - 1.6 * _SCALE, x + 1.6 * _SCALE, y + 1.6 * _SCALE], fill=colour)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (OSError, ImportError, TypeError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def _label(draw: ImageDraw.ImageDraw, xy: Pixel, text: str, size: int, fill: tuple[int, int, int]) -> None:
    spaced = " ".join(text.upper())
    font = _font(size)
    draw.text(xy, spaced, font=font, fill=fill, anchor="mm", stroke_width=2 * _SCALE, stroke_fill=(236, 228, 206))


def _compass(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    light, dark = (236, 228, 206), _INK
    for angle in range(0, 360, 90):
        a = math.radians(angle)
        tip = (cx + r * math.sin(a), cy - r * math.cos(a))
        left = (cx + 0.22 * r * math.sin(a - math.pi / 2), cy - 0.22 * r * math.cos(a - math.pi / 2))
        right = (cx + 0.22 * r * math.sin(a + math.pi / 2), cy - 0.22 * r * math.cos(a + math.pi / 2))
        draw.polygon([tip, left, (cx, cy)], fill=light, outline=dark)
        draw.polygon([tip, right, (cx, cy)], fill=dark, outline=dark)
    draw.ellipse([cx - 0.12 * r, cy - 0.12 * r, cx + 0.12 * r, cy + 0.12 * r], fill=light, outline=dark, width=_SCALE)
    draw.text((cx, cy - r - 14 * _SCALE), "N", font=_font(22 * _SCALE), fill=light, anchor="mm")


def render_map() -> Image.Image:
    """The map as an RGB image of WIDTH x HEIGHT pixels."""
    w, h = WIDTH * _SCALE, HEIGHT * _SCALE
    project = projector(w, h)
    image = Image.new("RGB", (w, h), _OCEAN)
    draw = ImageDraw.Draw(image)
    land = continent()
    for distance, colour in _SHALLOWS:
        _fill(draw, land.buffer(distance, quad_segs=12), project, colour)
    for province in PROVINCES:
        _fill(draw, province_shape(province.key), project, province.tint)
    _glyphs(draw, project, random.Random(1207))
    for river in RIVERS:
        course = river_line(river)
        for part in getattr(course, "geoms", [course]):
            pts = _smooth([project(x, y) for x, y in part.coords])
            draw.line(pts, fill=_RIVER, width=5 * _SCALE, joint="curve")
    for province in PROVINCES:
        for polygon in _polygons(province_shape(province.key)):
            border = [project(x, y) for x, y in polygon.exterior.coords]
            _dotted(draw, border, (96, 84, 70), 9 * _SCALE)
    coast = [project(x, y) for x, y in land.exterior.coords]
    draw.line(coast, fill=_COAST, width=4 * _SCALE, joint="curve")
    for province in PROVINCES:
        lon, lat = _LABELS[province.key]
        _label(draw, project(lon, lat), province.name, 20 * _SCALE, _INK)
    _label(draw, project(-15.0, 10.6), REALM_NAME, 44 * _SCALE, (236, 228, 206))
    _compass(draw, *project(17.0, -10.0), 44 * _SCALE)
    draw.rectangle([0, 0, w - 1, h - 1], outline=(34, 30, 26), width=6 * _SCALE)
    return image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def render_png() -> bytes:
    """The map as PNG bytes (palette image, a few hundred kilobytes)."""
    image = render_map().quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
