import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { clearTokens } from "../auth/tokens.ts";
import { fakeApi, graphqlError } from "../test/network.ts";
import { branch, renderInWorkspace, row, workspaceValue } from "../test/workspace.tsx";
import { useUi } from "../store/ui.ts";
import BranchesView from "./BranchesView.tsx";

const conflict = { __typename: "MergeConflict", entityType: "SETTLEMENT", entityId: "s1", path: "/population", base: 1200, ours: 900, theirs: 3000 };
const preview = {
  data: {
    mergePreview: {
      sourceBranchId: "b-fork",
      targetBranchId: "b-main",
      __typename: "MergePreview",
      conflicts: [conflict, { __typename: "MergeConflict", entityType: "SETTLEMENT", entityId: "s1", path: "/name", base: "Brindle Ford", ours: "Brindle Ford", theirs: null }],
      changes: [
        { __typename: "EntityChange", entityType: "KINGDOM", entityId: "k1", action: "UPDATE", changes: [{ __typename: "FieldChange", path: "/level", op: "replace", before: 1, after: 2 }] },
      ],
    },
  },
};
const settlements = { data: { settlements: [row("Settlement", { id: "s1", name: "Brindle Ford" })] } };
const kingdoms = { data: { kingdoms: [row("Kingdom", { id: "k1", name: "Aldmere" })] } };

beforeEach(() => {
  clearTokens();
  localStorage.clear();
  useUi.setState({ branchByCampaign: {}, selection: null, asOf: null });
});

describe("BranchesView", () => {
  it("shows the branch tree", () => {
    vi.stubGlobal("fetch", fakeApi({}).fetch);
    renderInWorkspace(<BranchesView />);
    const nodes = within(screen.getByTestId("branch-tree")).getAllByTestId("branch-node");
    expect(nodes.map((n) => n.textContent)).toEqual([expect.stringContaining("main"), expect.stringContaining("what-if")]);
    expect(nodes[1]).toHaveTextContent("forked at 1200-01-15 00:00:00");
  });

  it("needs a choice for every conflict and merges with the chosen values", async () => {
    const api = fakeApi({
      MergePreview: () => preview,
      Settlements: () => settlements,
      Kingdoms: () => kingdoms,
      MergeBranch: () => ({ data: { mergeBranch: { __typename: "MergeResult", written: 1, target: branch(), changes: [] } } }),
    });
    vi.stubGlobal("fetch", api.fetch);
    const user = userEvent.setup();
    renderInWorkspace(<BranchesView />, workspaceValue({ branch: branch({ id: "b-fork", parentId: "b-main", name: "what-if" }) }));

    expect(screen.getByLabelText("Merge branch (theirs)")).toHaveValue("b-fork");
    expect(screen.getByLabelText("into branch (ours)")).toHaveValue("b-main");
    await user.click(screen.getByRole("button", { name: "Preview merge" }));

    const rows = await screen.findAllByTestId("conflict-row");
    expect(rows).toHaveLength(2);
    expect(await within(rows[0]!).findByText("Brindle Ford")).toBeInTheDocument();
    expect(screen.getByTestId("merge-summary")).toHaveTextContent("1 changed entity, 2 conflicts.");
    expect(await screen.findByText("Aldmere")).toBeInTheDocument();
    const merge = screen.getByRole("button", { name: "Merge what-if into main" });
    expect(merge).toBeDisabled();

    await user.click(screen.getByLabelText("Keep theirs value 3000 for population"));
    expect(merge).toBeDisabled();
    expect(screen.getByText("1 conflict(s) still need a choice.")).toBeInTheDocument();
    await user.click(screen.getByLabelText('Keep ours value "Brindle Ford" for name'));
    expect(merge).toBeEnabled();
    await user.click(merge);

    expect(await screen.findByTestId("merge-status")).toHaveTextContent("Merged: 1 entity written to main.");
    expect(api.operations("MergeBranch")[0]!.variables).toEqual({
      input: {
        sourceBranchId: "b-fork",
        targetBranchId: "b-main",
        resolutions: [
          { entityType: "SETTLEMENT", entityId: "s1", path: "/population", value: 3000 },
          { entityType: "SETTLEMENT", entityId: "s1", path: "/name", value: "Brindle Ford" },
        ],
      },
    });
  });

  it("shows why a merge failed", async () => {
    vi.stubGlobal(
      "fetch",
      fakeApi({ MergePreview: () => ({ data: { mergePreview: { ...preview.data.mergePreview, conflicts: [] } } }), Settlements: () => settlements, Kingdoms: () => kingdoms, MergeBranch: () => graphqlError("FORBIDDEN") }).fetch,
    );
    const user = userEvent.setup();
    renderInWorkspace(<BranchesView />, workspaceValue({ branch: branch({ id: "b-fork", parentId: "b-main", name: "what-if" }) }));
    await user.click(screen.getByRole("button", { name: "Preview merge" }));
    await user.click(await screen.findByRole("button", { name: "Merge what-if into main" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("You do not have permission");
  });

  it("forks from the chosen branch and switches to the new one", async () => {
    const api = fakeApi({ ForkBranch: () => ({ data: { forkBranch: branch({ id: "b-new", parentId: "b-main", name: "heist", forkTime: "1200-01-20 00:00:00" }) } }) });
    vi.stubGlobal("fetch", api.fetch);
    const user = userEvent.setup();
    renderInWorkspace(<BranchesView />);

    await user.type(screen.getByLabelText("New branch name"), "heist");
    await user.type(screen.getByLabelText("Fork at (world time)"), "1200-01-20");
    await user.click(screen.getByRole("button", { name: "Fork branch" }));

    expect(await screen.findByText('Branch "heist" forked from main at 1200-01-20 00:00:00.')).toBeInTheDocument();
    expect(api.operations("ForkBranch")[0]!.variables).toEqual({ input: { parentId: "b-main", name: "heist", at: "1200-01-20" } });
    expect(useUi.getState().branchByCampaign).toEqual({ c1: "b-new" });
  });

  it("hides fork and merge from players", () => {
    vi.stubGlobal("fetch", fakeApi({}).fetch);
    renderInWorkspace(<BranchesView />, workspaceValue({ role: "PLAYER" }));
    expect(screen.queryByRole("button", { name: "Fork branch" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Preview merge" })).not.toBeInTheDocument();
  });
});
