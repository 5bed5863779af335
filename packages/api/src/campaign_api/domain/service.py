"""Domain operations on worlds, campaigns, branches and every versioned entity.

One `DomainService` works inside one database transaction: every change writes its version rows and
its audit rows in that transaction, and collects the messages to publish once the caller commits
(`outbox`), so a failed operation leaves no row, no audit entry and no message behind.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from campaign_api.db.models import AuditEntry, Branch, Campaign, Membership, World
from campaign_api.domain.diff import Change, diff
from campaign_api.domain.registry import dependents, spec_for
from campaign_api.domain.store import EntityState, VersionStore
from campaign_api.domain.validation import validate_content
from campaign_api.errors import Conflict, NotFound, ValidationFailed
from campaign_shared.calendar import resolve_calendar
from campaign_shared.messages import CampaignEvent, CampaignEventKind, EntityType


@dataclass
class DomainService:
    session: AsyncSession
    actor_id: uuid.UUID | None = None
    outbox: list[CampaignEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.store = VersionStore(self.session)

    # -- audit and messages -----------------------------------------------------------------------

    def audit(
        self,
        campaign_id: uuid.UUID,
        operation: str,
        entity_type: str,
        entity_id: uuid.UUID | None,
        *,
        branch_id: uuid.UUID | None = None,
        world_time: int | None = None,
        version: int | None = None,
        before: Any = None,
        after: Any = None,
        changes: list[Change] | None = None,
        reason: str = "",
    ) -> None:
        self.session.add(
            AuditEntry(
                campaign_id=campaign_id,
                branch_id=branch_id,
                entity_type=entity_type,
                entity_id=entity_id,
                operation=operation,
                actor_id=self.actor_id,
                world_time=world_time,
                version=version,
                before=before,
                after=after,
                diff=[c.as_json() for c in changes] if changes is not None else None,
                reason=reason,
            )
        )

    def _announce(self, state: EntityState, branch: Branch, operation: str) -> None:
        self.outbox.append(
            CampaignEvent(
                kind=CampaignEventKind.ENTITY_CHANGED,
                campaign_id=str(branch.campaign_id),
                branch_id=str(branch.id),
                entity_type=state.entity_type,
                entity_id=str(state.entity_id),
                version=state.version,
                actor_id=str(self.actor_id) if self.actor_id else None,
                payload={"operation": operation, "worldTime": state.valid_from},
            )
        )

    # -- worlds, campaigns, branches --------------------------------------------------------------

    async def create_world(self, owner_id: uuid.UUID, name: str, description: str, calendar: Any) -> World:
        if not name.strip():
            raise ValidationFailed("name is required", details={"field": "name"})
        try:
            cal = resolve_calendar(calendar)
        except ValueError as exc:
            raise ValidationFailed(f"invalid calendar: {exc}", details={"field": "calendar"}) from None
        world = World(
            owner_id=owner_id,
            name=name.strip(),
            description=description,
            calendar=cal.model_dump(mode="json"),
        )
        self.session.add(world)
        await self.session.flush()
        return world

    async def create_campaign(
        self, world: World, name: str, description: str = "", start_time: int = 0, srid: int = 3857
    ) -> tuple[Campaign, Branch]:
        if not name.strip():
            raise ValidationFailed("name is required", details={"field": "name"})
        campaign = Campaign(
            world_id=world.id, created_by=self.actor_id, name=name.strip(), description=description, srid=srid
        )
        self.session.add(campaign)
        await self.session.flush()
        main = Branch(
            campaign_id=campaign.id,
            name="main",
            fork_time=start_time,
            world_time=start_time,
            depth=0,
            created_by=self.actor_id,
        )
        self.session.add(main)
        if self.actor_id is not None:
            self.session.add(Membership(campaign_id=campaign.id, user_id=self.actor_id, role="OWNER"))
        await self.session.flush()
        self.audit(
            campaign.id,
            "CREATE",
            EntityType.CAMPAIGN.value,
            campaign.id,
            branch_id=main.id,
            world_time=start_time,
            after={"name": campaign.name},
        )
        return campaign, main

    async def fork(
        self, parent_id: uuid.UUID, name: str, at: int | None = None, description: str = "", **extra: Any
    ) -> Branch:
        parent = await self.store.branch(parent_id)
        fork_time = parent.world_time if at is None else at
        if parent.parent_id is not None and fork_time < parent.fork_time:
            raise ValidationFailed("a branch cannot fork before its parent's fork time", details={"field": "at"})
        if not name.strip():
            raise ValidationFailed("name is required", details={"field": "name"})
        exists = await self.session.scalar(
            select(Branch.id).where(Branch.campaign_id == parent.campaign_id, Branch.name == name.strip())
        )
        if exists is not None:
            raise Conflict(f"a branch named {name!r} exists", details={"field": "name"})
        branch = Branch(
            campaign_id=parent.campaign_id,
            parent_id=parent.id,
            name=name.strip(),
            description=description,
            fork_time=fork_time,
            world_time=fork_time,
            depth=parent.depth + 1,
            created_by=self.actor_id,
            **extra,
        )
        self.session.add(branch)
        await self.session.flush()
        await self.store.tree(parent.campaign_id, refresh=True)
        self.audit(
            parent.campaign_id,
            "FORK",
            EntityType.BRANCH.value,
            branch.id,
            branch_id=branch.id,
            world_time=fork_time,
            after={"name": branch.name, "parentId": str(parent.id)},
        )
        return branch

    async def advance_time(self, branch_id: uuid.UUID, to: int, expected_version: int | None = None) -> Branch:
        """Move a branch's clock forward, atomically (conditional update on time and version)."""
        branch = await self.store.branch(branch_id)
        if to < branch.world_time:
            raise ValidationFailed(
                "world time only moves forward", details={"field": "to", "current": branch.world_time}
            )
        conditions = [Branch.id == branch_id, Branch.world_time <= to]
        if expected_version is not None:
            conditions.append(Branch.version == expected_version)
        result = await self.session.execute(
            update(Branch)
            .where(*conditions)
            .values(world_time=to, version=Branch.version + 1)
            .returning(Branch.world_time, Branch.version)
            .execution_options(synchronize_session=False)
        )
        row = result.first()
        if row is None:
            await self.session.refresh(branch)
            raise Conflict(
                "the branch changed meanwhile",
                details={"currentVersion": branch.version, "worldTime": branch.world_time},
            )
        before = branch.world_time
        await self.session.refresh(branch)
        self.audit(
            branch.campaign_id,
            "TIME_ADVANCE",
            EntityType.BRANCH.value,
            branch.id,
            branch_id=branch.id,
            world_time=to,
            version=branch.version,
            before={"worldTime": before},
            after={"worldTime": to},
        )
        self.outbox.append(
            CampaignEvent(
                kind=CampaignEventKind.WORLD_TIME_ADVANCED,
                campaign_id=str(branch.campaign_id),
                branch_id=str(branch.id),
                entity_type=EntityType.BRANCH,
                entity_id=str(branch.id),
                version=branch.version,
                actor_id=str(self.actor_id) if self.actor_id else None,
                payload={"from": before, "to": to},
            )
        )
        return branch

    # -- entities ---------------------------------------------------------------------------------

    async def _write(
        self,
        entity_type: EntityType,
        entity_id: uuid.UUID,
        branch: Branch,
        at: int,
        content: dict[str, Any],
        operation: str,
        *,
        previous: EntityState | None,
        expected_version: int | None = None,
        deleted: bool = False,
    ) -> EntityState:
        try:
            state = await self.store.write(
                entity_type,
                entity_id,
                branch,
                at,
                content,
                actor=self.actor_id,
                expected_version=expected_version,
                deleted=deleted,
                previous=previous,
                create=previous is None and operation == "CREATE",
            )
        except IntegrityError as exc:
            raise _integrity_error(exc) from exc
        before = previous.content if previous is not None and not previous.deleted else None
        after = None if deleted else state.content
        self.audit(
            branch.campaign_id,
            operation,
            entity_type.value,
            entity_id,
            branch_id=branch.id,
            world_time=at,
            version=state.version,
            before=before,
            after=after,
            changes=diff(before or {}, after or {}),
        )
        self._announce(state, branch, operation)
        return state

    async def _time(self, branch: Branch, at: int | None) -> int:
        return branch.world_time if at is None else at

    async def create(
        self,
        entity_type: EntityType | str,
        branch_id: uuid.UUID,
        fields: dict[str, Any],
        at: int | None = None,
    ) -> EntityState:
        etype = EntityType(entity_type)
        spec = spec_for(etype)
        branch = await self.store.branch(branch_id)
        when = await self._time(branch, at)
        defaults = {
            name: col.default.arg
            for name in spec.model.content_fields
            if (col := spec.model.__table__.c[name]).default is not None and not callable(col.default.arg)
        }
        content = await validate_content(self.store, spec, {**defaults, **fields}, branch, when)
        entity_id = uuid7()
        if etype == EntityType.LOCATION:
            await self._check_location_parent(entity_id, content, branch, when)
        return await self._write(etype, entity_id, branch, when, content, "CREATE", previous=None)

    async def update(
        self,
        entity_type: EntityType | str,
        entity_id: uuid.UUID,
        branch_id: uuid.UUID,
        fields: dict[str, Any],
        *,
        expected_version: int | None,
        at: int | None = None,
        operation: str = "UPDATE",
    ) -> EntityState:
        etype = EntityType(entity_type)
        spec = spec_for(etype)
        branch = await self.store.branch(branch_id)
        when = await self._time(branch, at)
        current = await self.store.require(etype, entity_id, branch, when)
        content = await validate_content(self.store, spec, {**current.content, **fields}, branch, when)
        if etype == EntityType.LOCATION:
            await self._check_location_parent(entity_id, content, branch, when)
        return await self._write(
            etype,
            entity_id,
            branch,
            when,
            content,
            operation,
            previous=current,
            expected_version=expected_version,
        )

    async def archive(
        self,
        entity_type: EntityType | str,
        entity_id: uuid.UUID,
        branch_id: uuid.UUID,
        *,
        archived: bool = True,
        expected_version: int | None = None,
        at: int | None = None,
    ) -> EntityState:
        from datetime import UTC, datetime

        value = datetime.now(UTC).isoformat() if archived else None
        return await self.update(
            entity_type,
            entity_id,
            branch_id,
            {"archived_at": value},
            expected_version=expected_version,
            at=at,
            operation="ARCHIVE" if archived else "UNARCHIVE",
        )

    async def delete(
        self,
        entity_type: EntityType | str,
        entity_id: uuid.UUID,
        branch_id: uuid.UUID,
        *,
        expected_version: int | None = None,
        at: int | None = None,
    ) -> list[EntityState]:
        """Tombstone the entity and, at the same world time, everything that depends on it."""
        etype = EntityType(entity_type)
        branch = await self.store.branch(branch_id)
        when = await self._time(branch, at)
        current = await self.store.require(etype, entity_id, branch, when)
        removed = [
            await self._write(
                etype,
                entity_id,
                branch,
                when,
                current.content,
                "DELETE",
                previous=current,
                expected_version=expected_version,
                deleted=True,
            )
        ]
        for holder_spec, ref in dependents(etype):

            def matches(row: Any, ref: Any = ref) -> Any:
                return _refers_to(row, ref, etype, entity_id)

            for holder in await self.store.read_many(
                holder_spec.type, branch, when, where=[matches], include_archived=True
            ):
                if holder.entity_id != entity_id:
                    removed.extend(await self.delete(holder_spec.type, holder.entity_id, branch.id, at=when))
        return removed

    async def restore(
        self,
        entity_type: EntityType | str,
        entity_id: uuid.UUID,
        branch_id: uuid.UUID,
        *,
        expected_version: int | None = None,
        at: int | None = None,
    ) -> EntityState:
        etype = EntityType(entity_type)
        spec = spec_for(etype)
        branch = await self.store.branch(branch_id)
        when = await self._time(branch, at)
        current = await self.store.read(etype, entity_id, branch, when, include_deleted=True)
        if current is None:
            raise NotFound("nothing to restore", details={"entityId": str(entity_id)})
        if not current.deleted:
            raise Conflict("the entity is not deleted", details={"entityId": str(entity_id)})
        content = await validate_content(self.store, spec, dict(current.content), branch, when)
        restored = await self._write(
            etype,
            entity_id,
            branch,
            when,
            content,
            "RESTORE",
            previous=current,
            expected_version=expected_version,
        )
        # undo the cascade: dependents tombstoned by the same delete (same world time) come back too
        for holder_spec, ref in dependents(etype):

            def matches(row: Any, ref: Any = ref) -> Any:
                same_delete = row.is_deleted & (row.valid_from == current.valid_from)
                return _refers_to(row, ref, etype, entity_id) & same_delete

            for holder in await self.store.read_many(
                holder_spec.type, branch, when, where=[matches], include_deleted=True, include_archived=True
            ):
                await self.restore(holder_spec.type, holder.entity_id, branch.id, at=when)
        return restored

    async def _check_location_parent(
        self, entity_id: uuid.UUID, content: dict[str, Any], branch: Branch, at: int
    ) -> None:
        parent_id = content.get("parent_id")
        seen = {entity_id}
        while parent_id is not None:
            parent = uuid.UUID(str(parent_id))
            if parent in seen:
                raise ValidationFailed("location parents would form a cycle", details={"field": "parent_id"})
            seen.add(parent)
            state = await self.store.read(EntityType.LOCATION, parent, branch, at)
            if state is None:
                break
            if state.content.get("kind") != "REGION":
                raise ValidationFailed("a location's parent must be a region", details={"field": "parent_id"})
            parent_id = state.content.get("parent_id")

    # -- history ----------------------------------------------------------------------------------

    async def history(
        self, entity_type: EntityType | str, entity_id: uuid.UUID, branch_id: uuid.UUID
    ) -> list[EntityState]:
        branch = await self.store.branch(branch_id)
        versions = await self.store.history(entity_type, entity_id, branch)
        if not versions:
            raise NotFound("entity not found", details={"entityId": str(entity_id)})
        return versions

    async def version_diff(
        self,
        entity_type: EntityType | str,
        entity_id: uuid.UUID,
        branch_id: uuid.UUID,
        from_version: int,
        to_version: int,
    ) -> list[Change]:
        by_version = {v.version: v for v in await self.history(entity_type, entity_id, branch_id)}
        missing = [v for v in (from_version, to_version) if v not in by_version]
        if missing:
            raise NotFound(f"version {missing[0]} not found", details={"version": missing[0]})
        old, new = by_version[from_version], by_version[to_version]
        return diff({} if old.deleted else old.content, {} if new.deleted else new.content)

    async def restore_version(
        self,
        entity_type: EntityType | str,
        entity_id: uuid.UUID,
        branch_id: uuid.UUID,
        version: int,
        *,
        expected_version: int | None = None,
    ) -> EntityState:
        """Write the content of an old version as a new version (the past is never rewritten)."""
        etype = EntityType(entity_type)
        by_version = {v.version: v for v in await self.history(etype, entity_id, branch_id)}
        old = by_version.get(version)
        if old is None or old.deleted:
            raise NotFound(f"version {version} not found", details={"version": version})
        branch = await self.store.branch(branch_id)
        current = await self.store.read(etype, entity_id, branch, include_deleted=True)
        content = await validate_content(self.store, spec_for(etype), dict(old.content), branch, branch.world_time)
        return await self._write(
            etype,
            entity_id,
            branch,
            branch.world_time,
            content,
            "RESTORE",
            previous=current,
            expected_version=expected_version,
        )


def _refers_to(row: Any, ref: Any, entity_type: EntityType, entity_id: uuid.UUID) -> Any:
    condition = getattr(row, ref.field) == entity_id
    if ref.type_field is not None:
        condition = condition & (getattr(row, ref.type_field) == entity_type.value)
    return condition


def _integrity_error(exc: IntegrityError) -> Exception:
    text = str(exc.orig)
    if "uq_" in text:
        constraint = text.split('"')[1] if '"' in text else "unique"
        return Conflict("this would duplicate an existing live record", details={"constraint": constraint})
    return ValidationFailed("the change violates a database constraint", details={"reason": text.splitlines()[0]})
