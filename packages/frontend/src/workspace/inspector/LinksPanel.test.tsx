/** The inspector's links section against a fake API: both directions, selecting the other end, link and unlink. */
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { clearTokens } from "../../auth/tokens.ts";
import type { EntityLinkFieldsFragment, EntityType, LinkKind, Role } from "../../gql/graphql.ts";
import { useUi } from "../../store/ui.ts";
import { fakeApi, type GraphqlHandler } from "../../test/network.ts";
import { renderInWorkspace, row, workspaceValue } from "../../test/workspace.tsx";
import { Inspector } from "../Inspector.tsx";
import { describeLink, linksOf } from "./LinksPanel.tsx";

beforeEach(() => {
  clearTokens();
  localStorage.clear();
  useUi.setState({ branchByCampaign: {}, selection: null, asOf: null });
});

const link = (id: string, source: [EntityType, string], target: [EntityType, string], kind: LinkKind = "RELATED", version = 1): EntityLinkFieldsFragment & { __typename: "Link" } => ({
  __typename: "Link",
  id,
  version,
  sourceType: source[0],
  sourceId: source[1],
  targetType: target[0],
  targetId: target[1],
  kind,
  description: null,
});

const LINKS = [
  link("l1", ["EVENT", "ev1"], ["EVENT", "ev2"], "PREREQUISITE", 3),
  link("l2", ["SETTLEMENT", "s1"], ["EVENT", "ev1"], "TRIGGERS"),
  link("l3", ["EVENT", "ev2"], ["SETTLEMENT", "s1"]),
];

function handlers(overrides: Record<string, GraphqlHandler> = {}): Record<string, GraphqlHandler> {
  return {
    Events: () => ({ data: { events: [row("Event", { id: "ev1", name: "Harvest fair" }), row("Event", { id: "ev2", name: "Bandit raid" }), row("Event", { id: "ev3", name: "Eclipse" })] } }),
    Settlements: () => ({ data: { settlements: [row("Settlement", { id: "s1", name: "Brindle Ford" })] } }),
    EvaluateConditions: () => ({ data: { evaluateConditions: [] } }),
    Secrets: () => ({ data: { secrets: [] } }),
    EntityLinks: ({ variables }) => ({
      data: {
        outgoing: LINKS.filter((l) => l.sourceId === variables.entityId),
        incoming: LINKS.filter((l) => l.targetId === variables.entityId),
      },
    }),
    ...overrides,
  };
}

function open(api: ReturnType<typeof fakeApi>, role: Role = "OWNER") {
  vi.stubGlobal("fetch", api.fetch);
  useUi.setState({ selection: { type: "EVENT", id: "ev1" } });
  renderInWorkspace(<Inspector />, workspaceValue({ role }));
  return { user: userEvent.setup(), inspector: screen.getByTestId("inspector") };
}

describe("linksOf", () => {
  it("keeps the entity's links, outgoing first, with the other end", () => {
    const found = linksOf(LINKS, "ev1");
    expect(found.map((l) => [l.link.id, l.direction, l.otherType, l.otherId])).toEqual([
      ["l1", "out", "EVENT", "ev2"],
      ["l2", "in", "SETTLEMENT", "s1"],
    ]);
    expect(describeLink("PREREQUISITE", "out")).toBe("prerequisite of");
    expect(describeLink("PREREQUISITE", "in")).toBe("requires");
    expect(describeLink("TRIGGERS", "in")).toBe("triggered by");
  });
});

describe("Links section", () => {
  it("lists both directions by name and opens the other end in the inspector", async () => {
    const { user, inspector } = open(fakeApi(handlers()));
    await user.click(await within(inspector).findByRole("button", { name: "Links" }));
    const items = await within(inspector).findAllByTestId("link-item");
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent("prerequisite ofBandit raidEvent");
    await vi.waitFor(() => expect(items[1]).toHaveTextContent("triggered byBrindle FordSettlement"));
    await user.click(within(items[1]!).getByRole("button", { name: "Open settlement in the inspector" }));
    expect(useUi.getState().selection).toEqual({ type: "SETTLEMENT", id: "s1" });
  });

  it("links to another entity and unlinks with the version it saw", async () => {
    const api = fakeApi(
      handlers({
        AddEntityLink: ({ variables }) => ({ data: { createLink: { ...link("l9", ["EVENT", "ev1"], ["EVENT", "ev3"], "BLOCKS"), ...(variables.input as object) } } }),
        RemoveEntityLink: ({ variables }) => ({ data: { deleteLink: { __typename: "Link", id: variables.id, version: 4, deleted: true } } }),
      }),
    );
    const { user, inspector } = open(api);
    await user.click(await within(inspector).findByRole("button", { name: "Links" }));
    const form = await within(inspector).findByRole("form", { name: "Add a link" });
    expect(within(form).getByRole("button", { name: "Add link" })).toBeDisabled();
    await user.selectOptions(within(form).getByLabelText("Link kind"), "BLOCKS");
    await user.selectOptions(within(form).getByLabelText("Other end type"), "EVENT");
    const other = within(form).getByLabelText("Other end");
    await vi.waitFor(() => expect(within(other).getAllByRole("option").map((o) => o.textContent)).toEqual(["Choose…", "Bandit raid", "Eclipse"]));
    await user.selectOptions(other, "ev3");
    await user.type(within(form).getByLabelText("Link description"), "  the sky goes dark ");
    await user.click(within(form).getByRole("button", { name: "Add link" }));
    await vi.waitFor(() => expect(api.operations("AddEntityLink")).toHaveLength(1));
    expect(api.operations("AddEntityLink")[0]!.variables.input).toEqual({
      campaignId: "c1",
      branchId: "b-main",
      sourceType: "EVENT",
      sourceId: "ev1",
      targetType: "EVENT",
      targetId: "ev3",
      kind: "BLOCKS",
      description: "the sky goes dark",
    });

    await user.click(within(inspector).getByRole("button", { name: "Unlink (link 1, prerequisite of)" }));
    await vi.waitFor(() => expect(api.operations("RemoveEntityLink")).toHaveLength(1));
    expect(api.operations("RemoveEntityLink")[0]!.variables).toEqual({ id: "l1", branchId: "b-main", expectedVersion: 3 });
  });

  it("gives players the list without link or unlink", async () => {
    const { user, inspector } = open(fakeApi(handlers()), "PLAYER");
    await user.click(await within(inspector).findByRole("button", { name: "Links" }));
    expect(await within(inspector).findAllByTestId("link-item")).toHaveLength(2);
    expect(within(inspector).queryByRole("form", { name: "Add a link" })).not.toBeInTheDocument();
    expect(within(inspector).queryByRole("button", { name: /Unlink/ })).not.toBeInTheDocument();
  });
});
