import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { clearTokens } from "../auth/tokens.ts";
import { fakeApi, graphqlError } from "../test/network.ts";
import { renderInWorkspace } from "../test/workspace.tsx";
import AuditView, { exportName } from "./AuditView.tsx";

const entry = {
  __typename: "AuditEntry",
  id: "a1",
  branchId: "b-main",
  entityType: "SETTLEMENT",
  entityId: "s1",
  operation: "CREATE",
  actorId: "u1",
  worldTime: "1200-01-01 00:00:00",
  version: 1,
  diff: [],
  reason: "",
  recordedAt: "2026-01-01T00:00:00+00:00",
};
const CSV = "recordedAt,operation\r\n2026-01-01T00:00:00+00:00,CREATE\r\n";

beforeEach(() => {
  clearTokens();
  localStorage.clear();
});

/** jsdom's Blob has no text(): read it the old way. */
function textOf(blob: Blob): Promise<string> {
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob);
  });
}

/** Catches what the page hands to the browser's download: the file name and the text. */
function catchDownloads() {
  const saved: { name: string; blob: Blob }[] = [];
  const blobs = new Map<string, Blob>();
  vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: (blob: Blob) => (blobs.set("blob:1", blob), "blob:1"), revokeObjectURL: () => {} }));
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: blobs.get(this.href)! });
  });
  return saved;
}

describe("AuditView export", () => {
  it("asks the server for the filtered log and downloads it", async () => {
    const api = fakeApi({ AuditLog: () => ({ data: { auditLog: [entry] } }), ExportAuditLog: () => ({ data: { exportAuditLog: CSV } }) });
    vi.stubGlobal("fetch", api.fetch);
    const saved = catchDownloads();
    const user = userEvent.setup();
    renderInWorkspace(<AuditView />);
    await screen.findAllByTestId("audit-row");
    await user.selectOptions(screen.getByLabelText("Operation"), "create");
    await user.selectOptions(screen.getByLabelText("Branch"), "what-if");
    await user.click(screen.getByRole("button", { name: "Export CSV" }));

    expect(await screen.findByTestId("audit-export-status")).toHaveTextContent(/Exported audit-log-the-ember-road-\d{4}-\d\d-\d\d\.csv/);
    expect(api.operations("ExportAuditLog")[0]!.variables).toEqual({
      campaignId: "c1",
      format: "CSV",
      branchId: "b-fork",
      entityType: null,
      operation: "CREATE",
      entityId: null,
    });
    expect(saved).toHaveLength(1);
    expect(saved[0]!.name).toMatch(/\.csv$/);
    expect(saved[0]!.blob.type).toBe("text/csv");
    expect(await textOf(saved[0]!.blob)).toBe(CSV);
  });

  it("exports JSON too, and says why an export failed", async () => {
    let calls = 0;
    const api = fakeApi({
      AuditLog: () => ({ data: { auditLog: [] } }),
      ExportAuditLog: () => (++calls === 1 ? { data: { exportAuditLog: "[]" } } : graphqlError("FORBIDDEN")),
    });
    vi.stubGlobal("fetch", api.fetch);
    const saved = catchDownloads();
    const user = userEvent.setup();
    renderInWorkspace(<AuditView />);
    await user.click(screen.getByRole("button", { name: "Export JSON" }));
    expect(await screen.findByTestId("audit-export-status")).toHaveTextContent(".json");
    expect(saved[0]!.blob.type).toBe("application/json");
    expect(api.operations("ExportAuditLog")[0]!.variables).toMatchObject({ format: "JSON", branchId: null });
    await user.click(screen.getByRole("button", { name: "Export JSON" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("You do not have permission");
  });

  it("names the file after the campaign and the day", () => {
    expect(exportName("The Ember Road!", "JSON", new Date("2026-03-04T10:00:00Z"))).toBe("audit-log-the-ember-road-2026-03-04.json");
    expect(exportName("###", "CSV", new Date("2026-03-04T10:00:00Z"))).toBe("audit-log-campaign-2026-03-04.csv");
  });
});
