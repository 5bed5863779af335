/**
 * The rule builder's model of a JSON Logic expression, and the exact round trip to and from JSON.
 *
 * The builder edits comparisons (`{">=": [{"var": "settlement.population"}, 100]}`), `and`/`or`
 * groups and `!` (negation); operands are a variable path, a literal, or any other expression. Anything
 * the builder does not know is kept as a `raw` node and written back unchanged, so
 * `toJsonLogic(fromJsonLogic(x))` equals `x` for every JSON value.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const COMPARISONS = ["==", "!=", "===", "!==", ">", ">=", "<", "<="] as const;
export type Comparison = (typeof COMPARISONS)[number];

export const COMPARISON_LABELS: Record<Comparison, string> = {
  "==": "equals",
  "!=": "does not equal",
  "===": "is exactly",
  "!==": "is not exactly",
  ">": "is greater than",
  ">=": "is at least",
  "<": "is less than",
  "<=": "is at most",
};

export type Literal = null | boolean | number | string;

export type Operand =
  | { readonly kind: "var"; readonly path: string }
  | { readonly kind: "literal"; readonly value: Literal }
  /** Any other expression (arithmetic, a `var` with a default ...), edited as JSON. */
  | { readonly kind: "expr"; readonly json: Json };

export type RuleNode =
  | { readonly kind: "group"; readonly op: "and" | "or"; readonly children: readonly RuleNode[] }
  /** `wrapped`: written as `{"!": [x]}` rather than `{"!": x}` (both are JSON Logic). */
  | { readonly kind: "not"; readonly child: RuleNode; readonly wrapped: boolean }
  | { readonly kind: "compare"; readonly op: Comparison; readonly left: Operand; readonly right: Operand }
  | { readonly kind: "raw"; readonly json: Json };

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The single operator of `{"op": args}`, or null for anything else. */
function operatorOf(value: Json): { op: string; args: Json } | null {
  if (!isObject(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1) return null;
  const op = keys[0]!;
  return { op, args: value[op]! };
}

export function operandFromJson(value: Json): Operand {
  if (value === null || typeof value !== "object") return { kind: "literal", value };
  const found = operatorOf(value);
  if (found?.op === "var" && typeof found.args === "string") return { kind: "var", path: found.args };
  return { kind: "expr", json: value };
}

export function operandToJson(operand: Operand): Json {
  switch (operand.kind) {
    case "var":
      return { var: operand.path };
    case "literal":
      return operand.value;
    case "expr":
      return operand.json;
  }
}

export function fromJsonLogic(value: Json): RuleNode {
  const found = operatorOf(value);
  if (!found) return { kind: "raw", json: value };
  const { op, args } = found;
  if ((op === "and" || op === "or") && Array.isArray(args)) {
    return { kind: "group", op, children: args.map(fromJsonLogic) };
  }
  if (op === "!") {
    if (Array.isArray(args)) return args.length === 1 ? { kind: "not", child: fromJsonLogic(args[0]!), wrapped: true } : { kind: "raw", json: value };
    return { kind: "not", child: fromJsonLogic(args), wrapped: false };
  }
  if ((COMPARISONS as readonly string[]).includes(op) && Array.isArray(args) && args.length === 2) {
    return { kind: "compare", op: op as Comparison, left: operandFromJson(args[0]!), right: operandFromJson(args[1]!) };
  }
  return { kind: "raw", json: value };
}

export function toJsonLogic(node: RuleNode): Json {
  switch (node.kind) {
    case "group":
      return { [node.op]: node.children.map(toJsonLogic) };
    case "not":
      return { "!": node.wrapped ? [toJsonLogic(node.child)] : toJsonLogic(node.child) };
    case "compare":
      return { [node.op]: [operandToJson(node.left), operandToJson(node.right)] };
    case "raw":
      return node.json;
  }
}

/** JSON text → a value, or the parser's message (never throws). */
export function parseJson(text: string): { ok: true; value: Json } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export function prettyJson(value: Json): string {
  return JSON.stringify(value, null, 2);
}

export function newComparison(path = ""): RuleNode {
  return { kind: "compare", op: ">=", left: { kind: "var", path }, right: { kind: "literal", value: 0 } };
}

/** The variable paths a rule reads, in order of appearance (for suggestions and the context). */
export function varPaths(value: Json): string[] {
  const out: string[] = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) {
      const found = operatorOf(v);
      if (found?.op === "var") {
        const path = Array.isArray(found.args) ? found.args[0] : found.args;
        if (typeof path === "string" && path && !out.includes(path)) out.push(path);
        return;
      }
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return out;
}

/** Dotted paths of the leaves of a data object (`settlement.population`), for the path suggestions. */
export function leafPaths(data: unknown, prefix = "", depth = 3): string[] {
  if (data === null || typeof data !== "object" || Array.isArray(data) || depth === 0) return prefix ? [prefix] : [];
  return Object.entries(data as Record<string, unknown>).flatMap(([key, value]) => leafPaths(value, prefix ? `${prefix}.${key}` : key, depth - 1));
}
