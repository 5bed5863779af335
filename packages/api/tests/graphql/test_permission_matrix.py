"""Every root operation times every kind of caller, generated from the schema.

For each Query and Mutation field the test builds a call with real ids of the test campaign, sends it
as anonymous, a non-member, VIEWER, PLAYER, GM, OWNER and API keys with and without the needed scope,
and checks the outcome against the operation's rule in `RULES`: denied callers get UNAUTHENTICATED,
FORBIDDEN (or NOT_FOUND for non-members, who must not learn the campaign exists); allowed callers are
never denied (other errors from the placeholder arguments are fine). An operation without a rule fails.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
    get_named_type,
)

from campaign_api.graphql.operations import RULES
from campaign_api.graphql.permissions import MIN_ROLE, Action, Role
from campaign_api.graphql.schema import build_schema
from campaign_api.graphql.subscriptions import SUBSCRIPTION_RULES

DENIED = {"UNAUTHENTICATED", "FORBIDDEN"}
SCHEMA = build_schema(introspection=True)._schema
TYPED_IDS = {
    "settlement",
    "kingdom",
    "party",
    "character",
    "structure",
    "location",
    "event",
    "encounter",
    "link",
    "condition",
    "effect",
    "stateVariable",
    "secret",
}


def _root_fields(type_name: str) -> dict[str, GraphQLField]:
    root = SCHEMA.get_type(type_name)
    assert isinstance(root, GraphQLObjectType)
    return dict(root.fields)


def test_every_root_operation_has_a_rule() -> None:
    names = set(_root_fields("Query")) | set(_root_fields("Mutation"))
    missing = sorted(n for n in names if n not in RULES)
    assert missing == [], f"operations without a permission rule: {missing}"
    assert set(_root_fields("Subscription")) <= set(SUBSCRIPTION_RULES)


def _placeholder(type_: Any, arg: str, ids: dict[str, str]) -> Any:
    if isinstance(type_, GraphQLNonNull):
        return _placeholder(type_.of_type, arg, ids)
    if isinstance(type_, GraphQLList):
        return [0.0, 0.0, 1.0, 1.0] if arg in {"bbox", "point"} else []
    named = get_named_type(type_)
    if isinstance(named, GraphQLEnumType):
        return "SETTLEMENT" if named.name == "EntityType" else next(iter(named.values))
    if isinstance(named, GraphQLInputObjectType):
        value: dict[str, Any] = {}
        for name, field in named.fields.items():
            if name in {"campaignId", "worldId", "parentId", "sourceBranchId", "targetBranchId", "name"} or (
                isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
            ):
                value[name] = _placeholder(field.type, name, ids)
        return value
    assert isinstance(named, GraphQLScalarType)
    if named.name == "ID":
        return ids.get(arg, ids["entity"])
    return {
        "String": "x",
        "Int": 1,
        "Float": 1.0,
        "Boolean": False,
        "WorldTime": "1200-03-01 08:00",
        "JSON": {},
        "GeoJSON": {},
    }.get(named.name, "x")


def _call(name: str, field: GraphQLField, kind: str, ids: dict[str, str]) -> tuple[str, dict[str, Any]]:
    typed = next((t for t in TYPED_IDS if name.lower().endswith(t.lower())), None)
    local = dict(ids)
    if name == "campaign":
        local["id"] = ids["campaignId"]
    if typed:
        local["id"] = local["entity"] = ids[typed]
    declared, passed, variables = [], [], {}
    for arg_name, arg in field.args.items():
        required = isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
        if not required and arg_name not in {"campaignId", "branchId"}:
            continue
        variables[arg_name] = _placeholder(arg.type, arg_name, local)
        declared.append(f"${arg_name}: {arg.type}")
        passed.append(f"{arg_name}: ${arg_name}")
    named = get_named_type(field.type)
    selection = " { __typename }" if isinstance(named, GraphQLObjectType) else ""
    head = f"{kind}({', '.join(declared)})" if declared else kind
    args = f"({', '.join(passed)})" if passed else ""
    return f"{head} {{ {name}{args}{selection} }}", variables


def _allowed(action: Action, who: str, scopes: frozenset[str] | None, service: bool) -> bool:
    if action is Action.PUBLIC:
        return True
    if who in {"anonymous"}:
        return False
    if who == "service":
        return service
    if scopes is not None:
        needed = {Action.READ: "read", Action.PLAY: "write", Action.WRITE: "write", Action.ADMIN: "admin"}.get(action)
        if needed and needed not in scopes:
            return False
    if action is Action.SIGNED_IN:
        return True
    if who == "outsider":
        return False
    return Role[who] >= MIN_ROLE[action]


def _api_key(http: httpx.Client, token: str, scopes: list[str]) -> str:
    response = http.post(
        "/auth/api-keys", json={"name": "matrix", "scopes": scopes}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.text
    return response.json()["key"]  # type: ignore[no-any-return]


@pytest.fixture
def world(table: Any) -> dict[str, str]:
    """Real ids of one entity of every type in the test campaign."""
    gm, c = table.gm, table.campaign_id

    def create(type_name: str, fields: dict[str, Any]) -> str:
        data = gm.q(
            f"mutation($i: Create{type_name}Input!) {{ create{type_name}(input: $i) {{ id versionId }} }}",
            {"i": {"campaignId": c, **fields}},
        )[f"create{type_name}"]
        ids[f"{type_name[0].lower()}{type_name[1:]}Version"] = data["versionId"]
        return data["id"]  # type: ignore[no-any-return]

    ids: dict[str, str] = {}
    ids["kingdom"] = create("Kingdom", {"name": "K"})
    ids["location"] = create(
        "Location",
        {
            "name": "R",
            "kind": "REGION",
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]},
        },
    )
    ids["settlement"] = create("Settlement", {"name": "S", "kingdomId": ids["kingdom"]})
    ids["structure"] = create("Structure", {"name": "T", "settlementId": ids["settlement"], "type": "inn"})
    ids["party"] = create("Party", {"name": "P"})
    # the player's own character: updateCharacter is a PLAY operation (a player edits their own)
    ids["character"] = create(
        "Character", {"name": "C", "partyId": ids["party"], "ownerUserId": table.player.user["id"]}
    )
    ids["event"] = create("Event", {"name": "E"})
    ids["encounter"] = create("Encounter", {"name": "N"})
    ids["link"] = create(
        "Link",
        {
            "sourceType": "EVENT",
            "sourceId": ids["event"],
            "targetType": "ENCOUNTER",
            "targetId": ids["encounter"],
            "kind": "RELATED",
        },
    )
    ids["condition"] = create(
        "Condition", {"entityType": "EVENT", "entityId": ids["event"], "field": "visible", "expression": True}
    )
    ids["effect"] = create(
        "Effect",
        {
            "ownerType": "EVENT",
            "ownerId": ids["event"],
            "targetType": "KINGDOM",
            "targetId": ids["kingdom"],
            "operations": [{"op": "replace", "path": "/level", "value": 2}],
        },
    )
    ids["stateVariable"] = create(
        "StateVariable", {"scope": "CAMPAIGN", "name": "threat", "type": "INTEGER", "value": 1}
    )
    ids["secret"] = create("Secret", {"ownerType": "EVENT", "ownerId": ids["event"], "text": "s"})
    ids.update(
        {
            "entity": ids["settlement"],
            "id": ids["settlement"],
            "campaignId": c,
            "branchId": table.main_branch_id,
            "sourceBranchId": table.main_branch_id,
            "targetBranchId": table.main_branch_id,
            "parentId": table.main_branch_id,
            "regionId": ids["location"],
            "scopeId": ids["kingdom"],
            "versionId": ids["settlementVersion"],
            "worldId": "00000000-0000-7000-8000-000000000000",
            "userId": table.viewer.user["id"],
        }
    )
    return ids


def test_role_matrix_over_http(table: Any, world: dict[str, str], http: httpx.Client, anonymous: Any) -> None:
    from campaign_shared.settings import DEV_SCHEDULER_TOKEN

    callers: list[tuple[str, dict[str, str], frozenset[str] | None]] = [
        ("anonymous", {}, None),
        ("outsider", {"Authorization": f"Bearer {table.outsider.token}"}, None),
        ("VIEWER", {"Authorization": f"Bearer {table.viewer.token}"}, None),
        ("PLAYER", {"Authorization": f"Bearer {table.player.token}"}, None),
        ("GM", {"X-API-Key": _api_key(http, table.gm.token, ["read"])}, frozenset({"read"})),
        ("GM", {"Authorization": f"Bearer {table.gm.token}"}, None),
        ("OWNER", {"Authorization": f"Bearer {table.owner.token}"}, None),
        ("service", {"Authorization": f"Bearer {DEV_SCHEDULER_TOKEN}"}, None),
    ]
    skip = {"removeMember", "updateMemberRole"}  # change the very memberships the matrix relies on; covered below
    problems: list[str] = []
    for kind, root in (("query", "Query"), ("mutation", "Mutation")):
        for name, field in sorted(_root_fields(root).items()):
            if name in skip:
                continue
            rule = RULES[name]
            query, variables = _call(name, field, kind, world)
            for who, headers, scopes in callers:
                body = http.post("/graphql", json={"query": query, "variables": variables}, headers=headers).json()
                codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
                assert "GRAPHQL_VALIDATION_FAILED" not in codes, (name, body)
                hidden = rule.action not in {Action.PUBLIC, Action.SIGNED_IN} and "NOT_FOUND" in codes
                denied = bool(codes & DENIED) or (who == "outsider" and hidden)
                allowed = _allowed(rule.action, who, scopes, rule.service)
                if allowed and denied:
                    problems.append(f"{name}: {who}{' key' if scopes else ''} was denied: {codes}")
                if not allowed and not denied:
                    problems.append(f"{name}: {who}{' key' if scopes else ''} was allowed ({rule.action})")
    assert problems == []


def test_member_management_is_owner_only(table: Any) -> None:
    update = "mutation($c: ID!, $u: ID!) { updateMemberRole(campaignId: $c, userId: $u, role: GM) { role } }"
    for client in (table.gm, table.player, table.viewer):
        with pytest.raises(AssertionError) as err:
            client.q(update, {"c": table.campaign_id, "u": table.viewer.user["id"]})
        assert err.value.code == "FORBIDDEN"  # type: ignore[attr-defined]
    assert table.owner.q(update, {"c": table.campaign_id, "u": table.viewer.user["id"]})["updateMemberRole"] == {
        "role": "GM"
    }
    remove = "mutation($c: ID!, $u: ID!) { removeMember(campaignId: $c, userId: $u) }"
    with pytest.raises(AssertionError) as err:
        table.owner.q(remove, {"c": table.campaign_id, "u": table.owner.user["id"]})
    assert err.value.code == "CONFLICT"  # type: ignore[attr-defined]  # the last owner cannot leave
    assert table.owner.q(remove, {"c": table.campaign_id, "u": table.player.user["id"]})["removeMember"] is True
    with pytest.raises(AssertionError) as err:
        table.player.q("query($c: ID!) { campaign(id: $c) { name } }", {"c": table.campaign_id})
    assert err.value.code == "NOT_FOUND"  # type: ignore[attr-defined]
