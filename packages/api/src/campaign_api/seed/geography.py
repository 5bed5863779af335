"""The demo continent in longitude/latitude: coastline, nested regions, places and rivers.

One definition feeds both the map image (`mapimage`) and the locations the seed stores, so the
points and polygons drawn by the frontend sit exactly on the painted land. Everything is computed
from constants: the same geometry on every run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from shapely.geometry import LineString, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

#: [west, south, east, north] in degrees: the area the map image covers (stored as the world's map bounds)
MAP_BOUNDS: tuple[float, float, float, float] = (-20.0, -12.5, 20.0, 12.5)

# a star-shaped coastline: an ellipse whose radius wobbles with a few fixed harmonics, and a bay in the south
_SEMI_AXES = (15.0, 9.0)
_HARMONICS = (
    (3, 0.10, 0.4),
    (5, 0.07, 1.3),
    (7, 0.05, 2.1),
    (11, 0.03, 0.7),
    (13, 0.025, 0.2),
    (17, 0.014, 2.9),
    (23, 0.012, 1.1),
    (37, 0.006, 0.5),
)
_BAYS = ((-1.75, 0.20, 0.16), (2.6, 0.12, 0.12))  # (angle, depth, width) in radians
_COAST_VERTICES = 240


def _radius(theta: float) -> float:
    wobble = 1.0 + sum(amp * math.sin(k * theta + phase) for k, amp, phase in _HARMONICS)
    for angle, depth, width in _BAYS:
        delta = math.atan2(math.sin(theta - angle), math.cos(theta - angle))
        wobble -= depth * math.exp(-((delta / width) ** 2))
    return wobble


@cache
def continent() -> Polygon:
    """The coastline of Calderwyn as one valid polygon (counter-clockwise, as RFC 7946 asks)."""
    a, b = _SEMI_AXES
    ring = []
    for i in range(_COAST_VERTICES):
        theta = 2 * math.pi * i / _COAST_VERTICES
        r = _radius(theta)
        ring.append((round(a * r * math.cos(theta), 4), round(b * r * math.sin(theta), 4)))
    polygon = Polygon(ring)
    assert polygon.is_valid, "the coastline must be a simple polygon"
    return polygon


@dataclass(frozen=True, slots=True)
class Province:
    key: str
    name: str
    description: str
    cell: tuple[tuple[float, float], ...]  # a rough cell of the bounds; the province is cell ∩ continent
    tint: tuple[int, int, int]  # land colour on the map image


PROVINCES: tuple[Province, ...] = (
    Province(
        "saltmarch",
        "Saltmarch Coast",
        "Salt flats, wrecking reefs and the lighthouse towns of the western shore.",
        ((-20, -12.5), (-4, -12.5), (-6, -2), (-3, 3), (-20, 4)),
        (214, 200, 150),
    ),
    Province(
        "greyspire",
        "Greyspire Highlands",
        "Granite ridges and deep mines under the rule of the mountain thanes.",
        ((-20, 4), (-3, 3), (4, 2), (8, 7), (9, 12.5), (-20, 12.5)),
        (176, 172, 160),
    ),
    Province(
        "thornvale",
        "Thornvale",
        "The green heart of the realm: orchards, bramble woods and the great toll road.",
        ((-4, -12.5), (5, -12.5), (7, -3), (4, 2), (-3, 3), (-6, -2)),
        (160, 190, 120),
    ),
    Province(
        "mirefen",
        "Mirefen Wilds",
        "Reed-choked lowlands of the east, where the rivers lose their way and the old abbey drowned.",
        ((5, -12.5), (20, -12.5), (20, 12.5), (9, 12.5), (8, 7), (4, 2), (7, -3)),
        (132, 160, 128),
    ),
)

REALM_NAME = "Calderwyn"
REALM_DESCRIPTION = (
    "The continent of Calderwyn: four provinces under three crowns, ringed by beacon towers whose "
    "ember-stones have burned since the Kindling."
)


def _clean(geometry: BaseGeometry) -> BaseGeometry:
    """Rounded to 5 decimals (about a metre) and still valid."""
    rounded = shape(_round(mapping(geometry)))
    return rounded if rounded.is_valid else rounded.buffer(0)


def _round(node: Any) -> Any:
    if isinstance(node, float | int):
        return round(float(node), 5)
    if isinstance(node, tuple | list):
        return [_round(item) for item in node]
    if isinstance(node, dict):
        return {key: _round(value) for key, value in node.items()}
    return node


@cache
def province_shape(key: str) -> BaseGeometry:
    province = next(p for p in PROVINCES if p.key == key)
    return _clean(Polygon(province.cell).intersection(continent()))


def geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """A GeoJSON geometry dict with plain lists (what the API stores and validates)."""
    data: dict[str, Any] = _round(mapping(geometry))
    return data


@dataclass(frozen=True, slots=True)
class Place:
    key: str
    name: str
    lon: float
    lat: float
    province: str
    description: str
    gm_notes: str = ""
    hidden: bool = False

    def geojson(self) -> dict[str, Any]:
        return {"type": "Point", "coordinates": [self.lon, self.lat]}


#: 9 settlement sites first (one settlement each), then 16 other places: 25 points in all
PLACES: tuple[Place, ...] = (
    # Saltmarch Coast
    Place(
        "emberlee", "Port Emberlee", -11.9, -1.1, "saltmarch", "Harbour capital of Lanternhold, under the Beacon Hill."
    ),
    Place("wickfield", "Wickfield", -9.5, 1.8, "saltmarch", "Candle-makers and tallow farms along the coast road."),
    # Thornvale
    Place("thornbury", "Thornbury", -2.0, -3.0, "thornvale", "Market town where the toll road crosses the Aster."),
    # Greyspire Highlands
    Place(
        "hammerdeep", "Hammerdeep", -6.0, 6.2, "greyspire", "The thane-hall city, half of it carved into the mountain."
    ),
    Place("cairnwatch", "Cairnwatch", 0.5, 5.5, "greyspire", "Walled town guarding the Iron Gate Pass."),
    Place("frostholt", "Frostholt", -11.0, 5.3, "greyspire", "A hamlet of herders high on the western ridges."),
    # Mirefen Wilds
    Place("reedhaven", "Reedhaven", 10.5, 0.5, "mirefen", "Stilt-town of eel-fishers and reed-cutters."),
    Place("bogmoor", "Bogmoor Crossing", 7.5, -4.5, "mirefen", "A ferry village where the causeway meets the fen."),
    Place("glimmerpool", "Glimmerpool", 12.7, 3.8, "mirefen", "Tiny village on a lake that glows at midsummer."),
    # other places
    Place(
        "lighthouse",
        "The Sunken Lighthouse",
        -12.6,
        -3.7,
        "saltmarch",
        "The oldest beacon of the coast, its foot drowned by the tide.",
        gm_notes="The ember-stone was swapped for painted glass a month ago.",
    ),
    Place("saltpans", "The Salt Pans", -8.0, -5.4, "saltmarch", "White flats where the wreckers hide their boats."),
    Place(
        "smugglers_cove", "Smuggler's Cove", -13.2, 2.2, "saltmarch", "A hidden inlet below the cliffs of Wickfield."
    ),
    Place(
        "widows_ford", "Widow's Ford", -5.6, -0.6, "saltmarch", "Shallow crossing of the Aster; ambushes are common."
    ),
    Place("kiln_ruins", "Old Kiln Ruins", -1.2, -6.0, "thornvale", "Broken potteries of a village that burned."),
    Place("bramble_shrine", "Brambleheart Shrine", 2.0, -1.6, "thornvale", "A shrine grown through by thorns."),
    Place(
        "tollbridge", "Tollbridge of Aster", -3.4, -1.4, "thornvale", "Stone bridge and toll-house on the royal road."
    ),
    Place("candlemoss", "Candlemoss Grove", 3.0, -6.2, "thornvale", "Pilgrims leave candles in the moss here."),
    Place("stag_barrow", "Stag Barrow", 0.8, 0.4, "thornvale", "A grave mound crowned by antlered stones."),
    Place("greyspire_peak", "Greyspire Peak", -3.6, 7.6, "greyspire", "The highest summit; its snows never melt."),
    Place("iron_gate", "The Iron Gate Pass", 2.4, 6.8, "greyspire", "The only road through the northern ridges."),
    Place(
        "glassworm_caves",
        "Glassworm Caves",
        -8.4,
        6.1,
        "greyspire",
        "Caverns lit by the glow of crystal worms.",
        gm_notes="The Hollow Choir meets in the third cavern.",
    ),
    Place("watchfire_tor", "Watchfire Tor", -1.0, 3.9, "greyspire", "A signal hill above the vale."),
    Place("lake_mirrowen", "Lake Mirrowen", 10.0, -2.6, "mirefen", "A wide, shallow lake that swells every spring."),
    Place(
        "drowned_abbey",
        "The Drowned Abbey",
        14.2,
        -1.2,
        "mirefen",
        "Roofless abbey standing in black water; its bell still tolls.",
        gm_notes="The bell anchors the Choir's rite.",
        hidden=True,
    ),
    Place(
        "witchlight",
        "Witchlight Hollow",
        11.0,
        5.7,
        "mirefen",
        "Marsh lights dance here on moonless nights.",
        hidden=True,
    ),
)


@dataclass(frozen=True, slots=True)
class River:
    name: str
    points: tuple[tuple[float, float], ...]  # from the source to (past) the sea; clipped to the coast


RIVERS: tuple[River, ...] = (
    River("Aster", ((-4.0, 7.2), (-4.6, 4.5), (-3.6, 1.5), (-4.8, -1.0), (-7.5, -2.4), (-11.0, -2.6), (-16.0, -3.4))),
    River("Greywater", ((-9.5, 6.8), (-10.8, 4.2), (-12.4, 3.0), (-16.5, 2.8))),
    River("Mirrow", ((3.2, 5.2), (5.6, 2.4), (8.2, -0.4), (10.0, -2.6), (12.2, -5.5), (13.5, -10.5))),
    River("Fenrun", ((12.5, 5.5), (14.0, 2.5), (15.8, 0.8), (19.0, 0.4))),
)


def river_line(river: River) -> BaseGeometry:
    """The river's course on land (its mouth is where it meets the coast)."""
    return LineString(river.points).intersection(continent())


def check() -> None:
    """Assert the geography is consistent: provinces inside the realm, each place in its province."""
    land = continent()
    for province in PROVINCES:
        area = province_shape(province.key)
        assert area.is_valid and not area.is_empty, province.key
        assert area.difference(land.buffer(1e-4)).is_empty, province.key
    for place in PLACES:
        assert province_shape(place.province).contains(Point(place.lon, place.lat)), place.key
    west, south, east, north = MAP_BOUNDS
    assert land.bounds[0] > west and land.bounds[1] > south and land.bounds[2] < east and land.bounds[3] < north
