import { describe, expect, it } from "vitest";
import { findCycles, layerLayout } from "./graph.ts";

describe("findCycles", () => {
  it("finds no cycle in a chain", () => {
    expect(findCycles(["a", "b", "c"], [{ source: "a", target: "b" }, { source: "b", target: "c" }])).toEqual([]);
  });
  it("names the members of each cycle, self-loops included", () => {
    const cycles = findCycles(
      ["a", "b", "c", "d"],
      [
        { source: "a", target: "b" },
        { source: "b", target: "c" },
        { source: "c", target: "a" },
        { source: "d", target: "d" },
      ],
    );
    expect(cycles.map((c) => [...c].sort())).toEqual([["a", "b", "c"], ["d"]]);
  });
});

describe("layerLayout", () => {
  it("puts each node one column after its deepest prerequisite", () => {
    const layout = layerLayout(
      ["a", "b", "c", "d"],
      [
        { source: "a", target: "b" },
        { source: "b", target: "c" },
        { source: "a", target: "c" },
        { source: "a", target: "d" },
      ],
    );
    expect(layout.get("a")).toEqual({ column: 0, row: 0 });
    expect(layout.get("b")).toEqual({ column: 1, row: 0 });
    expect(layout.get("c")).toEqual({ column: 2, row: 0 });
    expect(layout.get("d")).toEqual({ column: 1, row: 1 });
  });
  it("terminates on cycles", () => {
    const layout = layerLayout(["a", "b"], [{ source: "a", target: "b" }, { source: "b", target: "a" }]);
    expect(layout.size).toBe(2);
  });
});
