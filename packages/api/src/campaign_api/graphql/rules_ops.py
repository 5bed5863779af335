"""GraphQL fields of the rules (SPEC §5): conditions of an entity evaluated with explain, and the
dependency graph of a (campaign, branch).

`operations` merges `QUERY_FIELDS`, `MUTATION_FIELDS` and `RULES` into the schema and its permission
table. Conditions are GM-only: players (and viewers) get only `available` and `visible` of entities
they can see, without traces or condition ids.

No `from __future__ import annotations`: Strawberry reads the resolvers' annotations as objects.
"""

import uuid
from typing import Any

import strawberry
from grpclib.exceptions import GRPCError, StreamTerminatedError
from sqlalchemy import select
from strawberry.types import Info

from campaign_api.db.models import Branch as BranchRow
from campaign_api.domain.registry import SPECS
from campaign_api.errors import DependencyUnavailable, NotFound, ValidationFailed
from campaign_api.graphql.context import GraphQLContext, _uuid
from campaign_api.graphql.entities import (
    GM_ONLY_TYPES,
    EntityTypeEnum,  # noqa: F401 - registers the EntityType enum
)
from campaign_api.graphql.permissions import Access, Action, Rule
from campaign_api.graphql.scalars import JSON, WorldTime, to_seconds
from campaign_api.rules.context import build_context
from campaign_api.rules.evaluate import DEFAULTS, FieldResult, evaluate_fields
from campaign_api.rules.graph import GraphReport, dependency_graph
from campaign_api.rules.graph_build import Edge, Graph, Node
from campaign_api.rules.operators import install
from campaign_api.rules.relations import Owner
from campaign_api.rules_client import EngineUnavailable, Evaluation
from campaign_shared import jsonlogic
from campaign_shared.messages import EntityType

Ctx = Info[GraphQLContext, None]

RULES: dict[str, Rule] = {
    "evaluateConditions": Rule(Action.READ, service=True),
    "previewCondition": Rule(Action.WRITE),
    "dependencyGraph": Rule(Action.WRITE, service=True),
}


@strawberry.type(description="The value of one field of an entity, decided by its conditions")
class FieldEvaluation:
    field: str = strawberry.field(description="available, visible, or a computed field name")
    value: JSON | None
    trace: JSON | None = strawberry.field(
        description="with explain (GMs): each condition in priority order with its value, error and trace"
    )
    source: str = strawberry.field(
        description="engine (the rules engine), fallback (the API evaluated locally) or default (no condition)"
    )
    cached: bool = strawberry.field(description="every condition was answered from the engine's cache")
    condition_ids: list[strawberry.ID] = strawberry.field(description="the field's conditions (GMs only)")
    errors: list[str] = strawberry.field(description="conditions that failed: id, error type, message (GMs only)")


@strawberry.type
class DependencyNode:
    key: str = strawberry.field(description="KIND:id, unique in the graph")
    kind: str = strawberry.field(description="VARIABLE ENTITY_FIELD CONDITION EFFECT EVENT ENCOUNTER")
    id: str
    label: str = strawberry.field(description="what a GM recognises: 'condition Festival.available'")
    declared: bool = strawberry.field(description="false for a reference to something that does not exist")


@strawberry.type
class DependencyEdge:
    source: str
    target: str
    kind: str = strawberry.field(description="READS WRITES DECIDES PREREQUISITE TRIGGERS")


@strawberry.type
class DependencyCycle:
    members: list[DependencyNode]
    path: list[DependencyNode] = strawberry.field(description="one closed walk through the members")
    description: str = strawberry.field(description="the path by labels, 'a -> b -> a'")


@strawberry.type
class DanglingReference:
    edge: DependencyEdge
    missing: DependencyNode


@strawberry.type
class InvalidDependency:
    edge: DependencyEdge
    reason: str


@strawberry.type(description="The dependency graph of one (campaign, branch), analysed by the rules engine")
class DependencyGraph:
    campaign_id: strawberry.ID
    branch_id: strawberry.ID
    nodes: list[DependencyNode]
    edges: list[DependencyEdge]
    order: list[str] = strawberry.field(description="node keys in evaluation order (cycle members left out)")
    dirty: list[str] = strawberry.field(description="ordered node keys invalidated since last evaluated")
    cycles: list[DependencyCycle]
    dangling: list[DanglingReference]
    invalid_edges: list[InvalidDependency]


