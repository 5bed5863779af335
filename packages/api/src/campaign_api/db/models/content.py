"""Campaign content: parties, characters, kingdoms, settlements, structures, locations, events,
encounters and links. Every table here is versioned (see `versioning`)."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, Text, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from campaign_api.db.models.versioning import VersionedRow

LIVE = text("valid_to IS NULL AND NOT is_deleted")
COMMON = ("name", "description", "gm_notes", "hidden", "archived_at")


class _Content(VersionedRow):
    __abstract__ = True

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    gm_notes: Mapped[str] = mapped_column(Text, default="")
    hidden: Mapped[bool] = mapped_column(default=False)


class _WithVariables(_Content):
    """Typed variables: `variable_schemas` declares them, `variables` holds values (validated on write)."""

    __abstract__ = True

    variables: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    variable_schemas: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


class Party(_WithVariables):
    __tablename__ = "parties"
    entity_type: ClassVar[str] = "PARTY"
    content_fields = (*COMMON, "level_override", "variables", "variable_schemas")

    level_override: Mapped[int | None] = mapped_column(Integer)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (CheckConstraint("level_override BETWEEN 1 AND 20", name="party_level"),)


class Character(_WithVariables):
    __tablename__ = "characters"
    entity_type: ClassVar[str] = "CHARACTER"
    content_fields = (
        *COMMON,
        "party_id",
        "level",
        "race",
        "character_class",
        "is_npc",
        "owner_user_id",
        "variables",
        "variable_schemas",
    )

    party_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    level: Mapped[int] = mapped_column(Integer, default=1)
    race: Mapped[str] = mapped_column(String(100), default="")
    character_class: Mapped[str] = mapped_column(String(100), default="")
    is_npc: Mapped[bool] = mapped_column(default=False)
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (
            CheckConstraint("level BETWEEN 1 AND 20", name="character_level"),
            Index("ix_characters_party", "party_id"),
        )


class Kingdom(_WithVariables):
    __tablename__ = "kingdoms"
    entity_type: ClassVar[str] = "KINGDOM"
    content_fields = (*COMMON, "level", "variables", "variable_schemas")

    level: Mapped[int] = mapped_column(Integer, default=1)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (CheckConstraint("level BETWEEN 1 AND 10", name="kingdom_level"),)


class Settlement(_WithVariables):
    __tablename__ = "settlements"
    entity_type: ClassVar[str] = "SETTLEMENT"
    content_fields = (
        *COMMON,
        "kingdom_id",
        "location_id",
        "level",
        "population",
        "variables",
        "variable_schemas",
    )

    kingdom_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    location_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    level: Mapped[int] = mapped_column(Integer, default=1)
    population: Mapped[int] = mapped_column(BigInteger, default=0)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (
            CheckConstraint("level BETWEEN 1 AND 10", name="settlement_level"),
            CheckConstraint("population >= 0", name="settlement_population"),
            Index("ix_settlements_kingdom", "kingdom_id"),
            # one settlement per location among a branch's current rows
            Index("uq_settlements_live_location", "branch_id", "location_id", unique=True, postgresql_where=LIVE),
        )


class Structure(_WithVariables):
    __tablename__ = "structures"
    entity_type: ClassVar[str] = "STRUCTURE"
    content_fields = (
        *COMMON,
        "settlement_id",
        "structure_type",
        "level",
        "condition",
        "operational",
        "variables",
        "variable_schemas",
    )

    settlement_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    structure_type: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer, default=1)
    condition: Mapped[int] = mapped_column(Integer, default=100)
    operational: Mapped[bool] = mapped_column(default=True)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (
            CheckConstraint("level BETWEEN 1 AND 5", name="structure_level"),
            CheckConstraint("condition BETWEEN 0 AND 100", name="structure_condition"),
            Index("ix_structures_settlement", "settlement_id"),
        )


class Location(_Content):
    __tablename__ = "locations"
    entity_type: ClassVar[str] = "LOCATION"
    content_fields = (*COMMON, "kind", "geom", "parent_id")

    kind: Mapped[str] = mapped_column(String(16))
    # SRID varies per campaign, so the column has no SRID typmod; each value carries its own.
    geom: Mapped[WKBElement | None] = mapped_column(Geometry(geometry_type="GEOMETRY", srid=-1, spatial_index=False))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: `geom` as RFC 7946 GeoJSON (EPSG:4326), set by the `locations_geojson` trigger (migration 0006)
    geojson: Mapped[str | None] = mapped_column(Text, deferred=True)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (
            CheckConstraint("kind IN ('POINT','REGION')", name="location_kind"),
            Index("ix_locations_geom", "geom", postgresql_using="gist"),
            Index("ix_locations_parent", "parent_id"),
        )


class Event(_Content):
    __tablename__ = "events"
    entity_type: ClassVar[str] = "EVENT"
    content_fields = (
        *COMMON,
        "event_type",
        "location_id",
        "scheduled_at",
        "expires_at",
        "status",
        "occurred_at",
    )

    event_type: Mapped[str] = mapped_column(String(16), default="STORY")
    location_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    scheduled_at: Mapped[int | None] = mapped_column(BigInteger)
    expires_at: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="PLANNED")
    occurred_at: Mapped[int | None] = mapped_column(BigInteger)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (
            CheckConstraint("event_type IN ('STORY','KINGDOM','PARTY','WORLD')", name="event_type_known"),
            CheckConstraint(
                "status IN ('PLANNED','ACTIVE','COMPLETED','EXPIRED','CANCELLED')", name="event_status_known"
            ),
            Index("ix_events_expiry", "branch_id", "expires_at", postgresql_where=LIVE),
        )


class Encounter(_Content):
    __tablename__ = "encounters"
    entity_type: ClassVar[str] = "ENCOUNTER"
    content_fields = (*COMMON, "location_id", "difficulty", "scheduled_at", "status", "resolved_at")

    location_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    difficulty: Mapped[int] = mapped_column(Integer, default=1)
    scheduled_at: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="PENDING")
    resolved_at: Mapped[int | None] = mapped_column(BigInteger)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (
            CheckConstraint("status IN ('PENDING','RESOLVED','EXPIRED')", name="encounter_status_known"),
            CheckConstraint("difficulty BETWEEN 0 AND 100", name="encounter_difficulty"),
        )


class Link(VersionedRow):
    """An edge of the Flow view; prerequisites and blocks are enforced when resolving."""

    __tablename__ = "links"
    entity_type: ClassVar[str] = "LINK"
    content_fields = (
        "source_type",
        "source_id",
        "target_type",
        "target_id",
        "kind",
        "description",
        "archived_at",
    )

    source_type: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (
            CheckConstraint("kind IN ('PREREQUISITE','BLOCKS','TRIGGERS','RELATED')", name="link_kind_known"),
            CheckConstraint("source_id <> target_id", name="link_not_self"),
            Index("ix_links_source", "source_id"),
            Index("ix_links_target", "target_id"),
            # a live link is unique per branch; a deleted one can be created again
            Index(
                "uq_links_live_edge",
                "branch_id",
                "source_id",
                "target_id",
                "kind",
                unique=True,
                postgresql_where=LIVE,
            ),
        )
