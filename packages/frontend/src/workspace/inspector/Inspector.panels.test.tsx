/** The inspector's rules panels against a fake API: computed values, conditions, effects, variables, secrets. */
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { clearTokens } from "../../auth/tokens.ts";
import type { Role } from "../../gql/graphql.ts";
import { useUi } from "../../store/ui.ts";
import { fakeApi, type GraphqlHandler, graphqlError } from "../../test/network.ts";
import { renderInWorkspace, row, workspaceValue } from "../../test/workspace.tsx";
import { Inspector } from "../Inspector.tsx";
import type { Json } from "./jsonLogic.ts";

beforeEach(() => {
  clearTokens();
  localStorage.clear();
  useUi.setState({ branchByCampaign: {}, selection: null, asOf: null });
});

const SETTLEMENT = { id: "s1", name: "Brindle Ford", population: 500, kingdomId: "k1" };
const settlementRecord = (population = 500, version = 1) => ({
  id: "s1",
  entityType: "SETTLEMENT",
  version,
  name: "Brindle Ford",
  population,
  kingdom_id: "k1",
  variables: { morale: 3, mood: "calm" },
  variable_schemas: [
    { name: "morale", type: "number", enum_values: [], default: null, description: "How the town feels" },
    { name: "mood", type: "enum", enum_values: ["calm", "angry"], default: null, description: "" },
  ],
});

/** A small JSON Logic evaluator for the fake `previewCondition` (comparisons, and/or/!, var). */
function evaluate(rule: Json, data: Record<string, unknown>): unknown {
  if (rule === null || typeof rule !== "object" || Array.isArray(rule)) return rule;
  const [op, raw] = Object.entries(rule)[0]!;
  const args = Array.isArray(raw) ? raw : [raw];
  if (op === "var") return String(args[0]).split(".").reduce<unknown>((d, k) => (d as Record<string, unknown> | undefined)?.[k], data);
  const v = args.map((a) => evaluate(a, data)) as number[];
  switch (op) {
    case "and":
      return v.every(Boolean);
    case "or":
      return v.some(Boolean);
    case "!":
      return !v[0];
    case ">=":
      return v[0]! >= v[1]!;
    case "<":
      return v[0]! < v[1]!;
    case "==":
      return v[0] == v[1];
    default:
      throw new Error(`no fake for ${op}`);
  }
}

function handlers(overrides: Record<string, GraphqlHandler> = {}): Record<string, GraphqlHandler> {
  return {
    Settlements: () => ({ data: { settlements: [row("Settlement", SETTLEMENT)] } }),
    Kingdoms: () => ({ data: { kingdoms: [row("Kingdom", { id: "k1", name: "Aldmere", level: 2 })] } }),
    Events: () => ({ data: { events: [] } }),
    Parties: () => ({ data: { parties: [row("Party", { id: "p1", name: "The Lanterns" })] } }),
    EvaluateConditions: () => ({
      data: {
        evaluateConditions: [
          {
            __typename: "FieldEvaluation",
            field: "available",
            value: true,
            source: "engine",
            cached: false,
            conditionIds: ["cond-000001"],
            errors: [],
            trace: [
              {
                conditionId: "cond-000001",
                priority: 5,
                ok: true,
                value: true,
                error: null,
                trace: { op: ">=", args: [{ var: "settlement.population" }, 100], value: true, children: [{ op: "var", args: "settlement.population", value: 500, children: [] }] },
              },
            ],
          },
          { __typename: "FieldEvaluation", field: "visible", value: true, source: "default", cached: false, conditionIds: [], errors: [], trace: null },
        ],
      },
    }),
    RulePaths: () => ({ data: { owner: settlementRecord(), scopeVariables: { unrest: 1 }, campaignFlags: {} } }),
    PartySummary: () => ({ data: { parties: [{ __typename: "Party", id: "p1", name: "The Lanterns", levelOverride: null, hidden: false }], characters: [] } }),
    EntityRecord: ({ variables }) => ({
      data: { entity: variables.id === "s1" ? settlementRecord() : { id: variables.id, level_override: null, level: 2, kingdom_id: null } },
    }),
    // The API evaluates the draft against the entity's real context; here: the settlement's record.
    PreviewCondition: ({ variables }) => ({
      data: {
        previewCondition: {
          __typename: "EvaluationResult",
          ok: true,
          value: evaluate(variables.expression as Json, { settlement: settlementRecord(), var: { unrest: 1 } }),
          trace: { op: "and", args: [], value: true, children: [] },
          errorType: null,
          errorMessage: null,
          source: "engine",
        },
      },
    }),
    Conditions: () => ({ data: { conditions: [] } }),
    Effects: () => ({ data: { effects: [] } }),
    Secrets: () => ({ data: { secrets: [] } }),
    Members: () => ({ data: { members: [{ __typename: "Member", userId: "u2", email: "pip@example.com", name: "Pip", role: "PLAYER" }] } }),
    ...overrides,
  };
}

