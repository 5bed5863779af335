/** The managers against a fake API: party and characters, kingdoms and settlements, settlements and structures. */
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { clearTokens } from "../../auth/tokens.ts";
import type { Role } from "../../gql/graphql.ts";
import { useUi } from "../../store/ui.ts";
import { fakeApi, type GraphqlHandler, graphqlError } from "../../test/network.ts";
import { renderInWorkspace, row, workspaceValue } from "../../test/workspace.tsx";
import { groupUnder, parseLevel } from "./grouping.ts";
import { KingdomsPane } from "./KingdomsPane.tsx";
import ManagersView from "./ManagersView.tsx";
import { PartyPane } from "./PartyPane.tsx";
import { SettlementsPane } from "./SettlementsPane.tsx";

beforeEach(() => {
  clearTokens();
  localStorage.clear();
  useUi.setState({ branchByCampaign: {}, selection: null, asOf: null });
});

const party = (id: string, name: string, version = 1) => ({ __typename: "Party", id, version, name, levelOverride: null, hidden: false });
const character = (id: string, name: string, partyId: string | null, version = 1) => ({ __typename: "Character", id, version, name, partyId, level: 3, isNpc: false, hidden: false });
const kingdom = (id: string, name: string) => ({ __typename: "Kingdom", id, version: 1, name, level: 2, hidden: false });
const settlement = (id: string, name: string, kingdomId: string | null, version = 1) => ({ __typename: "Settlement", id, version, name, kingdomId, level: 1, population: 500, hidden: false });
const structure = (id: string, name: string, settlementId: string, version = 1) => ({ __typename: "Structure", id, version, name, settlementId, type: "inn", level: 1, condition: 80, operational: true, hidden: false });

function show(ui: ReactNode, graphql: Record<string, GraphqlHandler>, role: Role = "OWNER") {
  const api = fakeApi(graphql);
  vi.stubGlobal("fetch", api.fetch);
  renderInWorkspace(ui, workspaceValue({ role }));
  return { api, user: userEvent.setup() };
}

describe("grouping", () => {
  it("puts children under known parents, sorted by name, the rest under null", () => {
    const groups = groupUnder([character("c2", "Zed", "p1"), character("c1", "Ann", "p1"), character("c3", "Orphan", "gone"), character("c4", "Solo", null)], (c) => c.partyId, [party("p1", "Lanterns")]);
    expect(groups.get("p1")!.map((c) => c.name)).toEqual(["Ann", "Zed"]);
    expect(groups.get(null)!.map((c) => c.name)).toEqual(["Orphan", "Solo"]);
  });

  it("checks a level against the range", () => {
    expect(parseLevel("3", { min: 1, max: 5 })).toEqual({ level: 3 });
    expect(parseLevel("6", { min: 1, max: 5 })).toEqual({ error: "Level must be a whole number from 1 to 5." });
    expect(parseLevel("2.5", { min: 1, max: 5 })).toHaveProperty("error");
  });
});

