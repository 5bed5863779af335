"""Versioned, branch-aware reads and writes of entity rows.

Reads resolve "entity as of (branch, t)" in one SQL statement: the ancestor chain is passed as a small
table (branch, time, depth) and, per entity, the row valid at the chain time of the nearest branch wins.
Two shapes of the same rule:

* scans (map layers, whole-campaign reads): `DISTINCT ON (entity_id) … ORDER BY depth` over every row
  of the chain, hashed in one pass;
* lookups and paged lists: the `entities` index in id order drives a LATERAL probe of
  (entity, branch, valid_from) per chain link, so `LIMIT 1000` touches about 1 000 entities, not all.

Content filters apply *after* that choice, so an older row of a parent can never stand in for a newer
row of the child.

Writes lock the (entity, branch) head row, check the expected version, close the row that covered the
write time and insert the new one up to the next existing change (history correction).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from geoalchemy2 import WKBElement
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    Uuid,
    any_,
    bindparam,
    column,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from campaign_api.db.models import Branch, EntityHead, EntityRecord, Location, VersionedRow
from campaign_api.domain.branches import FOREVER, BranchTree, ChainLink
from campaign_api.domain.registry import EntitySpec, spec_for
from campaign_api.errors import Conflict, NotFound, ValidationFailed
from campaign_shared.messages import EntityType

Filter = Callable[[Any], ColumnElement[bool]]


@dataclass(frozen=True, slots=True)
class EntityState:
    """One entity as read: identity, version bookkeeping and its content (JSON-ready)."""

    entity_type: EntityType
    entity_id: uuid.UUID
    campaign_id: uuid.UUID
    branch_id: uuid.UUID  # the branch the row belongs to (an ancestor when inherited)
    version_id: uuid.UUID
    version: int
    valid_from: int
    valid_to: int | None
    deleted: bool
    recorded_at: datetime
    recorded_by: uuid.UUID | None
    content: dict[str, Any]
    row: VersionedRow

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(self.entity_id),
            "entityType": self.entity_type.value,
            "campaignId": str(self.campaign_id),
            "branchId": str(self.branch_id),
            "versionId": str(self.version_id),
            "version": self.version,
            "validFrom": self.valid_from,
            "validTo": self.valid_to,
            "deleted": self.deleted,
            **self.content,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _geojson_column(model: type[VersionedRow]) -> ColumnElement[Any] | None:
    if model is not Location:
        return None
    return _stored_geojson(Location)


def _stored_geojson(row: Any) -> ColumnElement[Any]:
    """The GeoJSON the write trigger stored (projected on the fly for a row written without it)."""
    projected = func.ST_AsGeoJSON(func.ST_Transform(row.geom, 4326), 9, 0)
    return func.coalesce(row.geojson, projected).label("geometry_json")


def content_of(model: type[VersionedRow], row: VersionedRow, geojson: str | None) -> dict[str, Any]:
    content = {f: _jsonable(getattr(row, f)) for f in model.content_fields if f != "geom"}
    if "geom" in model.content_fields:
        content["geom"] = json.loads(geojson) if geojson else None
    return content


def _chain_table(chain: Sequence[ChainLink]) -> Any:
    """The ancestor chain as a table (branch_id, at, depth) built from three bound arrays.

    Bound parameters (rather than literal VALUES) keep the statement text identical between calls,
    so SQLAlchemy's compiled-statement cache and PostgreSQL's plan cache both apply.
    """
    return (
        func.unnest(
            literal([link.branch_id for link in chain], ARRAY(Uuid)),
            literal([link.at for link in chain], ARRAY(BigInteger)),
            literal([link.depth for link in chain], ARRAY(Integer)),
        )
        .table_valued(column("branch_id", Uuid), column("at", BigInteger), column("depth", Integer))
        .render_derived(name="chain", with_types=False)
    )


def _to_column_value(model: type[VersionedRow], name: str, value: Any) -> Any:
    col = model.__table__.c[name]
    if value is None:
        return None
    if isinstance(col.type, Uuid) and not isinstance(value, uuid.UUID):
        return uuid.UUID(str(value))
    if name == "archived_at" and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _chain_parameter_table() -> Any:
    return (
        func.unnest(
            bindparam("chain_branches", type_=ARRAY(Uuid)),
            bindparam("chain_times", type_=ARRAY(BigInteger)),
            bindparam("chain_depths", type_=ARRAY(Integer)),
        )
        .table_valued(column("branch_id", Uuid), column("at", BigInteger), column("depth", Integer))
        .render_derived(name="chain", with_types=False)
    )


@lru_cache(maxsize=128)
def _as_of_template(model: type[VersionedRow], with_ids: bool, include_deleted: bool) -> tuple[Select[Any], Any]:
    """The "as of" SELECT for one table, built once: every value is a bound parameter, so the statement is
    compiled once by SQLAlchemy and planned once per connection by PostgreSQL."""
    chain_t = _chain_parameter_table()
    identity = [model.entity_id == any_(bindparam("entity_ids", type_=ARRAY(Uuid)))] if with_ids else []
    # DISTINCT ON picks, per entity, the row of the nearest branch; the whole row is selected here so the
    # outer query reads it from the subquery instead of joining the table again
    resolved = (
        select(model)
        .join(chain_t, model.branch_id == chain_t.c.branch_id)
        .where(
            model.campaign_id == bindparam("campaign_id", type_=Uuid),
            model.valid_from <= chain_t.c.at,
            or_(model.valid_to.is_(None), model.valid_to > chain_t.c.at),
            *identity,
        )
        .ext(distinct_on(model.entity_id))
        .order_by(model.entity_id, chain_t.c.depth)
        .subquery("resolved")
    )
    row = aliased(model, resolved, name="row")
    head = aliased(EntityHead, name="head")
    columns: list[Any] = [row, head.version.label("head_version")]
    if model is Location:
        columns.append(_stored_geojson(row))
    query = select(*columns).outerjoin(
        head, (head.entity_id == row.entity_id) & (head.branch_id == bindparam("head_branch", type_=Uuid))
    )
    if not include_deleted:
        query = query.where(row.is_deleted.is_(False))
    return query, row


@lru_cache(maxsize=128)
def _per_entity_template(
    model: type[VersionedRow], with_ids: bool, include_deleted: bool
) -> tuple[Select[Any], Any, Any]:
    """The "as of" SELECT driven by entity identity: one LATERAL probe per entity, in entity-id order.

    Returns (query, row alias, ordering column): ordering by the driving `entities.id` lets PostgreSQL
    stop after LIMIT rows instead of resolving every entity of the chain first.
    """
    entity = aliased(EntityRecord, name="entity")
    chain_t = _chain_parameter_table()
    # per chain link, the latest live row starting at or before the link's time (a backward index scan
    # that stops at the first row); it covers that time unless it already ended. Live rows of one
    # entity on one branch never overlap, so no earlier row can cover it instead.
    latest = (
        select(model)
        .where(
            model.entity_id == entity.id,
            model.branch_id == chain_t.c.branch_id,
            model.valid_from <= chain_t.c.at,
            or_(model.valid_to.is_(None), model.valid_to > model.valid_from),
        )
        .order_by(model.valid_from.desc())
        .limit(1)
        .correlate(entity, chain_t)  # `entity` belongs to the outermost SELECT, two levels up
        .lateral("latest")
    )
    candidate = aliased(model, latest, name="candidate")
    resolved = (
        select(candidate)
        .select_from(chain_t)
        .join(latest, literal(True))
        .where(or_(candidate.valid_to.is_(None), candidate.valid_to > chain_t.c.at))
        .order_by(chain_t.c.depth)
        .limit(1)
        .lateral("resolved")
    )
    row = aliased(model, resolved, name="row")
    head = aliased(EntityHead, name="head")
    columns: list[Any] = [row, head.version.label("head_version")]
    if model is Location:
        columns.append(_stored_geojson(row))
    identity = (
        entity.id == any_(bindparam("entity_ids", type_=ARRAY(Uuid)))
        if with_ids
        else entity.entity_type == bindparam("entity_type", type_=EntityRecord.entity_type.type)
    )
    query = (
        select(*columns)
        .select_from(entity)
        .join(resolved, literal(True))
        .outerjoin(head, (head.entity_id == entity.id) & (head.branch_id == bindparam("head_branch", type_=Uuid)))
        .where(entity.campaign_id == bindparam("campaign_id", type_=Uuid), identity)
    )
    if not include_deleted:
        query = query.where(row.is_deleted.is_(False))
    order: Any = entity.id
    return query, row, order


class VersionStore:
    """Reads and writes of versioned rows within one session (one transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._trees: dict[uuid.UUID, BranchTree] = {}

    # -- branches ---------------------------------------------------------------------------------

    async def tree(self, campaign_id: uuid.UUID, *, refresh: bool = False) -> BranchTree:
        if refresh or campaign_id not in self._trees:
            rows = await self.session.scalars(
                select(Branch).where(Branch.campaign_id == campaign_id, Branch.deleted_at.is_(None))
            )
            self._trees[campaign_id] = BranchTree(list(rows))
        return self._trees[campaign_id]

    async def branch(self, branch_id: uuid.UUID) -> Branch:
        branch = await self.session.get(Branch, branch_id)
        if branch is None or branch.deleted_at is not None:
            raise NotFound("branch not found", details={"branchId": str(branch_id)})
        return branch

    # -- reads ------------------------------------------------------------------------------------

    def as_of_query(
        self,
        spec: EntitySpec,
        campaign_id: uuid.UUID,
        branch_id: uuid.UUID,
        chain: Sequence[ChainLink],
        *,
        entity_ids: Sequence[uuid.UUID] | None = None,
        include_deleted: bool = False,
    ) -> tuple[Select[Any], Any, dict[str, Any]]:
        """The rows visible at the chain with the branch's head version: (query, row alias, parameters).

        The scan shape: best when most rows of the type are wanted (map layers, whole-campaign reads).
        """
        query, row = _as_of_template(spec.model, entity_ids is not None, include_deleted)
        return query, row, self._params(spec, campaign_id, branch_id, chain, entity_ids)

    def per_entity_query(
        self,
        spec: EntitySpec,
        campaign_id: uuid.UUID,
        branch_id: uuid.UUID,
        chain: Sequence[ChainLink],
        *,
        entity_ids: Sequence[uuid.UUID] | None = None,
        include_deleted: bool = False,
    ) -> tuple[Select[Any], Any, ColumnElement[Any], dict[str, Any]]:
        """Like `as_of_query`, but probing entity by entity in id order: (query, row, order column, params).

        The lookup shape: best for given ids and for paged lists, whose LIMIT then bounds the work.
        """
        query, row, order = _per_entity_template(spec.model, entity_ids is not None, include_deleted)
        return query, row, order, self._params(spec, campaign_id, branch_id, chain, entity_ids)

    @staticmethod
    def _params(
        spec: EntitySpec,
        campaign_id: uuid.UUID,
        branch_id: uuid.UUID,
        chain: Sequence[ChainLink],
        entity_ids: Sequence[uuid.UUID] | None,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "chain_branches": [link.branch_id for link in chain],
            "chain_times": [link.at for link in chain],
            "chain_depths": [link.depth for link in chain],
            "campaign_id": campaign_id,
            "head_branch": branch_id,
            "entity_type": spec.type.value,
        }
        if entity_ids is not None:
            params["entity_ids"] = list(entity_ids)
        return params

    def _state(self, spec: EntitySpec, result_row: Any) -> EntityState:
        row: VersionedRow = result_row[0]
        head_version: int | None = result_row[1]
        geojson = result_row[2] if len(result_row) > 2 else None
        return EntityState(
            entity_type=EntityType(spec.type),
            entity_id=row.entity_id,
            campaign_id=row.campaign_id,
            branch_id=row.branch_id,
            version_id=row.id,
            version=head_version if head_version is not None else row.version,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            deleted=row.is_deleted,
            recorded_at=row.recorded_at,
            recorded_by=row.recorded_by,
            content=content_of(spec.model, row, geojson),
            row=row,
        )

    async def read(
        self,
        entity_type: EntityType | str,
        entity_id: uuid.UUID,
        branch: Branch,
        at: int | None = None,
        *,
        include_deleted: bool = False,
    ) -> EntityState | None:
        spec = spec_for(entity_type)
        tree = await self.tree(branch.campaign_id)
        chain = tree.chain(branch.id, branch.world_time if at is None else at)
        query, _, _, params = self.per_entity_query(
            spec,
            branch.campaign_id,
            branch.id,
            chain,
            entity_ids=[entity_id],
            include_deleted=include_deleted,
        )
        result = (await self.session.execute(query, params)).first()
        return self._state(spec, result) if result is not None else None

    async def require(
        self, entity_type: EntityType | str, entity_id: uuid.UUID, branch: Branch, at: int | None = None
    ) -> EntityState:
        state = await self.read(entity_type, entity_id, branch, at)
        if state is None:
            raise NotFound(
                f"{EntityType(entity_type).value.lower()} not found",
                details={"entityType": str(entity_type), "entityId": str(entity_id)},
            )
        return state

    async def read_many(
        self,
        entity_type: EntityType | str,
        branch: Branch,
        at: int | None = None,
        *,
        where: Sequence[Filter] = (),
        include_deleted: bool = False,
        include_archived: bool = False,
        entity_ids: Sequence[uuid.UUID] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[EntityState]:
        spec = spec_for(entity_type)
        tree = await self.tree(branch.campaign_id)
        chain = tree.chain(branch.id, branch.world_time if at is None else at)
        if entity_ids is not None or limit is not None:
            query, row, order, params = self.per_entity_query(
                spec, branch.campaign_id, branch.id, chain, entity_ids=entity_ids, include_deleted=include_deleted
            )
        else:
            query, row, params = self.as_of_query(
                spec, branch.campaign_id, branch.id, chain, include_deleted=include_deleted
            )
            order = row.entity_id
        for condition in where:
            query = query.where(condition(row))
        if not include_archived:
            query = query.where(row.archived_at.is_(None))
        query = query.order_by(order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [self._state(spec, r) for r in (await self.session.execute(query, params)).all()]

    async def history(self, entity_type: EntityType | str, entity_id: uuid.UUID, branch: Branch) -> list[EntityState]:
        """Every version visible from `branch`: its own rows and its ancestors' rows up to each fork."""
        spec = spec_for(entity_type)
        model = spec.model
        tree = await self.tree(branch.campaign_id)
        chain_t = _chain_table(tree.chain(branch.id, FOREVER))
        columns: list[Any] = [model, null().label("head")]
        geo = _geojson_column(model)
        if geo is not None:
            columns.append(geo)
        query = (
            select(*columns)
            .join(chain_t, model.branch_id == chain_t.c.branch_id)
            .where(model.entity_id == entity_id, model.valid_from <= chain_t.c.at)
            .order_by(model.version)
        )
        return [self._state(spec, r) for r in (await self.session.execute(query)).all()]

    async def version_row(self, version_id: uuid.UUID) -> tuple[EntitySpec, VersionedRow]:
        """Find a version row by id in whichever table holds it."""
        from campaign_api.domain.registry import SPECS

        for spec in SPECS.values():
            row = await self.session.get(spec.model, version_id)
            if row is not None:
                return spec, row
        raise NotFound("version not found", details={"versionId": str(version_id)})

    # -- writes -----------------------------------------------------------------------------------

    async def _lock_head(self, spec: EntitySpec, entity_id: uuid.UUID, branch: Branch, expected: int | None) -> int:
        """Lock the (entity, branch) head and return the next version number (conflict on mismatch)."""
        locked = select(EntityHead).where(EntityHead.entity_id == entity_id, EntityHead.branch_id == branch.id)
        head = await self.session.scalar(locked.with_for_update())
        if head is None:
            model = spec.model
            tree = await self.tree(branch.campaign_id)
            chain_t = _chain_table(tree.chain(branch.id, FOREVER))
            inherited = await self.session.scalar(
                select(func.coalesce(func.max(model.version), 0))
                .join(chain_t, model.branch_id == chain_t.c.branch_id)
                .where(model.entity_id == entity_id, model.valid_from <= chain_t.c.at)
            )
            await self.session.execute(
                pg_insert(EntityHead)
                .values(id=uuid.uuid4(), entity_id=entity_id, branch_id=branch.id, version=inherited or 0)
                .on_conflict_do_nothing(index_elements=["entity_id", "branch_id"])
            )
            head = await self.session.scalar(locked.with_for_update())
            assert head is not None
        if expected is not None and head.version != expected:
            raise Conflict(
                f"version mismatch: expected {expected}, current is {head.version}",
                details={"expectedVersion": expected, "currentVersion": head.version},
            )
        head.version += 1
        return head.version

    def _check_time(self, branch: Branch, at: int) -> None:
        if branch.parent_id is not None and at < branch.fork_time:
            raise ValidationFailed(
                "cannot write before the branch's fork time",
                details={"at": at, "forkTime": branch.fork_time, "field": "at"},
            )

    async def write(
        self,
        entity_type: EntityType | str,
        entity_id: uuid.UUID,
        branch: Branch,
        at: int,
        content: dict[str, Any],
        *,
        actor: uuid.UUID | None,
        expected_version: int | None = None,
        deleted: bool = False,
        previous: EntityState | None = None,
        create: bool = False,
    ) -> EntityState:
        """Write a new version valid from `at` until the next existing change of this entity on `branch`."""
        spec = spec_for(entity_type)
        model = spec.model
        self._check_time(branch, at)
        if create:
            self.session.add(
                EntityRecord(
                    id=entity_id,
                    entity_type=spec.type.value,
                    campaign_id=branch.campaign_id,
                    created_by=actor,
                )
            )
            await self.session.flush()  # the identity row first: heads and versions refer to it
            self.session.add(EntityHead(entity_id=entity_id, branch_id=branch.id, version=1))
            version = 1
        else:
            version = await self._lock_head(spec, entity_id, branch, expected_version)
        own = (model.entity_id == entity_id) & (model.branch_id == branch.id)
        covering = await self.session.scalar(
            select(model)
            .where(own, model.valid_from <= at, or_(model.valid_to.is_(None), model.valid_to > at))
            .with_for_update()
        )
        next_from = await self.session.scalar(
            select(func.min(model.valid_from)).where(
                own, model.valid_from > at, or_(model.valid_to.is_(None), model.valid_to > model.valid_from)
            )
        )
        if covering is not None:
            covering.valid_to = at
            await self.session.flush()
        row = model(
            entity_id=entity_id,
            campaign_id=branch.campaign_id,
            branch_id=branch.id,
            valid_from=at,
            valid_to=next_from,
            version=version,
            is_deleted=deleted,
            recorded_by=actor,
        )
        for name in model.content_fields:
            if name == "geom":
                continue
            if name in content:
                setattr(row, name, _to_column_value(model, name, content[name]))
        if "geom" in model.content_fields:
            row.geom = await self._geometry_value(branch, content.get("geom"), previous)  # type: ignore[attr-defined]
        self.session.add(row)
        await self.session.flush()
        await self.session.refresh(row)
        state = await self.read(spec.type, entity_id, branch, at, include_deleted=True)
        assert state is not None and state.version_id == row.id
        return replace(state, version=version)

    async def _geometry_value(
        self, branch: Branch, geojson: dict[str, Any] | None, previous: EntityState | None
    ) -> WKBElement | ColumnElement[Any] | None:
        """Keep the stored geometry when unchanged (no re-projection drift); otherwise project the GeoJSON."""
        if geojson is None:
            return None
        if previous is not None and previous.content.get("geom") == geojson:
            return previous.row.geom  # type: ignore[attr-defined,no-any-return]
        from campaign_api.db.models import Campaign

        srid = await self.session.scalar(select(Campaign.srid).where(Campaign.id == branch.campaign_id))
        return func.ST_Transform(func.ST_SetSRID(func.ST_GeomFromGeoJSON(json.dumps(geojson)), 4326), srid)