function open(type: "SETTLEMENT" | "EVENT", id: string, api: ReturnType<typeof fakeApi>, role: Role = "OWNER") {
  vi.stubGlobal("fetch", api.fetch);
  useUi.setState({ selection: { type, id } });
  renderInWorkspace(<Inspector />, workspaceValue({ role }));
  return { user: userEvent.setup(), inspector: screen.getByTestId("inspector") };
}

describe("Inspector overview", () => {
  it("shows computed values and, on request, each condition's explain trace", async () => {
    const api = fakeApi(handlers());
    const { user, inspector } = open("SETTLEMENT", "s1", api);
    const available = await within(inspector).findByTestId("computed-available");
    expect(within(available).getByTestId("computed-value")).toHaveTextContent("Yes");
    expect(within(inspector).getByTestId("computed-visible")).toHaveTextContent("default (no condition)");
    await user.click(within(available).getByText(/Why\? \(1 condition\)/));
    const trace = within(available).getByTestId("explain-trace");
    expect(trace).toHaveTextContent("Condition 000001, priority 5: true");
    expect(within(trace).getByTestId("trace-tree")).toHaveTextContent('var "settlement.population" → 500');
    expect(api.operations("EvaluateConditions")[0]!.variables).toMatchObject({ type: "SETTLEMENT", id: "s1", branchId: "b-main", explain: true });
  });

  it("gives players no rules tabs and no traces", async () => {
    const api = fakeApi(handlers());
    const { inspector } = open("SETTLEMENT", "s1", api, "PLAYER");
    await within(inspector).findByTestId("computed-available");
    const tabs = within(within(inspector).getByRole("group", { name: "Inspector sections" })).getAllByRole("button");
    expect(tabs.map((t) => t.textContent)).toEqual(["Overview", "Links", "Variables", "Versions"]);
    expect(api.operations("EvaluateConditions")[0]!.variables.explain).toBe(false);
  });
});