describe("Party manager", () => {
  function partyApi(overrides: Record<string, GraphqlHandler> = {}) {
    let characters = [character("c1", "Ysolde", "p1", 2), character("c2", "Bram", null, 4), character("c3", "Quill", "p2")];
    const parties = [party("p1", "The Lanterns"), party("p2", "Ashen Hand")];
    return {
      ManagedParty: () => ({ data: { parties, characters } }),
      UpdateCharacter: ({ variables }: { variables: Record<string, unknown> }) => {
        const input = variables.input as { partyId: string | null };
        characters = characters.map((c) => (c.id === variables.id ? { ...c, partyId: input.partyId, version: c.version + 1 } : c));
        return { data: { updateCharacter: row("Character", { ...characters.find((c) => c.id === variables.id)! }) } };
      },
      CreateParty: ({ variables }: { variables: Record<string, unknown> }) => {
        const input = variables.input as { name: string };
        parties.push(party("p3", input.name));
        return { data: { createParty: row("Party", { id: "p3", name: input.name }) } };
      },
      ...overrides,
    } satisfies Record<string, GraphqlHandler>;
  }

  it("lists parties with their members and moves a character with the version it saw", async () => {
    const { api, user } = show(<PartyPane />, partyApi());
    const lanterns = await screen.findByRole("region", { name: "Party The Lanterns" });
    expect(within(lanterns).getAllByTestId("party-member").map((li) => li.textContent)).toEqual([expect.stringContaining("Ysolde")]);
    expect(screen.getByTestId("unassigned-characters")).toHaveTextContent("Bram");

    // Bram (no party) joins The Lanterns; Quill moves over from the Ashen Hand.
    const pick = within(lanterns).getByLabelText("Character to add to The Lanterns");
    expect(within(pick).getAllByRole("option").map((o) => o.textContent)).toEqual(["Choose a character…", "Bram", "Quill (now in Ashen Hand)"]);
    await user.selectOptions(pick, "c2");
    await user.click(within(lanterns).getByRole("button", { name: "Add to party" }));
    await vi.waitFor(() => expect(api.operations("UpdateCharacter")).toHaveLength(1));
    expect(api.operations("UpdateCharacter")[0]!.variables).toEqual({ id: "c2", branchId: "b-main", input: { partyId: "p1", expectedVersion: 4 } });
    await vi.waitFor(() => expect(within(lanterns).getAllByTestId("party-member")).toHaveLength(2));
    expect(screen.queryByTestId("unassigned-characters")).not.toBeInTheDocument();

    await user.selectOptions(within(lanterns).getByLabelText("Character to add to The Lanterns"), "c3");
    await user.click(within(lanterns).getByRole("button", { name: "Move here" }));
    await vi.waitFor(() => expect(within(lanterns).getAllByTestId("party-member")).toHaveLength(3));

    await user.click(within(lanterns).getByRole("button", { name: "Remove Ysolde from The Lanterns" }));
    await vi.waitFor(() => expect(api.operations("UpdateCharacter")).toHaveLength(3));
    expect(api.operations("UpdateCharacter")[2]!.variables).toEqual({ id: "c1", branchId: "b-main", input: { partyId: null, expectedVersion: 2 } });
    expect(await screen.findByTestId("unassigned-characters")).toHaveTextContent("Ysolde");
  });

  it("creates a party", async () => {
    const { api, user } = show(<PartyPane />, partyApi());
    await screen.findByRole("region", { name: "Party The Lanterns" });
    const create = screen.getByRole("button", { name: "Create party" });
    expect(create).toBeDisabled();
    await user.type(screen.getByLabelText("New party name"), " Wayfarers ");
    await user.click(create);
    await vi.waitFor(() => expect(api.operations("CreateParty")).toHaveLength(1));
    expect(api.operations("CreateParty")[0]!.variables.input).toEqual({ campaignId: "c1", branchId: "b-main", name: "Wayfarers" });
    expect(await screen.findByRole("region", { name: "Party Wayfarers" })).toBeInTheDocument();
    expect(screen.getByLabelText("New party name")).toHaveValue("");
  });

  it("shows a conflict and the latest data", async () => {
    const { user } = show(<PartyPane />, partyApi({ UpdateCharacter: () => graphqlError("CONFLICT", "version mismatch", { expectedVersion: 4, currentVersion: 5 }) }));
    const lanterns = await screen.findByRole("region", { name: "Party The Lanterns" });
    await user.selectOptions(within(lanterns).getByLabelText("Character to add to The Lanterns"), "c2");
    await user.click(within(lanterns).getByRole("button", { name: "Add to party" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Conflict: someone else changed this first (it is now at version 5).");
  });

  it("is read-only for players; names open the inspector", async () => {
    const { user } = show(<PartyPane />, partyApi(), "PLAYER");
    const lanterns = await screen.findByRole("region", { name: "Party The Lanterns" });
    expect(screen.queryByRole("form")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Remove/ })).not.toBeInTheDocument();
    await user.click(within(lanterns).getByRole("button", { name: "Ysolde" }));
    expect(useUi.getState().selection).toEqual({ type: "CHARACTER", id: "c1" });
  });
});

describe("Kingdom manager", () => {
  it("groups settlements by kingdom and assigns one to a kingdom", async () => {
    const { api, user } = show(<KingdomsPane />, {
      ManagedKingdoms: () => ({ data: { kingdoms: [kingdom("k1", "Aldmere"), kingdom("k2", "Brevoy")], settlements: [settlement("s1", "Brindle Ford", "k1"), settlement("s2", "Oleg's Post", null, 3)] } }),
      UpdateSettlement: ({ variables }) => ({ data: { updateSettlement: row("Settlement", { id: String(variables.id), name: "Oleg's Post", kingdomId: "k2", version: 4 }) } }),
    });
    const aldmere = await screen.findByRole("region", { name: "Kingdom Aldmere" });
    expect(within(aldmere).getByRole("list", { name: "Settlements of Aldmere" })).toHaveTextContent("Brindle Ford");
    const unassigned = screen.getByRole("region", { name: "Settlements without a kingdom" });
    const select = within(unassigned).getByLabelText("Kingdom of Oleg's Post");
    expect(select).toHaveValue("");
    await user.selectOptions(select, "k2");
    await vi.waitFor(() => expect(api.operations("UpdateSettlement")).toHaveLength(1));
    expect(api.operations("UpdateSettlement")[0]!.variables).toEqual({ id: "s2", branchId: "b-main", input: { kingdomId: "k2", expectedVersion: 3 } });
  });

  it("sets a kingdom's level within its range", async () => {
    const { api, user } = show(<KingdomsPane />, {
      ManagedKingdoms: () => ({ data: { kingdoms: [kingdom("k1", "Aldmere")], settlements: [] } }),
      UpdateKingdom: ({ variables }) => ({ data: { updateKingdom: row("Kingdom", { id: String(variables.id), name: "Aldmere", level: 4, version: 2 }) } }),
    });
    const level = await screen.findByLabelText("Level of Aldmere", { selector: "input" });
    await user.clear(level);
    await user.type(level, "11");
    await user.click(screen.getByRole("button", { name: "Set level of Aldmere" }));
    expect(screen.getByText("Level must be a whole number from 1 to 10.")).toBeInTheDocument();
    expect(api.operations("UpdateKingdom")).toHaveLength(0);
    await user.clear(level);
    await user.type(level, "4");
    await user.click(screen.getByRole("button", { name: "Set level of Aldmere" }));
    await vi.waitFor(() => expect(api.operations("UpdateKingdom")).toHaveLength(1));
    expect(api.operations("UpdateKingdom")[0]!.variables).toEqual({ id: "k1", branchId: "b-main", input: { level: 4, expectedVersion: 1 } });
  });
});

describe("Settlement manager", () => {
  it("lists structures per settlement, adds one and changes a level", async () => {
    const structures = [structure("st1", "The Drowsy Boar", "s1", 2)];
    const { api, user } = show(<SettlementsPane />, {
      ManagedSettlements: () => ({ data: { settlements: [settlement("s1", "Brindle Ford", "k1"), settlement("s2", "Oleg's Post", null)], structures } }),
      CreateStructure: ({ variables }) => {
        const input = variables.input as { name: string; type: string; level: number; settlementId: string };
        structures.push({ ...structure("st2", input.name, input.settlementId), type: input.type, level: input.level });
        return { data: { createStructure: row("Structure", { id: "st2", ...input }) } };
      },
      UpdateStructure: ({ variables }) => ({ data: { updateStructure: row("Structure", { id: String(variables.id), name: "The Drowsy Boar", level: 3, version: 3 }) } }),
    });
    const ford = await screen.findByRole("region", { name: "Settlement Brindle Ford" });
    expect(within(ford).getAllByTestId("structure-item")).toHaveLength(1);
    expect(within(ford).getByTestId("structure-item")).toHaveTextContent("inn, condition 80");
    expect(within(screen.getByRole("region", { name: "Settlement Oleg's Post" })).getByText("No structures.")).toBeInTheDocument();

    await user.click(within(ford).getByRole("button", { name: "Add structure to Brindle Ford" }));
    const form = within(ford).getByRole("form", { name: "New structure in Brindle Ford" });
    await user.click(within(form).getByRole("button", { name: "Add structure" }));
    expect(within(form).getByRole("alert")).toHaveTextContent("Name the structure.");
    await user.type(within(form).getByLabelText("Structure name"), "Old Light Temple");
    await user.type(within(form).getByLabelText("Structure type"), "temple");
    await user.clear(within(form).getByLabelText("Level"));
    await user.type(within(form).getByLabelText("Level"), "2");
    await user.click(within(form).getByRole("button", { name: "Add structure" }));
    await vi.waitFor(() => expect(api.operations("CreateStructure")).toHaveLength(1));
    expect(api.operations("CreateStructure")[0]!.variables.input).toEqual({ campaignId: "c1", branchId: "b-main", settlementId: "s1", name: "Old Light Temple", type: "temple", level: 2 });
    await vi.waitFor(() => expect(within(ford).getAllByTestId("structure-item")).toHaveLength(2));

    const level = within(ford).getByLabelText("Level of The Drowsy Boar", { selector: "input" });
    await user.clear(level);
    await user.type(level, "3");
    await user.click(within(ford).getByRole("button", { name: "Set level of The Drowsy Boar" }));
    await vi.waitFor(() => expect(api.operations("UpdateStructure")).toHaveLength(1));
    expect(api.operations("UpdateStructure")[0]!.variables).toEqual({ id: "st1", branchId: "b-main", input: { level: 3, expectedVersion: 2 } });
  });
});

describe("Managers view", () => {
  it("shows the three panes", async () => {
    show(<ManagersView />, {
      ManagedParty: () => ({ data: { parties: [], characters: [] } }),
      ManagedKingdoms: () => ({ data: { kingdoms: [], settlements: [] } }),
      ManagedSettlements: () => ({ data: { settlements: [], structures: [] } }),
    });
    expect(await screen.findByText("No parties yet.")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Party and characters" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Kingdoms and settlements" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Settlements and structures" })).toBeInTheDocument();
  });
});
