/** Graph helpers for the flow view: cycle detection (Tarjan SCC) and a layered auto layout. */

export interface GraphEdge {
  readonly source: string;
  readonly target: string;
}

/** Strongly connected components with more than one node, or a node with a self-loop: the cycles. */
export function findCycles(nodes: readonly string[], edges: readonly GraphEdge[]): string[][] {
  const out = new Map<string, string[]>();
  for (const n of nodes) out.set(n, []);
  for (const e of edges) out.get(e.source)?.push(e.target);
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];

  const connect = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of out.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (out.get(v) ?? []).includes(v)) cycles.push(component.reverse());
    }
  };
  for (const n of nodes) if (!indices.has(n)) connect(n);
  return cycles;
}

/**
 * Columns by longest path from a root (edges inside a cycle are ignored), rows in input order.
 * Returns the column and row of every node.
 */
export function layerLayout(nodes: readonly string[], edges: readonly GraphEdge[]): Map<string, { column: number; row: number }> {
  const inCycle = new Set(findCycles(nodes, edges).flat());
  const usable = edges.filter((e) => e.source !== e.target && !(inCycle.has(e.source) && inCycle.has(e.target)) && nodes.includes(e.source) && nodes.includes(e.target));
  const column = new Map<string, number>(nodes.map((n) => [n, 0]));
  // Longest path by relaxation; the usable edges form a DAG, so |nodes| rounds suffice.
  for (let round = 0; round < nodes.length; round += 1) {
    let changed = false;
    for (const e of usable) {
      const next = column.get(e.source)! + 1;
      if (next > column.get(e.target)!) {
        column.set(e.target, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, number>();
  const out = new Map<string, { column: number; row: number }>();
  for (const n of nodes) {
    const c = column.get(n)!;
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    out.set(n, { column: c, row: r });
  }
  return out;
}