describe("Conditions", () => {
  it("previews the draft rule live and creates the condition", async () => {
    const api = fakeApi(
      handlers({
        CreateCondition: ({ variables }) => ({
          data: { createCondition: { __typename: "Condition", id: "c9", branchId: "b-main", version: 1, deleted: false, ...(variables.input as object) } },
        }),
      }),
    );
    const { user, inspector } = open("SETTLEMENT", "s1", api);
    await user.click(await within(inspector).findByRole("button", { name: "Conditions" }));
    await user.click(await within(inspector).findByRole("button", { name: "New condition" }));

    const preview = within(inspector).getByTestId("rule-preview");
    expect(preview).toHaveTextContent("Would this be available now?");
    expect(await within(preview).findByTestId("rule-preview-answer")).toHaveTextContent("Yes"); // population 500 >= 0
    const threshold = within(inspector).getByLabelText("Rule 1: right value");
    await user.clear(threshold);
    await user.type(threshold, "1000");
    await vi.waitFor(() => expect(within(preview).getByTestId("rule-preview-answer")).toHaveTextContent("No"));
    // The draft goes to the API with the entity, the branch and the shown time; no context is built here.
    expect(api.operations("PreviewCondition").at(-1)!.variables).toEqual({
      type: "SETTLEMENT",
      id: "s1",
      expression: { and: [{ ">=": [{ var: "settlement.population" }, 1000] }] },
      branchId: "b-main",
      asOf: null,
    });
    // Debounced: not one request per keystroke.
    expect(api.operations("PreviewCondition").length).toBeLessThanOrEqual(3);

    await user.click(within(inspector).getByRole("button", { name: "Save condition" }));
    await vi.waitFor(() => expect(api.operations("CreateCondition")).toHaveLength(1));
    expect(api.operations("CreateCondition")[0]!.variables.input).toEqual({
      campaignId: "c1",
      branchId: "b-main",
      entityType: "SETTLEMENT",
      entityId: "s1",
      field: "available",
      priority: 0,
      active: true,
      expression: { and: [{ ">=": [{ var: "settlement.population" }, 1000] }] },
    });
  });

  it("suggests the entity's paths and shows a rule the API refuses inline", async () => {
    const api = fakeApi(
      handlers({
        PreviewCondition: ({ variables }) =>
          "no_such_op" in (variables.expression as Record<string, unknown>)
            ? graphqlError("VALIDATION_FAILED", "invalid JSON Logic expression: unknown operator 'no_such_op'", { field: "expression" })
            : handlers().PreviewCondition!({ variables } as Parameters<GraphqlHandler>[0]),
      }),
    );
    const { user, inspector } = open("SETTLEMENT", "s1", api);
    await user.click(await within(inspector).findByRole("button", { name: "Conditions" }));
    await user.click(await within(inspector).findByRole("button", { name: "New condition" }));
    await vi.waitFor(() => {
      const options = [...inspector.querySelectorAll("datalist option")].map((o) => o.getAttribute("value"));
      expect(options).toEqual(expect.arrayContaining(["settlement.population", "settlement.variables.morale", "var.unrest", "world.time"]));
    });
    const preview = within(inspector).getByTestId("rule-preview");
    expect(await within(preview).findByTestId("rule-preview-answer")).toHaveTextContent("Yes");

    await user.click(within(inspector).getByRole("tab", { name: "JSON" }));
    const json = within(inspector).getByLabelText("Rule as JSON");
    await user.clear(json);
    await user.paste('{"no_such_op": [1]}');
    expect(await within(preview).findByTestId("rule-preview-invalid")).toHaveTextContent("The API refuses this rule: invalid JSON Logic expression: unknown operator 'no_such_op'");
    expect(within(preview).queryByTestId("rule-preview-answer")).not.toBeInTheDocument();

    await user.clear(json);
    await user.paste('{"<": [{"var": "settlement.population"}, 600]}');
    expect(await within(preview).findByTestId("rule-preview-answer")).toHaveTextContent("Yes");
    expect(within(preview).queryByTestId("rule-preview-invalid")).not.toBeInTheDocument();
  });

  it("updates with the version it started from and shows JSON errors without saving", async () => {
    const condition = { __typename: "Condition", id: "c1", branchId: "b-main", version: 4, deleted: false, entityType: "SETTLEMENT", entityId: "s1", field: "available", expression: { ">=": [{ var: "settlement.population" }, 100] }, priority: 5, active: true };
    const api = fakeApi(
      handlers({
        Conditions: () => ({ data: { conditions: [condition, { ...condition, id: "c2", entityId: "other" }] } }),
        UpdateCondition: () => graphqlError("CONFLICT", "version mismatch", { expectedVersion: 4, currentVersion: 5 }),
      }),
    );
    const { user, inspector } = open("SETTLEMENT", "s1", api);
    await user.click(await within(inspector).findByRole("button", { name: "Conditions" }));
    expect(await within(inspector).findAllByTestId("condition-item")).toHaveLength(1);
    await user.click(within(inspector).getByRole("button", { name: "Edit condition on available" }));

    await user.click(within(inspector).getByRole("tab", { name: "JSON" }));
    const json = within(inspector).getByLabelText("Rule as JSON");
    await user.clear(json);
    await user.type(json, "{{");
    expect(within(inspector).getByTestId("rule-json-error")).toHaveTextContent("Invalid JSON");
    expect(within(inspector).getByRole("button", { name: "Save condition" })).toBeDisabled();
    expect(within(inspector).getByTestId("rule-preview")).toHaveTextContent("Fix the JSON to see the preview.");

    await user.clear(json);
    await user.paste('{"<": [{"var": "settlement.population"}, 600]}');
    await user.click(within(inspector).getByRole("button", { name: "Save condition" }));
    expect(await within(inspector).findByText(/Conflict: someone else changed this first/)).toBeInTheDocument();
    expect(api.operations("UpdateCondition")[0]!.variables).toEqual({
      id: "c1",
      branchId: "b-main",
      input: { field: "available", priority: 5, active: true, expression: { "<": [{ var: "settlement.population" }, 600] }, expectedVersion: 4 },
    });
  });
});

