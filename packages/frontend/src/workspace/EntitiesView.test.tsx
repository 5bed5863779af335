import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { clearTokens } from "../auth/tokens.ts";
import { useUi } from "../store/ui.ts";
import { fakeApi, graphqlError } from "../test/network.ts";
import { renderInWorkspace, row, workspaceValue } from "../test/workspace.tsx";
import EntitiesView from "./EntitiesView.tsx";
import { Inspector } from "./Inspector.tsx";

beforeEach(() => {
  clearTokens();
  localStorage.clear();
  useUi.setState({ branchByCampaign: {}, selection: null, asOf: null });
  window.history.pushState({}, "", "/");
});

function view(role: "OWNER" | "PLAYER" = "OWNER") {
  return renderInWorkspace(
    <>
      <EntitiesView />
      <Inspector />
    </>,
    workspaceValue({ role }),
  );
}

describe("EntitiesView", () => {
  it("lists settlements, filters by name and selects a row into the inspector", async () => {
    const rows = [row("Settlement", { id: "s1", name: "Brindle Ford", population: 1200, kingdomId: "k1" }), row("Settlement", { id: "s2", name: "Harrowgate", population: 16000 })];
    vi.stubGlobal(
      "fetch",
      fakeApi({
        Parties: () => ({ data: { parties: [] } }),
        Settlements: () => ({ data: { settlements: rows } }),
        Kingdoms: () => ({ data: { kingdoms: [row("Kingdom", { id: "k1", name: "Aldmere" })] } }),
      }).fetch,
    );
    const user = userEvent.setup();
    view();
    await user.click(screen.getByRole("button", { name: "Settlements" }));

    const table = await screen.findByTestId("table-settlements");
    expect(await within(table).findByText("Brindle Ford")).toBeInTheDocument();
    expect(await within(table).findByText("Aldmere")).toBeInTheDocument(); // the kingdom's name, not its id
    await user.type(screen.getByLabelText("Filter by name"), "harr");
    expect(within(table).queryByText("Brindle Ford")).not.toBeInTheDocument();
    await user.click(within(table).getByRole("button", { name: "Harrowgate" }));

    expect(useUi.getState().selection).toEqual({ type: "SETTLEMENT", id: "s2" });
    const inspector = await screen.findByTestId("inspector");
    expect(within(inspector).getByTestId("inspector-name")).toHaveTextContent("Harrowgate");
    expect(within(inspector).getByTestId("field-population")).toHaveTextContent("16000");
  });

  it("validates the create form, then creates on the current branch", async () => {
    const api = fakeApi({
      Parties: () => ({ data: { parties: [] } }),
      CreateParty: ({ variables }) => ({ data: { createParty: row("Party", { id: "p1", ...(variables.input as { name: string }) }) } }),
    });
    vi.stubGlobal("fetch", api.fetch);
    const user = userEvent.setup();
    view();

    await user.click(await screen.findByRole("button", { name: "New party" }));
    const form = screen.getByTestId("create-entity-form");
    await user.type(within(form).getByLabelText("Level override"), "25");
    await user.click(within(form).getByRole("button", { name: "Create party" }));
    expect(within(form).getByText("Name is required.")).toBeInTheDocument();
    expect(within(form).getByText("Level override must be at most 20.")).toBeInTheDocument();
    expect(api.operations("CreateParty")).toHaveLength(0);

    await user.type(within(form).getByLabelText("Name (required)"), "The Heroes of Brindle Ford");
    await user.clear(within(form).getByLabelText("Level override"));
    await user.type(within(form).getByLabelText("Level override"), "3");
    await user.click(within(form).getByRole("button", { name: "Create party" }));

    await vi.waitFor(() => expect(api.operations("CreateParty")).toHaveLength(1));
    expect(api.operations("CreateParty")[0]!.variables.input).toEqual({
      campaignId: "c1",
      branchId: "b-main",
      name: "The Heroes of Brindle Ford",
      levelOverride: 3,
      description: "",
      gmNotes: "",
      hidden: false,
    });
    await vi.waitFor(() => expect(useUi.getState().selection).toEqual({ type: "PARTY", id: "p1" }));
  });

  it("saves an edit with the version it started from and shows a CONFLICT clearly", async () => {
    let version = 1;
    const api = fakeApi({
      Parties: () => ({ data: { parties: [row("Party", { id: "p1", name: "Heroes", version })] } }),
      UpdateParty: () => graphqlError("CONFLICT", "version mismatch: expected 1, current is 2", { expectedVersion: 1, currentVersion: 2 }),
    });
    vi.stubGlobal("fetch", api.fetch);
    useUi.setState({ selection: { type: "PARTY", id: "p1" } });
    const user = userEvent.setup();
    view();

    const inspector = await screen.findByTestId("inspector");
    await user.click(await within(inspector).findByRole("button", { name: "Edit" }));
    version = 2; // someone else saved meanwhile
    await user.clear(within(inspector).getByLabelText("Name (required)"));
    await user.type(within(inspector).getByLabelText("Name (required)"), "Heroes of Harrowgate");
    await user.click(within(inspector).getByRole("button", { name: "Save changes" }));

    expect(await within(inspector).findByRole("alert")).toHaveTextContent("Conflict: someone else changed this first (it is now at version 2)");
    expect(api.operations("UpdateParty")[0]!.variables).toEqual({ id: "p1", branchId: "b-main", input: { name: "Heroes of Harrowgate", expectedVersion: 1 } });
    expect(within(inspector).getByRole("button", { name: "Reload latest version" })).toBeInTheDocument();
  });

  it("gives players a read-only view without GM fields", async () => {
    vi.stubGlobal("fetch", fakeApi({ Parties: () => ({ data: { parties: [row("Party", { id: "p1", name: "Heroes", gmNotes: null })] } }) }).fetch);
    useUi.setState({ selection: { type: "PARTY", id: "p1" } });
    view("PLAYER");
    const inspector = await screen.findByTestId("inspector");
    expect(await within(inspector).findByTestId("inspector-name")).toHaveTextContent("Heroes");
    expect(within(inspector).queryByText("GM notes")).not.toBeInTheDocument();
    expect(within(inspector).queryByRole("button", { name: "Edit" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "New party" })).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Show deleted")).not.toBeInTheDocument();
  });
});
