import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { clearTokens } from "../auth/tokens.ts";
import { fakeApi, graphqlError } from "../test/network.ts";
import { branch, renderInWorkspace, row, workspaceValue } from "../test/workspace.tsx";
import { CherryPickPanel } from "./CherryPickPanel.tsx";

const settlements = { data: { settlements: [row("Settlement", { id: "s1", name: "Brindle Ford", branchId: "b-fork" })] } };

function version(n: number, population: number, branchId = "b-fork") {
  return {
    __typename: "EntityVersion",
    entityType: "SETTLEMENT",
    entityId: "s1",
    version: n,
    versionId: `v${n}`,
    branchId,
    validFrom: `1200-01-0${n} 00:00:00`,
    validTo: null,
    deleted: false,
    recordedAt: "2026-01-01T00:00:00+00:00",
    recordedBy: "u1",
    data: { name: "Brindle Ford", population },
  };
}
const history = { data: { entityHistory: [version(2, 3000), version(1, 1200, "b-main")] } };
const conflict = { entityType: "SETTLEMENT", entityId: "s1", path: "/population", base: 1200, ours: 900, theirs: 3000 };
const picked = { data: { cherryPick: { __typename: "MergeResult", written: 1, target: branch(), changes: [] } } };

beforeEach(() => {
  clearTokens();
  localStorage.clear();
});

async function chooseVersion2(user: ReturnType<typeof userEvent.setup>) {
  await user.selectOptions(screen.getByLabelText("Entity"), await screen.findByRole("option", { name: "Brindle Ford" }));
  const versions = await screen.findByTestId("cherry-pick-versions");
  // Only what-if's own versions: version 1 was made on main before the fork.
  expect(within(versions).getAllByRole("radio")).toHaveLength(1);
  expect(versions).toHaveTextContent("Version 2 at 1200-01-02 00:00:00changed population");
  await user.click(within(versions).getByRole("radio", { name: /Version 2/ }));
}

describe("CherryPickPanel", () => {
  it("picks a version from the other branch and applies it to the current one", async () => {
    const api = fakeApi({ Settlements: () => settlements, EntityHistory: () => history, CherryPick: () => picked });
    vi.stubGlobal("fetch", api.fetch);
    const user = userEvent.setup();
    renderInWorkspace(<CherryPickPanel />);

    expect(screen.getByLabelText("Pick from branch")).toHaveValue("b-fork");
    expect(screen.getByLabelText("Apply to branch")).toHaveValue("b-main");
    expect(screen.getByRole("button", { name: "Cherry-pick" })).toBeDisabled();
    await chooseVersion2(user);
    await user.click(screen.getByRole("button", { name: "Cherry-pick version 2 into main" }));

    expect(await screen.findByTestId("cherry-pick-status")).toHaveTextContent("Cherry-picked version 2: 1 entity written to main.");
    expect(api.operations("Settlements")[0]!.variables).toMatchObject({ branchId: "b-fork" });
    expect(api.operations("EntityHistory")[0]!.variables).toEqual({ type: "SETTLEMENT", id: "s1", branchId: "b-fork" });
    expect(api.operations("CherryPick")[0]!.variables).toEqual({ versionId: "v2", targetBranchId: "b-main", resolutions: null });
  });

  it("shows the conflicts, needs a choice for each, and applies again with them", async () => {
    let calls = 0;
    const api = fakeApi({
      Settlements: () => settlements,
      EntityHistory: () => history,
      CherryPick: () => (++calls === 1 ? graphqlError("VALIDATION_FAILED", "1 conflict(s) need a resolution", { unresolved: [conflict] }) : picked),
    });
    vi.stubGlobal("fetch", api.fetch);
    const user = userEvent.setup();
    renderInWorkspace(<CherryPickPanel />);
    await chooseVersion2(user);
    const apply = screen.getByRole("button", { name: "Cherry-pick version 2 into main" });
    await user.click(apply);

    expect(await screen.findByRole("alert")).toHaveTextContent("1 conflict: choose the value to keep, then apply again.");
    expect(screen.getAllByTestId("conflict-row")).toHaveLength(1);
    expect(apply).toBeDisabled();
    await user.click(screen.getByLabelText("Keep theirs value 3000 for population"));
    expect(apply).toBeEnabled();
    await user.click(apply);

    expect(await screen.findByTestId("cherry-pick-status")).toHaveTextContent("1 entity written to main");
    expect(screen.queryByTestId("conflict-row")).not.toBeInTheDocument();
    expect(api.operations("CherryPick")[1]!.variables).toEqual({
      versionId: "v2",
      targetBranchId: "b-main",
      resolutions: [{ entityType: "SETTLEMENT", entityId: "s1", path: "/population", value: 3000 }],
    });
  });

  it("shows other errors as they are", async () => {
    vi.stubGlobal("fetch", fakeApi({ Settlements: () => settlements, EntityHistory: () => history, CherryPick: () => graphqlError("FORBIDDEN") }).fetch);
    const user = userEvent.setup();
    renderInWorkspace(<CherryPickPanel />);
    await chooseVersion2(user);
    await user.click(screen.getByRole("button", { name: "Cherry-pick version 2 into main" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("You do not have permission");
  });

  it("asks for a second branch first", () => {
    vi.stubGlobal("fetch", fakeApi({}).fetch);
    const only = workspaceValue();
    renderInWorkspace(<CherryPickPanel />, { ...only, branches: [only.branch] });
    expect(screen.getByText(/Fork a branch first/)).toBeInTheDocument();
  });
});