@strawberry.type
class EvaluationResult:
    ok: bool
    value: JSON | None  # type: ignore[valid-type]
    trace: JSON | None  # type: ignore[valid-type]
    error_type: str | None
    error_message: str | None
    duration_us: int
    source: str = strawberry.field(
        description="who evaluated: engine (the rules engine over gRPC) or fallback (the API, locally)"
    )
    fallback_reason: str | None = strawberry.field(
        default=None,
        description="why the engine did not answer (breaker_open, unavailable, timeout, ...); null if it did",
    )


def evaluation_result(result: Evaluation) -> EvaluationResult:
    return EvaluationResult(
        ok=result.ok,
        value=result.value,
        trace=result.trace,
        error_type=result.error_type,
        error_message=result.error_message,
        duration_us=result.duration_us,
        source=result.source,
        fallback_reason=result.fallback_reason,
    )


# -- helpers -----------------------------------------------------------------------------------------


async def _branch(ctx: GraphQLContext, campaign_id: uuid.UUID, branch_id: Any) -> BranchRow:
    """The addressed branch of the campaign (default: its main branch)."""
    async with ctx.read() as svc:
        if branch_id:
            branch = await svc.store.branch(_uuid(branch_id, "branchId"))
            if branch.campaign_id != campaign_id:
                raise ValidationFailed("branchId belongs to another campaign", details={"field": "branchId"})
            return branch
        main = await svc.session.scalar(
            select(BranchRow).where(BranchRow.campaign_id == campaign_id, BranchRow.parent_id.is_(None))
        )
    if main is None:
        raise NotFound("campaign has no main branch")
    return main


def _field_object(result: FieldResult, access: Access) -> FieldEvaluation:
    gm = access.gm_view
    return FieldEvaluation(
        field=result.field,
        value=result.value,
        trace=result.trace if gm else None,
        source=result.source,
        cached=result.cached,
        condition_ids=[strawberry.ID(c) for c in result.condition_ids] if gm else [],
        errors=list(result.errors) if gm else [],
    )


# -- queries -----------------------------------------------------------------------------------------


async def evaluate_conditions(
    info: Ctx,
    type: EntityType,
    id: strawberry.ID,
    branch_id: strawberry.ID | None = None,
    as_of: WorldTime | None = None,  # type: ignore[valid-type]
    explain: bool = False,
) -> list[FieldEvaluation]:
    """The entity's `available`, `visible` and computed fields from its active conditions (highest priority
    first, first non-null value wins), as of a branch and world time. Players get `available` and `visible`
    only, without traces."""
    ctx = info.context
    etype = EntityType(type.value if hasattr(type, "value") else type)
    if etype not in SPECS:
        raise ValidationFailed("only campaign entities have conditions", details={"field": "type"})
    campaign_id = await ctx.campaign_of(entity_id=id)
    access = await ctx.authorize(RULES["evaluateConditions"], campaign_id)
    branch = await _branch(ctx, campaign_id, branch_id)
    at = to_seconds(as_of, await ctx.calendar(campaign_id))
    entity_id = _uuid(id, "id")
    async with ctx.read() as svc:
        state = await svc.store.read(etype, entity_id, branch, at)
        hidden = (
            state is not None
            and not access.gm_view
            and (etype in GM_ONLY_TYPES or bool(state.content.get("hidden", False)))
        )
        if state is None or hidden:
            raise NotFound("entity not found", details={"entityId": str(id)})
        results = await evaluate_fields(
            svc,
            branch,
            etype,
            entity_id,
            at,
            None if access.gm_view else tuple(DEFAULTS),
            explain=explain and access.gm_view,
            rules_client=ctx.resources.rules,
        )
    return [_field_object(result, access) for result in results]


def _node(graph: Graph, node: Node) -> DependencyNode:
    return DependencyNode(
        key=node.key, kind=node.kind, id=node.id, label=graph.label(node), declared=node in graph.nodes
    )


