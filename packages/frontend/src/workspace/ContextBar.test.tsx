import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { clearTokens } from "../auth/tokens.ts";
import { useUi } from "../store/ui.ts";
import { fakeApi, graphqlError } from "../test/network.ts";
import { branch, kindled, renderInWorkspace, row, workspaceValue } from "../test/workspace.tsx";
import { branchTree, ContextBar } from "./ContextBar.tsx";

const summary = {
  data: {
    parties: [row("Party", { id: "p1", name: "Heroes", levelOverride: null })],
    characters: [row("Character", { id: "c1", name: "Talvik", partyId: "p1", level: 3 }), row("Character", { id: "c2", name: "Senna", partyId: "p1", level: 4 })],
  },
};

beforeEach(() => {
  clearTokens();
  localStorage.clear();
  useUi.setState({ branchByCampaign: {}, selection: null, asOf: null });
});

describe("ContextBar", () => {
  it("shows the campaign, world time in the world calendar and the party summary", async () => {
    vi.stubGlobal("fetch", fakeApi({ PartySummary: () => summary }).fetch);
    renderInWorkspace(<ContextBar />);
    expect(screen.getByTestId("campaign-name")).toHaveTextContent("The Ember Road");
    expect(screen.getByTestId("world-time")).toHaveTextContent("1200-02-01 00:00:00");
    expect(screen.getByTestId("context-bar")).toHaveTextContent("1 Thawmere 1200");
    expect(await screen.findByTestId("party-summary")).toHaveTextContent("Heroes · level 4 · 2 members");
  });

  it("remembers the branch chosen for the campaign", async () => {
    vi.stubGlobal("fetch", fakeApi({ PartySummary: () => summary }).fetch);
    const user = userEvent.setup();
    renderInWorkspace(<ContextBar />);
    await user.selectOptions(screen.getByLabelText("Branch"), "b-fork");
    expect(useUi.getState().branchByCampaign).toEqual({ c1: "b-fork" });
    expect(localStorage.getItem("cm.ui")).toContain("b-fork");
  });

  it("advances to a date picked in the world calendar, with the branch version", async () => {
    const api = fakeApi({
      PartySummary: () => summary,
      AdvanceWorldTime: ({ variables }) => ({ data: { advanceWorldTime: branch({ worldTime: String(variables.to), version: 4 }) } }),
    });
    vi.stubGlobal("fetch", api.fetch);
    const user = userEvent.setup();
    renderInWorkspace(<ContextBar />);

    await user.click(screen.getByRole("button", { name: "Advance…" }));
    const form = screen.getByRole("form", { name: "Advance world time" });
    expect(within(form).getByLabelText("Month")).toHaveDisplayValue("Thawmere");
    await user.selectOptions(within(form).getByLabelText("Month"), "Starhush");
    await user.clear(within(form).getByLabelText("Day"));
    await user.type(within(form).getByLabelText("Day"), "28");
    await user.clear(within(form).getByLabelText("Time (HH:MM)"));
    await user.type(within(form).getByLabelText("Time (HH:MM)"), "18:30");
    await user.click(within(form).getByRole("button", { name: "Advance to date" }));

    await vi.waitFor(() => expect(api.operations("AdvanceWorldTime")).toHaveLength(1));
    expect(api.operations("AdvanceWorldTime")[0]!.variables).toEqual({ branchId: "b-main", to: "1200-13-28 18:30:00", expectedVersion: 3 });
  });

  it("checks the date before sending it", async () => {
    const api = fakeApi({ PartySummary: () => summary });
    vi.stubGlobal("fetch", api.fetch);
    const user = userEvent.setup();
    renderInWorkspace(<ContextBar />);
    await user.click(screen.getByRole("button", { name: "Advance…" }));
    const form = screen.getByRole("form", { name: "Advance world time" });
    await user.clear(within(form).getByLabelText("Day"));
    await user.type(within(form).getByLabelText("Day"), "29");
    await user.click(within(form).getByRole("button", { name: "Advance to date" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent("day 29 does not exist: Thawmere 1200 has 28 days");
    await user.clear(within(form).getByLabelText("Day"));
    await user.type(within(form).getByLabelText("Day"), "1");
    await user.selectOptions(within(form).getByLabelText("Month"), "Frostwake");
    await user.click(within(form).getByRole("button", { name: "Advance to date" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent("the clock only moves forward");
    expect(api.operations("AdvanceWorldTime")).toHaveLength(0);
  });

  it("steps by a calendar day as integer seconds and reports a conflict", async () => {
    const api = fakeApi({ PartySummary: () => summary, AdvanceWorldTime: () => graphqlError("CONFLICT", "branch changed", { currentVersion: 5 }) });
    vi.stubGlobal("fetch", api.fetch);
    const user = userEvent.setup();
    renderInWorkspace(<ContextBar />);
    await user.click(screen.getByRole("button", { name: "Advance…" }));
    await user.click(screen.getByRole("button", { name: "+1 day" }));
    await vi.waitFor(() => expect(api.operations("AdvanceWorldTime")).toHaveLength(1));
    expect(api.operations("AdvanceWorldTime")[0]!.variables.to).toBe(kindled.parseIso("1200-02-02"));
    expect(await screen.findByRole("alert")).toHaveTextContent("it is now at version 5");
  });

  it("has no advance control for players", () => {
    vi.stubGlobal("fetch", fakeApi({ PartySummary: () => summary }).fetch);
    renderInWorkspace(<ContextBar />, workspaceValue({ role: "VIEWER" }));
    expect(screen.queryByRole("button", { name: "Advance…" })).not.toBeInTheDocument();
  });
});

describe("branchTree", () => {
  it("orders parents before children with depths", () => {
    const tree = branchTree([
      { id: "c", parentId: "b", name: "c" },
      { id: "a", parentId: null, name: "main" },
      { id: "b", parentId: "a", name: "b" },
      { id: "d", parentId: "a", name: "a-side" },
    ]);
    expect(tree.map((t) => [t.branch.id, t.depth])).toEqual([["a", 0], ["d", 1], ["b", 1], ["c", 2]]);
  });
});
