"""What the demo world contains: our own invented names and prose, nothing from a published setting.

Entities are named by keys (`kd.lanternhold`, `ev.beacon_dark` …). Values that refer to other
entities hold `"@<key>"` strings; the builder replaces them with the ids it created. Times are
dates in the world's calendar (the `kindled` preset: 13 months of 28 days, a leap week every fifth
year except every fortieth, eras BK and KR).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WORLD_NAME = "Calderwyn (demo)"
WORLD_DESCRIPTION = (
    "A demo world for Campaign Manager: a small continent of four provinces and three crowns, whose coast "
    "is guarded by beacon towers burning ember-stones. Explore it, change it, break it: `campaign-api "
    "reset-demo` puts it back."
)
CALENDAR = "kindled"
CAMPAIGN_NAME = "Embers of Calderwyn"
CAMPAIGN_DESCRIPTION = (
    "The beacons of the Saltmarch Coast are going dark one by one. Someone is stealing the ember-stones, "
    "and a choir nobody admits to hearing sings beneath the mountains. The Lantern Wardens have one "
    "summer to find out who, and why."
)
START = "1207-03-01 08:00"  # 1 Seedsong 1207 KR
NOW = "1207-05-12 18:00"  # main's clock after the seed (12 Bloomward 1207 KR)

# -- kingdoms, settlements, structures --------------------------------------------------------------

KINGDOM_SCHEMAS: list[dict[str, Any]] = [
    {
        "name": "stance",
        "type": "enum",
        "enum_values": ["neutral", "wary", "allied", "hostile"],
        "default": "neutral",
        "description": "attitude towards the Lantern Wardens and their cause",
    },
    {"name": "tax_rate", "type": "number", "default": 0.1, "description": "share of trade the crown takes"},
    {"name": "motto", "type": "string", "default": "", "description": "words on the banner"},
]


@dataclass(frozen=True, slots=True)
class KingdomSpec:
    key: str
    name: str
    level: int
    description: str
    gm_notes: str
    variables: dict[str, Any]
    treasury: float
    levy: int


KINGDOMS: tuple[KingdomSpec, ...] = (
    KingdomSpec(
        "kd.lanternhold",
        "Kingdom of Lanternhold",
        4,
        "A seafaring crown whose kings have kept the beacon towers lit for three hundred years.",
        "Queen Aldra is gravely ill and hides it; her daughter Ysolde is untested.",
        {"stance": "neutral", "tax_rate": 0.1, "motto": "The light keeps us."},
        12000.0,
        400,
    ),
    KingdomSpec(
        "kd.greyspire",
        "Greyspire Thanedom",
        3,
        "Seven mountain thanes who elect one of their own as high thane for life.",
        "The thanes owe Lanternhold money and resent it.",
        {"stance": "neutral", "tax_rate": 0.15, "motto": "Stone remembers."},
        8000.0,
        600,
    ),
    KingdomSpec(
        "kd.mirefen",
        "Mirefen Compact",
        2,
        "A loose league of fen villages that answers to no crown and pays no one's tithe willingly.",
        "",
        {"stance": "wary", "tax_rate": 0.05, "motto": "We bend, we do not break."},
        2500.0,
        150,
    ),
)

SETTLEMENT_SCHEMAS: list[dict[str, Any]] = [
    {"name": "treasury", "type": "number", "default": 0, "description": "coin in the town chest"},
    {
        "name": "mood",
        "type": "enum",
        "enum_values": ["jubilant", "content", "uneasy", "unrest"],
        "default": "content",
        "description": "how the townsfolk feel",
    },
    {"name": "militia", "type": "number", "default": 0, "description": "armed townsfolk"},
    {"name": "specialty", "type": "string", "default": "", "description": "what the town is known for"},
]


@dataclass(frozen=True, slots=True)
class SettlementSpec:
    key: str
    place: str  # key of its point location
    kingdom: str
    level: int
    population: int
    variables: dict[str, Any]
    description: str
    gm_notes: str = ""


SETTLEMENTS: tuple[SettlementSpec, ...] = (
    SettlementSpec(
        "st.emberlee",
        "emberlee",
        "kd.lanternhold",
        6,
        14200,
        {"treasury": 6200, "mood": "content", "militia": 240, "specialty": "ember-glass"},
        "The royal harbour: glassworks, shipyards and the palace on Beacon Hill.",
        "Half the harbour guard is in Magistrate Vell's pay.",
    ),
    SettlementSpec(
        "st.thornbury",
        "thornbury",
        "kd.lanternhold",
        3,
        2300,
        {"treasury": 1400, "mood": "content", "militia": 60, "specialty": "cider and wool"},
        "A busy market town where the royal road crosses the river Aster.",
    ),
    SettlementSpec(
        "st.wickfield",
        "wickfield",
        "kd.lanternhold",
        2,
        900,
        {"treasury": 500, "mood": "content", "militia": 20, "specialty": "candles"},
        "Tallow farms and candle-makers along the cliff road.",
    ),
    SettlementSpec(
        "st.hammerdeep",
        "hammerdeep",
        "kd.greyspire",
        5,
        8300,
        {"treasury": 4800, "mood": "content", "militia": 300, "specialty": "iron and silver"},
        "The thane-hall city, half of it cut into the living rock.",
    ),
    SettlementSpec(
        "st.cairnwatch",
        "cairnwatch",
        "kd.greyspire",
        3,
        1800,
        {"treasury": 900, "mood": "content", "militia": 120, "specialty": "tolls of the pass"},
        "A walled town that holds the Iron Gate Pass.",
    ),
    SettlementSpec(
        "st.frostholt",
        "frostholt",
        "kd.greyspire",
        2,
        700,
        {"treasury": 300, "mood": "content", "militia": 15, "specialty": "wool and hard cheese"},
        "A herders' hamlet on the windy western ridges.",
        "The old well behind the granary leads down into the Glassworm Caves.",
    ),
    SettlementSpec(
        "st.reedhaven",
        "reedhaven",
        "kd.mirefen",
        4,
        3900,
        {"treasury": 1600, "mood": "content", "militia": 80, "specialty": "eels and reed paper"},
        "A town on stilts, joined by rope bridges, smelling of smoke and eel.",
    ),
    SettlementSpec(
        "st.bogmoor",
        "bogmoor",
        "kd.mirefen",
        2,
        650,
        {"treasury": 260, "mood": "uneasy", "militia": 10, "specialty": "ferry tolls"},
        "A ferry village where the stone causeway sinks into the fen.",
    ),
    SettlementSpec(
        "st.glimmerpool",
        "glimmerpool",
        "kd.mirefen",
        1,
        320,
        {"treasury": 120, "mood": "content", "militia": 5, "specialty": "glow-pearls"},
        "A handful of huts on a lake that shines at midsummer.",
    ),
)

STRUCTURE_SCHEMAS: dict[str, list[dict[str, Any]]] = {
    "default": [{"name": "staff", "type": "number", "default": 0, "description": "people working here"}],
    "inn": [
        {"name": "staff", "type": "number", "default": 0, "description": "people working here"},
        {"name": "rooms", "type": "number", "default": 4, "description": "beds for travellers"},
    ],
    "temple": [
        {"name": "staff", "type": "number", "default": 0, "description": "people working here"},
        {
            "name": "devotion",
            "type": "enum",
            "enum_values": ["lapsed", "steady", "fervent"],
            "default": "steady",
            "description": "how many come to pray",
        },
    ],
}


@dataclass(frozen=True, slots=True)
class StructureSpec:
    key: str
    settlement: str
    structure_type: str
    name: str
    level: int
    staff: int
    description: str
    condition: int = 100
    operational: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


STRUCTURES: tuple[StructureSpec, ...] = (
    StructureSpec(
        "sx.beacon_temple",
        "st.emberlee",
        "temple",
        "Temple of the Kindled Flame",
        4,
        12,
        "Its eternal fire lights every beacon's first ember.",
        extra={"devotion": "fervent"},
    ),
    StructureSpec(
        "sx.salted_lantern", "st.emberlee", "inn", "The Salted Lantern", 3, 9, "Sailors' inn.", extra={"rooms": 14}
    ),
    StructureSpec("sx.emberlee_harbour", "st.emberlee", "harbor", "Emberlee Harbour", 5, 60, "Deep-water quays."),
    StructureSpec("sx.glass_market", "st.emberlee", "market", "Glasswright Market", 4, 30, "Ember-glass traders."),
    StructureSpec("sx.harbour_tower", "st.emberlee", "watchtower", "Harbour Watchtower", 3, 8, "Watches the bay."),
    StructureSpec("sx.market_cross", "st.thornbury", "market", "Thornbury Market Cross", 3, 14, "Sheep and cider."),
    StructureSpec(
        "sx.crooked_thorn", "st.thornbury", "inn", "The Crooked Thorn", 2, 5, "Drovers' inn.", extra={"rooms": 6}
    ),
    StructureSpec("sx.aster_mill", "st.thornbury", "mill", "Aster Mill", 2, 4, "Grinds the valley's grain."),
    StructureSpec(
        "sx.shrine_hearth",
        "st.wickfield",
        "shrine",
        "Shrine of the Hearth",
        1,
        1,
        "A roadside shrine, desecrated last winter.",
        condition=70,
    ),
    StructureSpec("sx.chandlers_hall", "st.wickfield", "guildhall", "Chandlers' Hall", 2, 6, "The candle guild."),
    StructureSpec(
        "sx.thane_hall", "st.hammerdeep", "guildhall", "Hall of the Seven Thanes", 5, 40, "Where thanes are elected."
    ),
    StructureSpec("sx.deepforge", "st.hammerdeep", "smithy", "The Deepforge", 5, 25, "Forges fed by a hot spring."),
    StructureSpec("sx.thanes_barracks", "st.hammerdeep", "barracks", "Thanes' Barracks", 2, 50, "Home of the levy."),
    StructureSpec(
        "sx.silvervein", "st.hammerdeep", "mine", "Silvervein Mine", 4, 120, "The richest vein of the north."
    ),
    StructureSpec(
        "sx.iron_gate_tower", "st.cairnwatch", "watchtower", "Iron Gate Watchtower", 4, 16, "Guards the pass."
    ),
    StructureSpec("sx.cairnwatch_wall", "st.cairnwatch", "wall", "Cairnwatch Wall", 3, 10, "Dry-stone town wall."),
    StructureSpec("sx.last_hearth", "st.cairnwatch", "inn", "The Last Hearth", 2, 4, "Last inn before the pass."),
    StructureSpec("sx.frostholt_granary", "st.frostholt", "granary", "Frostholt Granary", 1, 2, "Winter stores."),
    StructureSpec("sx.herders_shrine", "st.frostholt", "shrine", "Herders' Shrine", 1, 1, "Cairn of the shepherds."),
    StructureSpec("sx.eel_market", "st.reedhaven", "market", "Reedhaven Eel Market", 3, 18, "Smoked eel and gossip."),
    StructureSpec(
        "sx.tide_temple",
        "st.reedhaven",
        "temple",
        "Stilt Temple of the Tides",
        2,
        5,
        "Prayers for low water.",
        extra={"devotion": "steady"},
    ),
    StructureSpec("sx.paper_mill", "st.reedhaven", "mill", "Reed Paper Mill", 2, 8, "Paper for half the realm."),
    StructureSpec(
        "sx.drifting_eel", "st.reedhaven", "inn", "The Drifting Eel", 2, 4, "An inn on a raft.", extra={"rooms": 5}
    ),
    StructureSpec("sx.ferry_landing", "st.bogmoor", "harbor", "Ferry Landing", 1, 3, "Rafts across the fen."),
    StructureSpec(
        "sx.causeway_tower",
        "st.bogmoor",
        "watchtower",
        "Causeway Watchtower",
        1,
        0,
        "A ruin since the floods of 1203.",
        condition=0,
        operational=False,
    ),
    StructureSpec("sx.pearl_jetty", "st.glimmerpool", "harbor", "Pearl-divers' Jetty", 1, 6, "Boats and nets."),
    StructureSpec("sx.lantern_shrine", "st.glimmerpool", "shrine", "Lantern Shrine", 1, 1, "Floating candles."),
)

# -- the party and other characters ---------------------------------------------------------------

PARTY_KEY = "pt.wardens"
PARTY_NAME = "The Lantern Wardens"
PARTY_DESCRIPTION = "Sworn by the harbour council to find out who is putting out the beacons."
PARTY_SCHEMAS: list[dict[str, Any]] = [
    {"name": "renown", "type": "number", "default": 0, "description": "how well known the party is"},
    {
        "name": "supplies",
        "type": "enum",
        "enum_values": ["scarce", "adequate", "plentiful"],
        "default": "adequate",
        "description": "food, rope and lamp oil",
    },
    {"name": "funds", "type": "number", "default": 40, "description": "shared purse in silver"},
]
CHARACTER_SCHEMAS: list[dict[str, Any]] = [
    {"name": "hp", "type": "number", "default": 20, "description": "hit points"},
    {"name": "inspiration", "type": "boolean", "default": False, "description": "a spark the GM awarded"},
]


@dataclass(frozen=True, slots=True)
class CharacterSpec:
    key: str
    name: str
    race: str
    character_class: str
    level: int
    description: str
    in_party: bool = True
    is_npc: bool = False
    played_by_player: bool = False
    hp: int = 20
    gm_notes: str = ""
    hidden: bool = False


CHARACTERS: tuple[CharacterSpec, ...] = (
    CharacterSpec(
        "ch.isolde",
        "Isolde Varr",
        "human",
        "ranger",
        4,
        "A coast-warden's daughter who tracks smugglers by the smell of their lamp oil.",
        played_by_player=True,
        hp=34,
    ),
    CharacterSpec(
        "ch.tamsin",
        "Tamsin Oake",
        "dwarf",
        "cleric",
        4,
        "A priest of the Kindled Flame, keeper of the temple's ember-book.",
        hp=38,
    ),
    CharacterSpec(
        "ch.quill",
        "Quill Thistledown",
        "halfling",
        "rogue",
        3,
        "A former wrecker who switched sides for a royal pardon.",
        hp=22,
    ),
    CharacterSpec(
        "ch.seraphine",
        "Seraphine Dusk",
        "elf",
        "wizard",
        5,
        "A scholar of old fire-magic, who came for the beacons and stayed for the mystery.",
        hp=26,
    ),
    CharacterSpec(
        "ch.vell",
        "Magistrate Orrin Vell",
        "human",
        "aristocrat",
        6,
        "Magistrate of Port Emberlee, patron of the harbour council.",
        in_party=False,
        is_npc=True,
        hp=30,
        gm_notes="The ember-thief. He fences the stones through the smugglers of the cove.",
    ),
    CharacterSpec(
        "ch.tallow_witch",
        "The Tallow Witch",
        "human",
        "witch",
        8,
        "A candle-maker of Wickfield whom nobody remembers growing old.",
        in_party=False,
        is_npc=True,
        hp=45,
        gm_notes="She left the Hollow Choir long ago and will trade what she knows for a stolen ember-stone.",
        hidden=True,
    ),
)

# -- state variables --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlagSpec:
    key: str
    var_type: str
    value: Any
    description: str


#: campaign flags (CAMPAIGN scope), readable by rules as `flags.<key>`
FLAGS: tuple[FlagSpec, ...] = (
    FlagSpec("lighthouse_dark", "BOOLEAN", False, "the Sunken Lighthouse has gone dark"),
    FlagSpec("council_convened", "BOOLEAN", False, "the harbour council has sworn in the Wardens"),
    FlagSpec("smugglers_known", "BOOLEAN", False, "the party knows about the smugglers of the cove"),
    FlagSpec("alliance_forged", "BOOLEAN", False, "Lanternhold and the thanes have sworn the pact"),
    FlagSpec("choir_ascendant", "BOOLEAN", False, "the Hollow Choir completed its rite"),
    FlagSpec("threat_level", "INTEGER", 1, "how close the Choir is to its goal (1-5)"),
    FlagSpec(
        "world_rules",
        "JSON",
        {"maintenance": {"upkeepByType": {"temple": 12, "watchtower": 8, "wall": 6}}},
        "growth and upkeep rules of this campaign (overrides of the defaults)",
    ),
)

#: a derived variable of every kingdom: readiness for war from its treasury and levy
WAR_READINESS_FORMULA: dict[str, Any] = {
    "+": [{"/": [{"var": "var.treasury"}, 200]}, {"*": [{"var": "var.levy"}, 0.1]}]
}

# -- events and encounters --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OccurrenceSpec:
    key: str  # ev.* for events, en.* for encounters
    name: str
    place: str
    scheduled: str
    description: str
    gm_notes: str = ""
    event_type: str = "STORY"  # events only
    expires: str | None = None  # events only
    difficulty: int = 1  # encounters only
    hidden: bool = False

    @property
    def is_event(self) -> bool:
        return self.key.startswith("ev.")


EVENTS: tuple[OccurrenceSpec, ...] = (
    OccurrenceSpec(
        "ev.beacon_dark",
        "The Beacon Goes Dark",
        "lighthouse",
        "1207-03-02 09:00",
        "On a moonless night the Sunken Lighthouse fails, and two ships break on the reefs of the Salt Pans.",
        "Vell's men swapped the ember-stone for painted glass; the glass cracked in the first frost.",
    ),
    OccurrenceSpec(
        "ev.harbour_council",
        "Council in the Harbour Hall",
        "emberlee",
        "1207-03-05 14:00",
        "The harbour council swears in a band of wardens to find the beacon-breakers.",
        "Vell argues loudest for the investigation, to steer it.",
        event_type="KINGDOM",
    ),
    OccurrenceSpec(
        "ev.smuggler_lights",
        "Smugglers' Lanterns",
        "smugglers_cove",
        "1207-03-10 22:00",
        "Green lanterns bob below the cliffs of Wickfield, signalling to a ship with no flag.",
    ),
    OccurrenceSpec(
        "ev.toll_levy",
        "The Tollbridge Levy",
        "tollbridge",
        "1207-03-12 08:00",
        "The crown raises a war levy at the Tollbridge of Aster. Someone has to see it collected.",
        "If nobody takes the job, Thornbury's militia melts away.",
        event_type="KINGDOM",
        expires="1207-03-20 08:00",
    ),
    OccurrenceSpec(
        "ev.drowned_bell",
        "The Drowned Bell Tolls",
        "drowned_abbey",
        "1207-04-01 00:00",
        "At midnight a bell tolls from under the water of the Mirefen.",
        "Only those with choir-blood hear it. Isolde hears it in her dreams.",
        event_type="WORLD",
        hidden=True,
    ),
    OccurrenceSpec(
        "ev.thief_unmasked",
        "The Ember-Thief Unmasked",
        "emberlee",
        "1207-04-12 12:00",
        "The trail of stolen ember-stones leads back to the magistrate's own cellar.",
    ),
    OccurrenceSpec(
        "ev.market_riot",
        "Market-Day Riot",
        "reedhaven",
        "1207-04-20 08:00",
        "Eel prices triple overnight and the market of Reedhaven boils over.",
        "Choir agents stir the crowd to keep the Compact busy.",
        event_type="PARTY",
        expires="1207-04-22 08:00",
    ),
    OccurrenceSpec(
        "ev.festival",
        "Festival of First Bloom",
        "thornbury",
        "1207-05-01 10:00",
        "Orchards in flower, cider on every table and a fair on the green.",
        event_type="WORLD",
        expires="1207-05-03 00:00",
    ),
    OccurrenceSpec(
        "ev.thanes_pact",
        "Pact with the Thanes",
        "hammerdeep",
        "1207-05-20 10:00",
        "Lanternhold's envoys ask the thanes for soldiers against the Choir.",
        "The thanes will agree only if the debt is forgiven.",
        event_type="KINGDOM",
    ),
    OccurrenceSpec(
        "ev.floods",
        "The Mirefen Floods",
        "lake_mirrowen",
        "1207-05-25 06:00",
        "Lake Mirrowen bursts its reed banks and the causeway goes under.",
        "The Choir opened the old sluices to drown the abbey's approach.",
        event_type="WORLD",
        hidden=True,
    ),
    OccurrenceSpec(
        "ev.succession",
        "The Succession Crisis",
        "hammerdeep",
        "1207-05-27 12:00",
        "Rumours say the high thane has not been seen since winter.",
        event_type="KINGDOM",
    ),
    OccurrenceSpec(
        "ev.choir_beneath",
        "The Choir Beneath Greyspire",
        "glassworm_caves",
        "1207-06-05 20:00",
        "Deep in the caves, a hundred voices sing one endless note.",
    ),
    OccurrenceSpec(
        "ev.choir_rite",
        "Rite of the Hollow Choir",
        "drowned_abbey",
        "1207-06-20 00:00",
        "On the shortest night the Choir gathers at the abbey to sing the last ember out.",
        "If the rite completes, every beacon on the coast dies within a month.",
        expires="1207-06-22 00:00",
    ),
    OccurrenceSpec(
        "ev.harvest_tithe",
        "The Harvest Tithe",
        "reedhaven",
        "1207-07-01 09:00",
        "The Compact's speakers gather the summer tithe, if the town lets them.",
        event_type="KINGDOM",
    ),
    OccurrenceSpec(
        "ev.relight",
        "Relighting the Beacon",
        "lighthouse",
        "1207-07-10 21:00",
        "With a true ember-stone the Sunken Lighthouse can burn again.",
    ),
    OccurrenceSpec(
        "ev.coronation",
        "Coronation of the Ember Queen",
        "emberlee",
        "1207-08-01 12:00",
        "Princess Ysolde is crowned under a relit sky, if there is a kingdom left to crown her.",
        event_type="KINGDOM",
    ),
)

ENCOUNTERS: tuple[OccurrenceSpec, ...] = (
    OccurrenceSpec(
        "en.wreckers",
        "Wreckers on the Salt Pans",
        "saltpans",
        "1207-03-03 18:00",
        "Wreckers pick over the ships the dark beacon sank.",
        difficulty=3,
    ),
    OccurrenceSpec(
        "en.toll_shakedown",
        "Toll-House Shakedown",
        "tollbridge",
        "1207-03-14 10:00",
        "Toll-keepers skim the levy and don't like witnesses.",
        difficulty=2,
    ),
    OccurrenceSpec(
        "en.widows_ford",
        "Ambush at Widow's Ford",
        "widows_ford",
        "1207-03-20 16:00",
        "Hired blades wait in the reeds of the ford.",
        "They carry the magistrate's coin, fresh from the mint.",
        difficulty=5,
    ),
    OccurrenceSpec(
        "en.kiln_ghoul",
        "The Kiln Ghoul",
        "kiln_ruins",
        "1207-03-25 22:00",
        "Something gnaws on bones in the cold kilns.",
        difficulty=4,
    ),
    OccurrenceSpec(
        "en.bramble_wolves",
        "Bramble Wolves",
        "bramble_shrine",
        "1207-04-05 19:00",
        "Wolves with thorns in their fur circle the shrine.",
        difficulty=3,
    ),
    OccurrenceSpec(
        "en.pilgrims",
        "Candlemoss Pilgrims",
        "candlemoss",
        "1207-04-25 10:00",
        "Pilgrims ask for an escort through the grove, and pay in blessings.",
        difficulty=1,
    ),
    OccurrenceSpec(
        "en.barrow_wight",
        "The Stag Barrow Wight",
        "stag_barrow",
        "1207-05-15 23:00",
        "An antlered dead king walks when the barrow stones are touched.",
        difficulty=6,
    ),
    OccurrenceSpec(
        "en.avalanche",
        "Avalanche at the Iron Gate",
        "iron_gate",
        "1207-05-18 07:00",
        "Snow and stone come down on the pass road.",
        "It was not an accident: a thane wants the pass closed.",
        difficulty=5,
    ),
    OccurrenceSpec(
        "en.bog_drake",
        "The Bog Drake",
        "bogmoor",
        "1207-05-26 15:00",
        "The floods have woken something long and hungry in the fen.",
        difficulty=8,
    ),
    OccurrenceSpec(
        "en.glassworm_nest",
        "Glassworm Nest",
        "glassworm_caves",
        "1207-06-04 12:00",
        "Crystal worms as long as boats guard the way down.",
        difficulty=7,
    ),
    OccurrenceSpec(
        "en.witchlight",
        "Witchlight Temptation",
        "witchlight",
        "1207-06-10 23:00",
        "The marsh lights offer Seraphine the fire-magic she came for.",
        difficulty=4,
        hidden=True,
    ),
    OccurrenceSpec(
        "en.heart_of_choir",
        "Heart of the Choir",
        "drowned_abbey",
        "1207-06-21 01:00",
        "Beneath the abbey the Choir's heart beats in time with the drowned bell.",
        difficulty=9,
    ),
)

# -- rules: conditions, effects, links --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConditionSpec:
    owner: str
    field: str
    expression: Any
    priority: int = 0


CONDITIONS: tuple[ConditionSpec, ...] = (
    ConditionSpec("ev.toll_levy", "available", {"==": [{"var": "flags.council_convened"}, True]}),
    ConditionSpec("ev.thief_unmasked", "available", {">=": [{"var": "party.level"}, 4]}),
    # no festival when the Choir is close (the festival itself does not change the threat: no feedback loop)
    ConditionSpec("ev.festival", "available", {"<": [{"var": "flags.threat_level"}, 4]}),
    # the thanes only treat with the Wardens once the thief is caught, and only while their hall stands strong
    ConditionSpec(
        "ev.thanes_pact",
        "available",
        {"and": [{"resolved": "@ev.thief_unmasked"}, {">=": [{"var": "kingdom.level"}, 3]}]},
    ),
    ConditionSpec("ev.choir_beneath", "visible", {"resolved": "@ev.thanes_pact"}),
    ConditionSpec("ev.choir_rite", "available", {">=": [{"daysSince": "1207-03-02"}, 100]}),
    ConditionSpec("ev.harvest_tithe", "available", {"!=": [{"var": "settlement.variables.mood"}, "unrest"]}),
    ConditionSpec(
        "ev.coronation",
        "available",
        {
            "and": [
                {"var": "flags.alliance_forged"},
                {"resolved": "@ev.relight"},
                {"==": [{"entity": ["kingdom", "@kd.greyspire", "variables.stance"]}, "allied"]},
            ]
        },
    ),
    ConditionSpec("en.bramble_wolves", "available", {">=": [{"var": "party.level"}, 3]}),
    ConditionSpec("en.barrow_wight", "available", {">=": [{"var": "party.level"}, 5]}),
    ConditionSpec("en.bog_drake", "available", {"resolved": "@ev.floods"}),
    ConditionSpec(
        "en.heart_of_choir",
        "available",
        {"and": [{">=": [{"var": "party.level"}, 5]}, {"inside": ["@pl.drowned_abbey", "@rg.mirefen"]}]},
    ),
    ConditionSpec(
        "st.emberlee",
        "prosperity",
        {
            "if": [
                {">=": [{"var": "settlement.variables.treasury"}, 8000]},
                "thriving",
                {">=": [{"var": "settlement.variables.treasury"}, 3000]},
                "steady",
                "struggling",
            ]
        },
    ),
    ConditionSpec("kd.lanternhold", "ready_for_war", {">=": [{"var": "var.war_readiness"}, 80]}),
    ConditionSpec("kd.greyspire", "ready_for_war", {">=": [{"var": "var.war_readiness"}, 80]}),
    ConditionSpec("kd.mirefen", "ready_for_war", {">=": [{"var": "var.war_readiness"}, 80]}),
)


@dataclass(frozen=True, slots=True)
class EffectSpec:
    owner: str
    target: str
    operations: list[dict[str, Any]]
    timing: str = "ON_RESOLVE"
    delay_days: int | None = None
    priority: int = 0


def _set(path: str, value: Any) -> list[dict[str, Any]]:
    return [{"op": "replace", "path": path, "value": value}]


EFFECTS: tuple[EffectSpec, ...] = (
    EffectSpec("ev.beacon_dark", "fl.lighthouse_dark", _set("/value", True), priority=10),
    EffectSpec("ev.beacon_dark", "st.emberlee", _set("/variables/mood", "uneasy")),
    EffectSpec("ev.beacon_dark", "st.emberlee", _set("/variables/mood", "unrest"), delay_days=10),
    EffectSpec("ev.harbour_council", "fl.council_convened", _set("/value", True)),
    EffectSpec("ev.harbour_council", "pt.wardens", _set("/variables/funds", 150), timing="POST"),
    EffectSpec("ev.smuggler_lights", "fl.smugglers_known", _set("/value", True)),
    EffectSpec("ev.smuggler_lights", "fl.threat_level", _set("/value", 2)),
    EffectSpec("ev.toll_levy", "vr.lanternhold.treasury", _set("/value", 13500.0)),
    EffectSpec("ev.toll_levy", "st.thornbury", _set("/variables/mood", "uneasy"), timing="ON_EXPIRE"),
    EffectSpec("ev.toll_levy", "st.thornbury", _set("/variables/militia", 40), timing="ON_EXPIRE", delay_days=7),
    EffectSpec("ev.drowned_bell", "fl.threat_level", _set("/value", 3)),
    EffectSpec(
        "ev.thief_unmasked",
        "ch.vell",
        _set("/description", "Former magistrate of Port Emberlee, unmasked as the ember-thief."),
        timing="PRE",
    ),
    EffectSpec("ev.thief_unmasked", "st.emberlee", _set("/variables/mood", "content"), priority=5),
    EffectSpec("ev.thief_unmasked", "pt.wardens", _set("/variables/renown", 4)),
    EffectSpec("ev.thief_unmasked", "vr.lanternhold.treasury", _set("/value", 14800.0), delay_days=28),
    EffectSpec("ev.market_riot", "st.reedhaven", _set("/variables/mood", "content")),
    EffectSpec("ev.market_riot", "st.reedhaven", _set("/variables/mood", "unrest"), timing="ON_EXPIRE"),
    EffectSpec("ev.festival", "st.thornbury", _set("/variables/mood", "jubilant")),
    EffectSpec("ev.festival", "pt.wardens", _set("/variables/supplies", "plentiful")),
    EffectSpec("ev.thanes_pact", "kd.greyspire", _set("/variables/stance", "allied")),
    EffectSpec("ev.thanes_pact", "fl.alliance_forged", _set("/value", True)),
    EffectSpec("ev.thanes_pact", "sx.thanes_barracks", _set("/level", 3), delay_days=28),
    EffectSpec("ev.floods", "st.bogmoor", _set("/population", 520)),
    EffectSpec("ev.floods", "sx.ferry_landing", _set("/condition", 40)),
    EffectSpec("ev.floods", "st.reedhaven", _set("/variables/mood", "uneasy")),
    EffectSpec("ev.succession", "kd.greyspire", _set("/variables/stance", "hostile")),
    EffectSpec("ev.succession", "vr.greyspire.levy", _set("/value", 900)),
    EffectSpec("ev.choir_beneath", "pt.wardens", _set("/variables/renown", 8)),
    EffectSpec("ev.choir_rite", "fl.threat_level", _set("/value", 1)),
    EffectSpec("ev.choir_rite", "fl.choir_ascendant", _set("/value", True), timing="ON_EXPIRE"),
    EffectSpec("ev.choir_rite", "fl.threat_level", _set("/value", 5), timing="ON_EXPIRE"),
    EffectSpec("ev.choir_rite", "st.reedhaven", _set("/variables/mood", "unrest"), timing="ON_EXPIRE", delay_days=7),
    EffectSpec("ev.harvest_tithe", "vr.mirefen.treasury", _set("/value", 4000.0)),
    EffectSpec("ev.relight", "fl.lighthouse_dark", _set("/value", False)),
    EffectSpec("ev.relight", "st.emberlee", _set("/variables/mood", "jubilant")),
    EffectSpec("ev.relight", "st.emberlee", _set("/level", 7), delay_days=28),
    EffectSpec("ev.coronation", "kd.lanternhold", _set("/level", 5)),
    EffectSpec("en.wreckers", "pt.wardens", _set("/variables/renown", 1)),
    EffectSpec("en.widows_ford", "pt.wardens", _set("/variables/renown", 2)),
    EffectSpec("en.widows_ford", "ch.quill", _set("/variables/hp", 9)),
    EffectSpec("en.kiln_ghoul", "sx.shrine_hearth", _set("/condition", 100), delay_days=7),
    EffectSpec("en.pilgrims", "ch.tamsin", _set("/variables/inspiration", True)),
    EffectSpec("en.barrow_wight", "pt.wardens", _set("/variables/renown", 6)),
    EffectSpec("en.avalanche", "sx.iron_gate_tower", _set("/condition", 60)),
    EffectSpec("en.bog_drake", "st.bogmoor", _set("/variables/mood", "content")),
    EffectSpec("en.witchlight", "ch.seraphine", _set("/variables/inspiration", False)),
    EffectSpec("en.heart_of_choir", "fl.choir_ascendant", _set("/value", False)),
)


@dataclass(frozen=True, slots=True)
class LinkSpec:
    source: str
    kind: str
    target: str
    description: str = ""


LINKS: tuple[LinkSpec, ...] = (
    LinkSpec("ev.beacon_dark", "PREREQUISITE", "ev.harbour_council", "the council meets because the beacon failed"),
    LinkSpec("ev.harbour_council", "PREREQUISITE", "ev.smuggler_lights", "the Wardens are sent to the cove"),
    LinkSpec("ev.smuggler_lights", "PREREQUISITE", "ev.thief_unmasked", "the smugglers name their buyer"),
    LinkSpec("en.widows_ford", "PREREQUISITE", "ev.thief_unmasked", "the ambushers carry his coin"),
    LinkSpec("ev.thief_unmasked", "PREREQUISITE", "ev.thanes_pact", "the stones were sold north"),
    LinkSpec("ev.thanes_pact", "PREREQUISITE", "ev.choir_beneath", "the thanes open the deep ways"),
    LinkSpec("en.glassworm_nest", "PREREQUISITE", "ev.choir_beneath", "the nest blocks the way down"),
    LinkSpec("ev.choir_beneath", "PREREQUISITE", "en.heart_of_choir", "the caves show where the heart beats"),
    LinkSpec("en.heart_of_choir", "PREREQUISITE", "ev.relight", "a true ember-stone lies in the heart"),
    LinkSpec("ev.choir_beneath", "PREREQUISITE", "ev.relight"),
    LinkSpec("ev.relight", "PREREQUISITE", "ev.coronation", "no crowning under a dark sky"),
    LinkSpec("ev.beacon_dark", "TRIGGERS", "en.wreckers"),
    LinkSpec("ev.toll_levy", "TRIGGERS", "en.toll_shakedown"),
    LinkSpec("ev.floods", "TRIGGERS", "en.bog_drake"),
    LinkSpec("ev.choir_beneath", "TRIGGERS", "ev.choir_rite", "the Choir knows it has been found"),
    LinkSpec("ev.succession", "BLOCKS", "ev.thanes_pact", "no pact while the thanes fight over the hall"),
    LinkSpec("ev.market_riot", "BLOCKS", "ev.harvest_tithe", "a town in riot pays no tithe"),
    LinkSpec("ev.drowned_bell", "RELATED", "ev.choir_rite"),
    LinkSpec("en.avalanche", "RELATED", "ev.thanes_pact"),
    LinkSpec("en.witchlight", "RELATED", "ev.choir_rite"),
    LinkSpec("en.pilgrims", "RELATED", "ev.festival"),
    LinkSpec("ev.thief_unmasked", "RELATED", "ch.vell", "the thief"),
)

# -- secrets ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SecretSpec:
    key: str
    owner: str
    text: str
    revealed_to: tuple[str, ...] = ()  # "@pt.wardens" (the party) or "@user.player"


SECRETS: tuple[SecretSpec, ...] = (
    SecretSpec(
        "sc.vell",
        "ch.vell",
        "Vell sold the ember-stones to the Hollow Choir to pay his gambling debts in Hammerdeep.",
    ),  # revealed to the party when the thief is unmasked (a later version)
    SecretSpec(
        "sc.isolde",
        "ch.isolde",
        "Isolde's lost brother Edric sings in the Hollow Choir.",
        ("@user.player",),
    ),
    SecretSpec(
        "sc.abbey",
        "pl.drowned_abbey",
        "Silencing the drowned bell breaks the rite; its rope is kept in the abbot's crypt.",
    ),
    SecretSpec(
        "sc.succession",
        "ev.succession",
        "The high thane died in winter; Steward Brannoc hides the body in the ice-vault.",
    ),
    SecretSpec(
        "sc.caves",
        "pl.glassworm_caves",
        "A second way into the caves opens under the Frostholt well.",
        ("@pt.wardens",),
    ),
    SecretSpec("sc.compact", "kd.mirefen", "The Compact's speaker takes Choir gold."),
    SecretSpec(
        "sc.heart",
        "en.heart_of_choir",
        "The Choir's heart is Edric himself; he can be saved if Isolde speaks his true name.",
    ),
)