describe("Effects", () => {
  const effect = {
    __typename: "Effect",
    id: "e1",
    branchId: "b-main",
    version: 1,
    ownerType: "EVENT",
    ownerId: "ev1",
    targetType: "SETTLEMENT",
    targetId: "s1",
    operations: [{ op: "replace", path: "/population", value: 650 }],
    timing: "ON_RESOLVE",
    priority: 0,
    delaySeconds: null,
    active: true,
  };
  const payload = (dryRun: boolean) => ({
    __typename: "ResolutionPayload",
    entityType: "EVENT",
    entityId: "ev1",
    status: "COMPLETED",
    dryRun,
    worldTime: "1200-02-01 00:00:00",
    executions: [
      { __typename: "EffectExecutionResult", effectId: "e1", success: true, diff: [{ op: "replace", path: "/population", value: 650 }], error: null, timing: "ON_RESOLVE", priority: 0, targetType: "SETTLEMENT", targetId: "s1", deferredUntil: null, version: 2 },
    ],
  });

  it("lists an event's effects, previews the resolution and resolves", async () => {
    let population = 500;
    const api = fakeApi(
      handlers({
        Events: () => ({ data: { events: [row("Event", { id: "ev1", name: "Harvest fair", status: population === 500 ? "PLANNED" : "COMPLETED" })] } }),
        Effects: () => ({ data: { effects: [effect] } }),
        EntityRecord: () => ({ data: { entity: settlementRecord(population, 2) } }),
        ResolveEvent: ({ variables }) => {
          if (!variables.dryRun) population = 650;
          return { data: { resolveEvent: payload(variables.dryRun as boolean) } };
        },
      }),
    );
    const { user, inspector } = open("EVENT", "ev1", api);
    await user.click(await within(inspector).findByRole("button", { name: "Effects" }));
    const item = await within(inspector).findByTestId("effect-item");
    expect(item).toHaveTextContent("replace population → 650");
    expect(await within(item).findByText("Brindle Ford")).toBeInTheDocument();

    await user.click(within(inspector).getByRole("button", { name: "Preview resolution (dry run)" }));
    const dry = await within(inspector).findByTestId("dry-run-result");
    expect(dry).toHaveTextContent("Dry run: resolving would set the status to completed");
    expect(within(dry).getByTestId("execution-diff")).toHaveTextContent("replace population → 650");
    expect(population).toBe(500);

    await user.click(within(inspector).getByRole("button", { name: "Resolve now" }));
    const done = await within(inspector).findByTestId("resolution-result");
    expect(await within(done).findByTestId("target-now")).toHaveTextContent("population now650");
    expect(api.operations("ResolveEvent").map((o) => o.variables)).toEqual([
      { id: "ev1", branchId: "b-main", dryRun: true },
      { id: "ev1", branchId: "b-main", dryRun: false },
    ]);
    await vi.waitFor(() => expect(within(inspector).queryByRole("button", { name: "Resolve now" })).not.toBeInTheDocument());

    // The target opens in the inspector.
    await user.click(within(done).getByRole("button", { name: "Open settlement in the inspector" }));
    expect(useUi.getState().selection).toEqual({ type: "SETTLEMENT", id: "s1" });
  });

  it("shows why a resolution is refused", async () => {
    const api = fakeApi(
      handlers({
        Events: () => ({ data: { events: [row("Event", { id: "ev1", name: "Harvest fair" })] } }),
        ResolveEvent: () => graphqlError("VALIDATION_FAILED", "the event is not available"),
      }),
    );
    const { user, inspector } = open("EVENT", "ev1", api);
    await user.click(await within(inspector).findByRole("button", { name: "Effects" }));
    await user.click(await within(inspector).findByRole("button", { name: "Preview resolution (dry run)" }));
    expect(await within(inspector).findByRole("alert")).toHaveTextContent("the event is not available");
  });

  it("marks an event past its expiry as expired", async () => {
    const api = fakeApi(handlers({ Events: () => ({ data: { events: [row("Event", { id: "ev1", name: "Harvest fair", expiresAt: "1200-01-20 00:00:00" })] } }) }));
    const { inspector } = open("EVENT", "ev1", api);
    expect(await within(inspector).findByTestId("expired-badge")).toHaveTextContent("expired");
  });
});

