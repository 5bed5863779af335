import { describe, expect, it } from "vitest";
import { fromJsonLogic, type Json, leafPaths, parseJson, type RuleNode, toJsonLogic, varPaths } from "./jsonLogic.ts";

const ROUND_TRIPS: Json[] = [
  { ">=": [{ var: "settlement.population" }, 100] },
  { and: [{ ">=": [{ var: "settlement.population" }, 100] }, { "==": [{ var: "kingdom.level" }, 3] }] },
  { or: [{ "<": [1, { var: "party.level" }] }, { "!": [{ "===": [{ var: "var.flag" }, true] }] }] },
  { "!": { "!=": [{ var: "event.status" }, "PLANNED"] } },
  { and: [] },
  { or: [{ and: [{ "<=": [{ var: "a" }, null] }] }, { ">": [{ "+": [{ var: "a" }, 1] }, { var: ["b", 0] }] }] },
  // Not the builder's: kept as they are.
  { "<": [0, { var: "x" }, 10] },
  { inside: [{ var: "event.location_id" }, "region-1"] },
  { "!": [1, 2] },
  { var: "settlement.population" },
  { and: "not a list" },
  { ">": [1, 2], "<": [3, 4] },
  true,
  0,
  "text",
  null,
  [1, { var: "a" }],
];

describe("JSON Logic ⇄ rule model", () => {
  it.each(ROUND_TRIPS.map((j) => [JSON.stringify(j), j] as const))("round-trips %s exactly", (_, json) => {
    expect(toJsonLogic(fromJsonLogic(json))).toEqual(json);
    expect(JSON.stringify(toJsonLogic(fromJsonLogic(json)))).toBe(JSON.stringify(json));
  });

  it("reads comparisons, groups, negation and operands", () => {
    const node = fromJsonLogic({ and: [{ ">=": [{ var: "settlement.population" }, 100] }, { "!": [{ "==": ["a", { "+": [1, 2] }] }] }] });
    expect(node).toEqual<RuleNode>({
      kind: "group",
      op: "and",
      children: [
        { kind: "compare", op: ">=", left: { kind: "var", path: "settlement.population" }, right: { kind: "literal", value: 100 } },
        {
          kind: "not",
          wrapped: true,
          child: { kind: "compare", op: "==", left: { kind: "literal", value: "a" }, right: { kind: "expr", json: { "+": [1, 2] } } },
        },
      ],
    });
  });

  it("writes what the builder builds", () => {
    const node: RuleNode = {
      kind: "group",
      op: "or",
      children: [
        { kind: "compare", op: "<", left: { kind: "var", path: "party.level" }, right: { kind: "literal", value: 5 } },
        { kind: "not", wrapped: true, child: { kind: "compare", op: "===", left: { kind: "var", path: "var.open" }, right: { kind: "literal", value: true } } },
      ],
    };
    expect(toJsonLogic(node)).toEqual({ or: [{ "<": [{ var: "party.level" }, 5] }, { "!": [{ "===": [{ var: "var.open" }, true] }] }] });
  });

  it("parses JSON text without throwing", () => {
    expect(parseJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    const bad = parseJson("{oops");
    expect(bad.ok).toBe(false);
  });

  it("lists the variables a rule reads and the leaf paths of data", () => {
    expect(varPaths({ and: [{ ">": [{ var: "a.b" }, 1] }, { "<": [{ var: ["c", 0] }, { var: "a.b" }] }] })).toEqual(["a.b", "c"]);
    expect(leafPaths({ settlement: { population: 5, variables: { morale: 2 } }, world: { time: 1 } })).toEqual([
      "settlement.population",
      "settlement.variables.morale",
      "world.time",
    ]);
  });
});
