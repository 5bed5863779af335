"""Writes the demo world through `DomainService`: every row versioned and audited, all in the caller's
transaction. The story is played, not just stored: main's clock moves forward step by step, events
and encounters are resolved (their effects apply), the due work runs (expirations, deferred effects,
growth and upkeep), and three what-if branches fork off and live their own history.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from campaign_api.auth.passwords import hash_password
from campaign_api.db.models import Branch, Campaign, Membership, Upload, User, World
from campaign_api.domain.due_work import process_due_work
from campaign_api.domain.resolution import resolve
from campaign_api.domain.service import DomainService
from campaign_api.rules.operators import install
from campaign_api.seed import content as c
from campaign_api.seed import geography as geo
from campaign_api.seed.accounts import DEMO_ACCOUNTS
from campaign_api.seed.mapimage import render_png
from campaign_api.storage import ObjectStorage
from campaign_shared.calendar import Calendar, get_preset, parse
from campaign_shared.messages import EntityType

DAY = 24 * 60 * 60  # the kindled calendar has 24 hours of 60 minutes of 60 seconds
MAP_CONTENT_TYPE = "image/png"


@dataclass
class DemoWorld:
    """What the seed created (or found): ids a caller or a test needs."""

    created: bool
    world_id: uuid.UUID
    campaign_id: uuid.UUID
    branches: dict[str, uuid.UUID]
    map_image_key: str | None
    accounts: dict[str, uuid.UUID] = field(default_factory=dict)  # email → user id


async def find_demo(session: AsyncSession) -> DemoWorld | None:
    """The demo world, if it exists: the marker is the world's fixed name under the owner account."""
    owner = DEMO_ACCOUNTS[0]
    row = (
        await session.execute(
            select(World, Campaign)
            .join(User, User.id == World.owner_id)
            .join(Campaign, Campaign.world_id == World.id)
            .where(
                func.lower(User.email) == owner.email,
                World.name == c.WORLD_NAME,
                World.deleted_at.is_(None),
                Campaign.name == c.CAMPAIGN_NAME,
            )
            .order_by(World.created_at)
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    world, campaign = row
    branches = await session.execute(select(Branch.name, Branch.id).where(Branch.campaign_id == campaign.id))
    users = await session.execute(
        select(User.email, User.id).where(func.lower(User.email).in_([a.email for a in DEMO_ACCOUNTS]))
    )
    return DemoWorld(
        created=False,
        world_id=world.id,
        campaign_id=campaign.id,
        branches=dict(branches.all()),
        map_image_key=world.map_image_key,
        accounts={email.lower(): ident for email, ident in users.all()},
    )


async def ensure_accounts(session: AsyncSession) -> dict[str, User]:
    """The demo users by role; an existing account with a demo email is reused (its password reset)."""
    users: dict[str, User] = {}
    for account in DEMO_ACCOUNTS:
        user = await session.scalar(select(User).where(func.lower(User.email) == account.email))
        password_hash = await hash_password(account.password)
        if user is None:
            user = User(email=account.email, name=account.name, password_hash=password_hash)
            session.add(user)
        else:
            user.password_hash, user.is_active = password_hash, True
        users[account.role] = user
    await session.flush()
    return users


class DemoBuilder:
    """Creates the demo content; entities are known by their content keys (`ev.beacon_dark` …)."""

    def __init__(self, svc: DomainService, users: dict[str, User], storage: ObjectStorage | None) -> None:
        self.svc = svc
        self.users = users
        self.storage = storage
        self.calendar: Calendar = get_preset(c.CALENDAR)
        self.ids: dict[str, uuid.UUID] = {}
        self.types: dict[str, EntityType] = {}
        self.branches: dict[str, Branch] = {}

    # -- helpers ----------------------------------------------------------------------------------

    def t(self, text: str) -> int:
        """World time of a date in the world calendar."""
        return parse(self.calendar, text)

    def ref(self, value: Any) -> Any:
        """`"@key"` strings replaced by ids, recursively."""
        if isinstance(value, str) and value.startswith("@"):
            key = value[1:]
            if key == "user.player":
                return str(self.users["PLAYER"].id)
            return str(self.ids[key])
        if isinstance(value, list):
            return [self.ref(item) for item in value]
        if isinstance(value, dict):
            return {k: self.ref(v) for k, v in value.items()}
        return value

    def as_actor(self, role: str) -> None:
        self.svc.actor_id = self.users[role].id

    async def create(self, key: str, entity_type: EntityType, branch: Branch, at: int, /, **fields: Any) -> uuid.UUID:
        state = await self.svc.create(entity_type, branch.id, self.ref(fields), at=at)
        self.ids[key], self.types[key] = state.entity_id, entity_type
        return state.entity_id

    async def update(self, key: str, branch: Branch, at: int, /, **fields: Any) -> None:
        await self.svc.update(self.types[key], self.ids[key], branch.id, self.ref(fields), expected_version=None, at=at)

    async def current(self, key: str, branch: Branch, at: int) -> dict[str, Any]:
        state = await self.svc.store.require(self.types[key], self.ids[key], branch, at)
        return state.content

    async def goto(self, branch: Branch, when: str) -> None:
        """Advance the branch's clock and do the work that became due (as the scheduler would)."""
        await self.svc.advance_time(branch.id, self.t(when))
        await process_due_work(self.svc, branch.id)

    async def resolve(self, branch: Branch, key: str) -> None:
        result = await resolve(self.svc, self.types[key], self.ids[key], branch.id)
        assert not any(not e.success for e in result.executions), f"effects of {key} failed"

    # -- the world --------------------------------------------------------------------------------

    async def build(self) -> DemoWorld:
        geo.check()
        install()  # condition expressions use the domain operators (resolved, inside, daysSince)
        owner = self.users["OWNER"]
        self.as_actor("OWNER")
        world = await self.svc.create_world(owner.id, c.WORLD_NAME, c.WORLD_DESCRIPTION, c.CALENDAR)
        world.settings = {"demo": True}
        world.map_bounds = list(geo.MAP_BOUNDS)
        await self.upload_map(world)
        start = self.t(c.START)
        campaign, main = await self.svc.create_campaign(world, c.CAMPAIGN_NAME, c.CAMPAIGN_DESCRIPTION, start)
        campaign.settings = {"demo": True}
        self.branches["main"] = main
        await self.add_members(campaign)
        await self.geography(main, start)
        await self.realm(main, start)
        await self.people(main, start)
        await self.story(main, start)
        await self.play_main(main)
        await self.what_ifs(main)
        await self.svc.session.flush()
        return DemoWorld(
            created=True,
            world_id=world.id,
            campaign_id=campaign.id,
            branches={name: branch.id for name, branch in self.branches.items()},
            map_image_key=world.map_image_key,
            accounts={u.email: u.id for u in self.users.values()},
        )

    async def upload_map(self, world: World) -> None:
        """Paint the map, put it in S3 and record it as the world's map image (and as an upload)."""
        png = render_png()
        key = f"worlds/{world.id}/calderwyn-map.png"
        if self.storage is not None:
            await put_object(self.storage, key, png, MAP_CONTENT_TYPE)
        world.map_image_key = key
        self.svc.session.add(
            Upload(
                campaign_id=None,
                owner_type=EntityType.WORLD.value,
                owner_id=world.id,
                s3_key=key,
                content_type=MAP_CONTENT_TYPE,
                size=len(png),
                checksum=hashlib.sha256(png).hexdigest(),
                created_by=world.owner_id,
            )
        )

    async def add_members(self, campaign: Campaign) -> None:
        for account in DEMO_ACCOUNTS:
            if account.role == "OWNER":
                continue  # create_campaign made the actor the owner
            user = self.users[account.role]
            self.svc.session.add(Membership(campaign_id=campaign.id, user_id=user.id, role=account.role))
            self.svc.audit(
                campaign.id,
                "MEMBER_ADD",
                EntityType.CAMPAIGN.value,
                campaign.id,
                after={"userId": str(user.id), "role": account.role},
            )

    async def geography(self, main: Branch, at: int) -> None:
        realm = geo.continent()
        await self.create(
            "rg.realm",
            EntityType.LOCATION,
            main,
            at,
            name=geo.REALM_NAME,
            description=geo.REALM_DESCRIPTION,
            kind="REGION",
            geom=geo.geojson(realm),
        )
        for province in geo.PROVINCES:
            await self.create(
                f"rg.{province.key}",
                EntityType.LOCATION,
                main,
                at,
                name=province.name,
                description=province.description,
                kind="REGION",
                geom=geo.geojson(geo.province_shape(province.key)),
                parent_id="@rg.realm",
            )
        for place in geo.PLACES:
            await self.create(
                f"pl.{place.key}",
                EntityType.LOCATION,
                main,
                at,
                name=place.name,
                description=place.description,
                gm_notes=place.gm_notes,
                hidden=place.hidden,
                kind="POINT",
                geom=place.geojson(),
                parent_id=f"@rg.{place.province}",
            )

    async def realm(self, main: Branch, at: int) -> None:
        campaign_id = str(main.campaign_id)
        for flag in c.FLAGS:
            await self.create(
                f"fl.{flag.key}",
                EntityType.STATE_VARIABLE,
                main,
                at,
                scope="CAMPAIGN",
                scope_id=campaign_id,
                key=flag.key,
                var_type=flag.var_type,
                value=flag.value,
                description=flag.description,
            )
        for kingdom in c.KINGDOMS:
            await self.create(
                kingdom.key,
                EntityType.KINGDOM,
                main,
                at,
                name=kingdom.name,
                description=kingdom.description,
                gm_notes=kingdom.gm_notes,
                level=kingdom.level,
                variable_schemas=c.KINGDOM_SCHEMAS,
                variables=kingdom.variables,
            )
            short = kingdom.key.removeprefix("kd.")
            scope = {"scope": "KINGDOM", "scope_id": f"@{kingdom.key}"}
            await self.create(
                f"vr.{short}.treasury",
                EntityType.STATE_VARIABLE,
                main,
                at,
                **scope,
                key="treasury",
                var_type="FLOAT",
                value=kingdom.treasury,
                description="the crown's coffers, in gold",
            )
            await self.create(
                f"vr.{short}.levy",
                EntityType.STATE_VARIABLE,
                main,
                at,
                **scope,
                key="levy",
                var_type="INTEGER",
                value=kingdom.levy,
                description="soldiers the crown can call up",
            )
            await self.create(
                f"vr.{short}.war_readiness",
                EntityType.STATE_VARIABLE,
                main,
                at,
                **scope,
                key="war_readiness",
                var_type="DERIVED",
                formula=c.WAR_READINESS_FORMULA,
                description="treasury / 200 + levy / 10: 80 and more means ready for war",
            )
        for settlement in c.SETTLEMENTS:
            place = next(p for p in geo.PLACES if p.key == settlement.place)
            await self.create(
                settlement.key,
                EntityType.SETTLEMENT,
                main,
                at,
                name=place.name,
                description=settlement.description,
                gm_notes=settlement.gm_notes,
                kingdom_id=f"@{settlement.kingdom}",
                location_id=f"@pl.{settlement.place}",
                level=settlement.level,
                population=settlement.population,
                variable_schemas=c.SETTLEMENT_SCHEMAS,
                variables=settlement.variables,
            )
        for structure in c.STRUCTURES:
            schemas = c.STRUCTURE_SCHEMAS.get(structure.structure_type, c.STRUCTURE_SCHEMAS["default"])
            await self.create(
                structure.key,
                EntityType.STRUCTURE,
                main,
                at,
                name=structure.name,
                description=structure.description,
                settlement_id=f"@{structure.settlement}",
                structure_type=structure.structure_type,
                level=structure.level,
                condition=structure.condition,
                operational=structure.operational,
                variable_schemas=schemas,
                variables={"staff": structure.staff, **structure.extra},
            )

    async def people(self, main: Branch, at: int) -> None:
        await self.create(
            c.PARTY_KEY,
            EntityType.PARTY,
            main,
            at,
            name=c.PARTY_NAME,
            description=c.PARTY_DESCRIPTION,
            variable_schemas=c.PARTY_SCHEMAS,
            variables={},
        )
        for ch in c.CHARACTERS:
            await self.create(
                ch.key,
                EntityType.CHARACTER,
                main,
                at,
                name=ch.name,
                description=ch.description,
                gm_notes=ch.gm_notes,
                hidden=ch.hidden,
                party_id=f"@{c.PARTY_KEY}" if ch.in_party else None,
                level=ch.level,
                race=ch.race,
                character_class=ch.character_class,
                is_npc=ch.is_npc,
                owner_user_id=str(self.users["PLAYER"].id) if ch.played_by_player else None,
                variable_schemas=c.CHARACTER_SCHEMAS,
                variables={"hp": ch.hp},
            )

    async def story(self, main: Branch, at: int) -> None:
        for spec in (*c.EVENTS, *c.ENCOUNTERS):
            common = {
                "name": spec.name,
                "description": spec.description,
                "gm_notes": spec.gm_notes,
                "hidden": spec.hidden,
                "location_id": f"@pl.{spec.place}",
                "scheduled_at": self.t(spec.scheduled),
            }
            if spec.is_event:
                expires = self.t(spec.expires) if spec.expires else None
                await self.create(
                    spec.key, EntityType.EVENT, main, at, **common, event_type=spec.event_type, expires_at=expires
                )
            else:
                await self.create(spec.key, EntityType.ENCOUNTER, main, at, **common, difficulty=spec.difficulty)
        for index, link in enumerate(c.LINKS):
            await self.create(
                f"ln.{index}",
                EntityType.LINK,
                main,
                at,
                source_type=self.types[link.source].value,
                source_id=f"@{link.source}",
                target_type=self.types[link.target].value,
                target_id=f"@{link.target}",
                kind=link.kind,
                description=link.description,
            )
        for index, condition in enumerate(c.CONDITIONS):
            await self.create(
                f"cd.{index}",
                EntityType.CONDITION,
                main,
                at,
                owner_type=self.types[condition.owner].value,
                owner_id=f"@{condition.owner}",
                field=condition.field,
                expression=condition.expression,
                priority=condition.priority,
            )
        for index, effect in enumerate(c.EFFECTS):
            await self.create(
                f"ef.{index}",
                EntityType.EFFECT,
                main,
                at,
                owner_type=self.types[effect.owner].value,
                owner_id=f"@{effect.owner}",
                target_type=self.types[effect.target].value,
                target_id=f"@{effect.target}",
                operations=effect.operations,
                timing=effect.timing,
                priority=effect.priority,
                delay_seconds=effect.delay_days * DAY if effect.delay_days is not None else None,
            )
        for secret in c.SECRETS:
            await self.create(
                secret.key,
                EntityType.SECRET,
                main,
                at,
                owner_type=self.types[secret.owner].value,
                owner_id=f"@{secret.owner}",
                text=secret.text,
                revealed_to=list(secret.revealed_to),
            )

    # -- history ----------------------------------------------------------------------------------

    async def play_main(self, main: Branch) -> None:
        """Two and a half months of play on main, ending at `content.NOW`."""
        steps: list[tuple[str, str | None]] = [
            ("1207-03-02 10:00", "ev.beacon_dark"),
            ("1207-03-03 20:00", "en.wreckers"),
            ("1207-03-05 16:00", "ev.harbour_council"),
            ("1207-03-10 23:00", "ev.smuggler_lights"),
            ("1207-03-20 18:00", "en.widows_ford"),  # the levy expired this morning
            ("1207-03-25 23:00", "en.kiln_ghoul"),
            ("1207-04-01 06:00", "ev.drowned_bell"),
            ("1207-04-12 15:00", "ev.thief_unmasked"),
        ]
        for when, key in steps:
            await self.goto(main, when)
            if key is not None:
                await self.resolve(main, key)
        # the party learns Vell's secret when he is unmasked
        await self.update("sc.vell", main, main.world_time, revealed_to=["@pt.wardens", "@user.player"])
        await self.goto(main, "1207-04-15 00:00")
        await self.fork_thanes_refuse(main)
        await self.goto(main, "1207-04-20 00:00")
        await self.fork_early_floods(main)
        await self.goto(main, "1207-04-25 11:00")  # the riot expired unanswered
        await self.resolve(main, "en.pilgrims")
        await self.goto(main, "1207-05-01 12:00")
        await self.resolve(main, "ev.festival")
        await self.goto(main, "1207-05-02 00:00")
        await self.fork_heroes_rise(main)
        await self.goto(main, "1207-05-05 09:00")
        self.as_actor("GM")
        greyspire = await self.current("kd.greyspire", main, main.world_time)
        await self.update("kd.greyspire", main, main.world_time, variables={**greyspire["variables"], "stance": "wary"})
        await self.goto(main, "1207-05-10 17:00")
        emberlee = await self.current("st.emberlee", main, main.world_time)
        await self.update(
            "st.emberlee",
            main,
            main.world_time,
            population=int(emberlee["population"]) + 350,
            gm_notes=emberlee["gm_notes"] + " Refugees from the wrecked coast villages arrived on 10 Bloomward.",
        )
        self.as_actor("OWNER")
        await self.goto(main, c.NOW)

    async def _fork(self, main: Branch, name: str, description: str, color: str) -> Branch:
        branch = await self.svc.fork(main.id, name, description=description, color=color, tags=["what-if", "demo"])
        self.branches[name] = branch
        return branch

    async def fork_thanes_refuse(self, main: Branch) -> None:
        await self._fork(
            main,
            "thanes-refuse",
            "What if the succession crisis breaks out before the pact? The thanes turn hostile and close the pass.",
            "#b4432f",
        )

    async def fork_early_floods(self, main: Branch) -> None:
        await self._fork(
            main,
            "early-floods",
            "What if the Choir opens the sluices a month early? The fen floods in Rainreach.",
            "#2f6fb4",
        )

    async def fork_heroes_rise(self, main: Branch) -> None:
        await self._fork(
            main,
            "heroes-rise",
            "What if the Wardens train hard over the festival? Everyone reaches level 5 and the barrow opens.",
            "#3f9a55",
        )

    async def what_ifs(self, main: Branch) -> None:
        """Each branch's own history, written after main's (each branch reads main only up to its fork)."""
        refuse = self.branches["thanes-refuse"]
        await self.update(
            "kd.greyspire",
            refuse,
            refuse.world_time,
            gm_notes="On this timeline the thanes quarrel before any envoy arrives.",
        )
        await self.goto(refuse, "1207-05-27 12:00")
        await self.resolve(refuse, "ev.succession")  # blocks the pact: the thanes turn hostile
        await self.goto(refuse, "1207-06-01 08:00")

        floods = self.branches["early-floods"]
        await self.update("ev.floods", floods, floods.world_time, scheduled_at=self.t("1207-04-24 06:00"), hidden=False)
        await self.goto(floods, "1207-04-24 10:00")
        await self.resolve(floods, "ev.floods")
        await self.goto(floods, "1207-04-27 15:00")
        await self.resolve(floods, "en.bog_drake")  # available now that the floods happened
        await self.update(
            "st.bogmoor",
            floods,
            floods.world_time,
            description="The ferry village, half under water; the survivors live on the causeway.",
        )
        await self.goto(floods, "1207-05-02 00:00")

        heroes = self.branches["heroes-rise"]
        self.as_actor("GM")
        await self.goto(heroes, "1207-05-03 09:00")
        for key in ("ch.isolde", "ch.tamsin", "ch.quill"):
            await self.update(key, heroes, heroes.world_time, level=5)
        await self.goto(heroes, "1207-05-15 23:30")
        await self.resolve(heroes, "en.barrow_wight")  # party level 5 makes it available
        await self.update(
            "pl.watchfire_tor",
            heroes,
            heroes.world_time,
            name="Watchfire Tor (new beacon)",
            geom={"type": "Point", "coordinates": [-0.4, 4.3]},
            description="The Wardens built a new signal fire on the eastern shoulder of the tor.",
        )
        await self.goto(heroes, "1207-05-20 12:00")
        self.as_actor("OWNER")


async def put_object(storage: ObjectStorage, key: str, data: bytes, content_type: str) -> None:
    """Upload bytes to the storage's bucket (created if missing)."""
    await storage.ensure_bucket()

    def put() -> None:
        storage.client.put_object(storage.bucket, key, io.BytesIO(data), len(data), content_type=content_type)

    await anyio.to_thread.run_sync(put)
