/** An explain trace of a JSON Logic evaluation as a collapsible tree: each operator, its arguments and value. */

interface TraceNode {
  readonly op: string;
  readonly args: unknown;
  readonly value?: unknown;
  readonly error?: string;
  readonly children: readonly TraceNode[];
}

function isTraceNode(value: unknown): value is TraceNode {
  return typeof value === "object" && value !== null && "op" in value && Array.isArray((value as { children?: unknown }).children);
}

export function compact(value: unknown, max = 80): string {
  const text = value === undefined ? "—" : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function Outcome({ node }: { node: TraceNode }) {
  return node.error ? (
    <span className="text-rose-300">error {node.error}</span>
  ) : (
    <span className="text-emerald-300">→ {compact(node.value, 60)}</span>
  );
}

function Node({ node }: { node: TraceNode }) {
  const label = (
    <>
      <span className="text-violet-300">{node.op}</span> <span className="text-slate-400">{compact(node.args)}</span> <Outcome node={node} />
    </>
  );
  if (!node.children.length) return <li className="py-0.5 pl-4">{label}</li>;
  return (
    <li className="py-0.5">
      <details open>
        <summary className="cursor-pointer">{label}</summary>
        <ul className="ml-3 border-l border-slate-800">
          {node.children.map((child, i) => (
            <Node key={i} node={child} />
          ))}
        </ul>
      </details>
    </li>
  );
}

/** Any trace value: a trace node tree, or (unknown shape) its JSON. */
export function TraceTree({ trace }: { trace: unknown }) {
  if (trace === null || trace === undefined) return <p className="text-xs text-slate-500">No trace.</p>;
  if (!isTraceNode(trace)) return <pre className="overflow-x-auto font-mono text-xs text-slate-300">{JSON.stringify(trace, null, 2)}</pre>;
  return (
    <ul className="font-mono text-xs" data-testid="trace-tree">
      <Node node={trace} />
    </ul>
  );
}