describe("Typed variables", () => {
  it("edits each variable with an input for its type and shows API errors at the variable", async () => {
    const api = fakeApi(handlers({ UpdateSettlement: () => graphqlError("VALIDATION_FAILED", "variable 'mood' must be one of ['calm', 'angry'], got 'x'", { field: "variables.mood" }) }));
    const { user, inspector } = open("SETTLEMENT", "s1", api);
    await user.click(await within(inspector).findByRole("button", { name: "Variables" }));
    const morale = await within(inspector).findByLabelText("morale (number)");
    expect(morale).toHaveValue("3");
    expect(within(inspector).getByLabelText("mood (enum)")).toHaveValue("calm");

    await user.clear(morale);
    await user.type(morale, "high");
    await user.click(within(inspector).getByRole("button", { name: "Save variables" }));
    expect(within(inspector).getByText("morale must be a number.")).toBeInTheDocument();
    expect(api.operations("UpdateSettlement")).toHaveLength(0);

    await user.clear(morale);
    await user.type(morale, "4.5");
    await user.selectOptions(within(inspector).getByLabelText("mood (enum)"), "angry");
    await user.click(within(inspector).getByRole("button", { name: "Save variables" }));
    await vi.waitFor(() => expect(api.operations("UpdateSettlement")).toHaveLength(1));
    expect(api.operations("UpdateSettlement")[0]!.variables).toEqual({ id: "s1", branchId: "b-main", input: { variables: { morale: 4.5, mood: "angry" }, expectedVersion: 1 } });
    const mood = within(inspector).getByLabelText("mood (enum)");
    await vi.waitFor(() => expect(mood).toHaveAccessibleDescription(/must be one of/));
  });
});

describe("Secrets", () => {
  it("creates a secret and reveals it to a party", async () => {
    const secret = { __typename: "Secret", id: "x1", branchId: "b-main", version: 2, ownerType: "SETTLEMENT", ownerId: "s1", text: "The mayor is a ghoul.", revealedTo: [] };
    const api = fakeApi(
      handlers({
        Secrets: () => ({ data: { secrets: [secret] } }),
        CreateSecret: ({ variables }) => ({ data: { createSecret: { ...secret, id: "x2", version: 1, ...(variables.input as object) } } }),
        UpdateSecret: ({ variables }) => ({ data: { updateSecret: { ...secret, version: 3, ...(variables.input as object) } } }),
      }),
    );
    const { user, inspector } = open("SETTLEMENT", "s1", api);
    await user.click(await within(inspector).findByRole("button", { name: "Secrets" }));
    expect(await within(inspector).findByLabelText("Secret 1")).toHaveValue("The mayor is a ghoul.");

    await user.type(within(inspector).getByLabelText("New secret"), "The well is poisoned.");
    await user.click(within(inspector).getByRole("button", { name: "Add secret" }));
    await vi.waitFor(() => expect(api.operations("CreateSecret")).toHaveLength(1));
    expect(api.operations("CreateSecret")[0]!.variables.input).toEqual({ campaignId: "c1", branchId: "b-main", ownerType: "SETTLEMENT", ownerId: "s1", text: "The well is poisoned.", revealedTo: [] });

    await user.click(await within(inspector).findByLabelText("Party: The Lanterns"));
    await user.click(within(inspector).getByLabelText("Player: Pip"));
    await user.click(within(inspector).getByRole("button", { name: "Save secret" }));
    await vi.waitFor(() => expect(api.operations("UpdateSecret")).toHaveLength(1));
    expect(api.operations("UpdateSecret")[0]!.variables).toEqual({ id: "x1", branchId: "b-main", input: { text: "The mayor is a ghoul.", revealedTo: ["p1", "u2"], expectedVersion: 2 } });
  });
});

describe("Secrets you know (players)", () => {
  const known = (id: string, ownerId: string, text: string) => ({ __typename: "Secret", id, branchId: "b-main", version: 1, ownerType: "SETTLEMENT", ownerId, text, revealedTo: [] });

  it("shows players the secrets of this entity revealed to them, read-only", async () => {
    const api = fakeApi(handlers({ Secrets: () => ({ data: { secrets: [known("x1", "s1", "The mayor is a ghoul."), known("x2", "s2", "Elsewhere.")] } }) }));
    const { inspector } = open("SETTLEMENT", "s1", api, "PLAYER");
    const section = await within(inspector).findByTestId("known-secrets");
    expect(within(section).getByRole("heading", { name: "Secrets you know" })).toBeInTheDocument();
    expect(within(section).getAllByTestId("known-secret").map((li) => li.textContent)).toEqual(["The mayor is a ghoul."]);
    expect(within(inspector).queryByRole("textbox")).not.toBeInTheDocument();
    expect(within(inspector).queryByRole("button", { name: "Secrets" })).not.toBeInTheDocument();
  });

  it("shows nothing when they know none", async () => {
    const api = fakeApi(handlers({ Secrets: () => ({ data: { secrets: [known("x2", "s2", "Elsewhere.")] } }) }));
    const { inspector } = open("SETTLEMENT", "s1", api, "PLAYER");
    await within(inspector).findByTestId("computed-available");
    await vi.waitFor(() => expect(api.operations("Secrets")).toHaveLength(1));
    expect(within(inspector).queryByTestId("known-secrets")).not.toBeInTheDocument();
  });
});