def _edge(edge: Edge) -> DependencyEdge:
    return DependencyEdge(source=edge.source.key, target=edge.target.key, kind=edge.kind)


def _graph_object(report: GraphReport) -> DependencyGraph:
    graph = report.graph
    return DependencyGraph(
        campaign_id=strawberry.ID(str(graph.campaign_id)),
        branch_id=strawberry.ID(str(graph.branch_id)),
        nodes=[_node(graph, node) for node in graph.nodes],
        edges=[_edge(edge) for edge in graph.edges],
        order=[node.key for node in report.order],
        dirty=[node.key for node in report.dirty],
        cycles=[
            DependencyCycle(
                members=[_node(graph, n) for n in cycle.members],
                path=[_node(graph, n) for n in cycle.path],
                description=cycle.description,
            )
            for cycle in report.cycles
        ],
        dangling=[DanglingReference(edge=_edge(edge), missing=_node(graph, end)) for edge, end in report.dangling],
        invalid_edges=[InvalidDependency(edge=_edge(edge), reason=reason) for edge, reason in report.invalid_edges],
    )


async def dependency_graph_field(
    info: Ctx, campaign_id: strawberry.ID, branch_id: strawberry.ID | None = None
) -> DependencyGraph:
    """Nodes (variables, entity fields, conditions, effects, events, encounters), edges (reads, writes,
    decides, prerequisite, triggers), named cycles and dangling references of one (campaign, branch)."""
    ctx = info.context
    cid = await ctx.campaign_of(campaign_id=campaign_id)
    await ctx.authorize(RULES["dependencyGraph"], cid)
    branch = await _branch(ctx, cid, branch_id)
    try:
        async with ctx.read() as svc:
            report = await dependency_graph(svc.store, branch, ctx.resources.rules)
    except EngineUnavailable as exc:
        raise DependencyUnavailable(str(exc), details={"reason": exc.reason}) from exc
    return _graph_object(report)


async def preview_condition(
    info: Ctx,
    type: EntityType,
    id: strawberry.ID,
    expression: JSON,  # type: ignore[valid-type]
    branch_id: strawberry.ID | None = None,
    as_of: WorldTime | None = None,  # type: ignore[valid-type]
    explain: bool = True,
) -> EvaluationResult:
    """A draft condition expression evaluated against the entity's real rule context as of (branch, time),
    exactly as it would be once saved on the entity (its party, settlement, kingdom, state variables, facts).
    Nothing is written: this is the rule builder's live "would this be available now?" preview."""
    ctx = info.context
    etype = EntityType(type.value if hasattr(type, "value") else type)
    if etype not in SPECS:
        raise ValidationFailed("only campaign entities have conditions", details={"field": "type"})
    campaign_id = await ctx.campaign_of(entity_id=id)
    await ctx.authorize(RULES["previewCondition"], campaign_id)  # before the draft is looked at
    install()  # the domain operators a draft may use
    try:
        jsonlogic.compile(expression)
    except jsonlogic.JsonLogicError as exc:  # the same refusal as saving the condition would give
        raise ValidationFailed(
            f"invalid JSON Logic expression: {exc}", details={"field": "expression", "errorType": str(exc.type)}
        ) from None
    branch = await _branch(ctx, campaign_id, branch_id)
    at = to_seconds(as_of, await ctx.calendar(campaign_id))
    entity_id = _uuid(id, "id")
    async with ctx.read() as svc:
        if await svc.store.read(etype, entity_id, branch, at) is None:
            raise NotFound("entity not found", details={"entityId": str(id)})
        context = await build_context(svc.store, branch, at, Owner(etype, entity_id), [expression])
    try:
        result = await ctx.resources.rules.evaluate_expression(expression, context.for_rule(0), explain=explain)
    except (OSError, TimeoutError, GRPCError, StreamTerminatedError) as exc:
        raise DependencyUnavailable(
            "the rules engine is unavailable", details={"reason": exc.__class__.__name__}
        ) from exc
    return evaluation_result(result)


QUERY_FIELDS: dict[str, Any] = {
    "evaluateConditions": evaluate_conditions,
    "previewCondition": preview_condition,
    "dependencyGraph": dependency_graph_field,
}
MUTATION_FIELDS: dict[str, Any] = {}
