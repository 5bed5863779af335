import { describe, expect, it } from "vitest";
import { changedFields, conflictsFrom, previousVersion } from "./cherryPick.ts";

describe("changedFields", () => {
  it("lists the top-level fields that differ", () => {
    expect(changedFields({ name: "Ford", population: 1200, variables: { mood: "calm" } }, { name: "Ford", population: 3000, variables: { mood: "glad" } })).toEqual([
      "population",
      "variables",
    ]);
    expect(changedFields(null, { name: "Ford" })).toEqual(["name"]);
    expect(changedFields({ a: 1 }, { a: 1 })).toEqual([]);
  });
});

describe("conflictsFrom", () => {
  it("reads the conflicts of a refused cherry-pick", () => {
    const details = { unresolved: [{ entityType: "SETTLEMENT", entityId: "s1", path: "/population", base: 1200, ours: 900, theirs: 3000 }, { bogus: true }] };
    expect(conflictsFrom(details)).toEqual([{ entityType: "SETTLEMENT", entityId: "s1", path: "/population", base: 1200, ours: 900, theirs: 3000 }]);
  });
  it("is null for other validation errors", () => {
    expect(conflictsFrom({ field: "versionId" })).toBeNull();
    expect(conflictsFrom({ unresolved: [] })).toBeNull();
  });
});

describe("previousVersion", () => {
  it("prefers the branch's own earlier version, else the inherited one", () => {
    const main1 = { version: 1, branchId: "main" };
    const main2 = { version: 2, branchId: "main" };
    const fork2 = { version: 2, branchId: "fork" };
    const fork3 = { version: 3, branchId: "fork" };
    const versions = [main1, fork2, main2, fork3];
    expect(previousVersion(versions, fork3)).toBe(fork2);
    expect(previousVersion(versions, fork2)).toBe(main1);
    expect(previousVersion(versions, main1)).toBeUndefined();
  });
});
