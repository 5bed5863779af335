/**
 * Flow: events and encounters as nodes, links as edges (React Flow). Layered auto layout, cycles
 * flagged, drag from a node's right handle to another node's left handle to create a link (GMs),
 * select a link and press Delete to remove it. A form offers the same without a pointer.
 */
import "@xyflow/react/dist/style.css";
import { useMutation, useQuery } from "@apollo/client/react";
import {
  Background,
  type Connection,
  Controls,
  type Edge,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
  useEdgesState,
  useNodesState,
} from "@xyflow/react";
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { describeError } from "../apollo/errors.ts";
import { Button, Field, inputClass, Status } from "../components/ui.tsx";
import { CreateLinkDocument, DeleteLinkDocument, type EntityType, type LinkKind, StoryGraphDocument } from "../gql/graphql.ts";
import { useUi } from "../store/ui.ts";
import { scope, useWorkspace } from "./context.ts";
import { findCycles, layerLayout } from "./graph.ts";

const KINDS: readonly LinkKind[] = ["PREREQUISITE", "TRIGGERS", "BLOCKS", "RELATED"];
const KIND_COLORS: Record<LinkKind, string> = { PREREQUISITE: "#a78bfa", TRIGGERS: "#34d399", BLOCKS: "#f87171", RELATED: "#94a3b8" };

interface StoryNodeData extends Record<string, unknown> {
  readonly label: string;
  readonly entityType: EntityType;
  readonly status: string | null;
  readonly when: string | null;
  readonly inCycle: boolean;
  readonly hidden: boolean;
}

function StoryNode({ data, selected }: NodeProps<Node<StoryNodeData>>) {
  return (
    <div
      className={
        "min-w-44 rounded-lg border px-3 py-2 text-xs shadow " +
        (data.entityType === "EVENT" ? "bg-slate-800 " : "bg-indigo-950 ") +
        (selected ? "border-amber-400 ring-2 ring-amber-400/60 " : data.inCycle ? "border-rose-500 " : "border-slate-600 ")
      }
      data-testid="flow-node"
      data-name={data.label}
    >
      <Handle type="target" position={Position.Left} className="!size-3 !bg-slate-300" />
      <div className="text-[10px] uppercase tracking-wide text-slate-400">
        {data.entityType === "EVENT" ? "Event" : "Encounter"}
        {data.status ? ` · ${data.status.toLowerCase()}` : ""}
        {data.hidden ? " · hidden" : ""}
      </div>
      <div className="text-sm font-medium text-slate-100">{data.label}</div>
      {data.when && <div className="font-mono text-[10px] text-slate-400">{data.when}</div>}
      {data.inCycle && <div className="text-[10px] font-semibold text-rose-300">in a cycle</div>}
      <Handle type="source" position={Position.Right} className="!size-3 !bg-violet-400" />
    </div>
  );
}

const nodeTypes = { story: StoryNode };

export default function FlowView() {
  const ws = useWorkspace();
  const selection = useUi((s) => s.selection);
  const select = useUi((s) => s.select);
  const { data, loading, error, refetch } = useQuery(StoryGraphDocument, { variables: scope(ws) });
  const [kind, setKind] = useState<LinkKind>("PREREQUISITE");
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const [createLink] = useMutation(CreateLinkDocument);
  const [deleteLink] = useMutation(DeleteLinkDocument);
  const canEdit = ws.isGm && ws.asOf === null;

  const graph = useMemo(() => {
    const items = [
      ...(data?.events ?? []).map((e) => ({ id: e.id, type: "EVENT" as EntityType, name: e.name, status: e.status ?? null, when: e.scheduledAt ?? null, hidden: !!e.hidden })),
      ...(data?.encounters ?? []).map((e) => ({ id: e.id, type: "ENCOUNTER" as EntityType, name: e.name, status: e.status ?? null, when: e.scheduledAt ?? null, hidden: !!e.hidden })),
    ];
    const ids = new Set(items.map((i) => i.id));
    const links = (data?.links ?? []).filter((l) => l.sourceId && l.targetId && ids.has(l.sourceId) && ids.has(l.targetId));
    const directed = links.filter((l) => l.kind !== "RELATED").map((l) => ({ source: l.sourceId!, target: l.targetId! }));
    const cycles = findCycles([...ids], directed);
    const inCycle = new Set(cycles.flat());
    const layout = layerLayout([...ids], directed);
    return { items, links, cycles, inCycle, layout };
  }, [data]);

  const [nodes, setNodes, onNodesChange] = useNodesState<Node<StoryNodeData>>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);

  // Positions the user dragged a node to (the auto layout places the others).
  const dragged = useRef(new Map<string, { x: number; y: number }>());

  // Rebuild nodes when the data changes.
  useEffect(() => {
    setNodes(() => {
      const moved = dragged.current;
      return graph.items.map((item) => {
        const cell = graph.layout.get(item.id) ?? { column: 0, row: 0 };
        return {
          id: item.id,
          type: "story",
          position: moved.get(item.id) ?? { x: cell.column * 260, y: cell.row * 110 },
          ariaLabel: `${item.type === "EVENT" ? "Event" : "Encounter"} ${item.name ?? "(unnamed)"}`,
          selected: selection?.id === item.id,
          data: { label: item.name ?? "(unnamed)", entityType: item.type, status: item.status, when: item.when, inCycle: graph.inCycle.has(item.id), hidden: item.hidden },
        };
      });
    });
    setEdges(
      graph.links.map((l) => {
        const cyclic = l.kind !== "RELATED" && graph.inCycle.has(l.sourceId!) && graph.inCycle.has(l.targetId!);
        const color = cyclic ? "#f43f5e" : KIND_COLORS[l.kind ?? "RELATED"];
        const nameOf = (id: string) => graph.items.find((i) => i.id === id)?.name ?? id;
        return {
          id: l.id,
          ariaLabel: `Link: ${nameOf(l.sourceId!)} ${(l.kind ?? "").toLowerCase()} ${nameOf(l.targetId!)}${cyclic ? " (in a cycle)" : ""}`,
          source: l.sourceId!,
          target: l.targetId!,
          label: (l.kind ?? "").toLowerCase(),
          animated: l.kind === "TRIGGERS",
          style: { stroke: color, strokeWidth: cyclic ? 2.5 : 1.5 },
          labelStyle: { fill: "#e2e8f0", fontSize: 10 },
          labelBgStyle: { fill: "#0f172a" },
          markerEnd: { type: MarkerType.ArrowClosed, color },
          deletable: canEdit,
        };
      }),
    );
  }, [graph, selection, setNodes, setEdges, canEdit]);

  const typeOf = useCallback((id: string) => graph.items.find((i) => i.id === id)?.type, [graph]);

  const link = useCallback(
    async (sourceId: string, targetId: string, linkKind: LinkKind) => {
      setMessage(null);
      const sourceType = typeOf(sourceId);
      const targetType = typeOf(targetId);
      if (!sourceType || !targetType || sourceId === targetId) return;
      try {
        await createLink({ variables: { input: { campaignId: ws.campaign.id, branchId: ws.branch.id, sourceType, sourceId, targetType, targetId, kind: linkKind } } });
        const name = (id: string) => graph.items.find((i) => i.id === id)?.name ?? id;
        setMessage({ kind: "success", text: `Linked ${name(sourceId)} → ${name(targetId)} (${linkKind.toLowerCase()}).` });
        await refetch();
      } catch (e) {
        setMessage({ kind: "error", text: describeError(e).message });
      }
    },
    [createLink, graph, refetch, typeOf, ws.branch.id, ws.campaign.id],
  );

  const onConnect = useCallback((c: Connection) => void link(c.source, c.target, kind), [link, kind]);
  const onEdgesDelete = useCallback(
    (removed: Edge[]) => {
      void (async () => {
        try {
          for (const e of removed) await deleteLink({ variables: { id: e.id, branchId: ws.branch.id } });
          setMessage({ kind: "success", text: `${removed.length} link(s) removed.` });
        } catch (err) {
          setMessage({ kind: "error", text: describeError(err).message });
        }
        await refetch();
      })();
    },
    [deleteLink, refetch, ws.branch.id],
  );

  const name = (id: string) => graph.items.find((i) => i.id === id)?.name ?? id.slice(-6);
  return (
    <div className="flex h-full min-h-[32rem] flex-col lg:flex-row">
      <section aria-label="Story graph" className="relative min-h-[24rem] flex-1" data-testid="flow">
        <div className="absolute inset-0">
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={canEdit ? onConnect : undefined}
            onEdgesDelete={canEdit ? onEdgesDelete : undefined}
            onNodeClick={(_, node) => select({ type: node.data.entityType, id: node.id })}
            onNodeDragStop={(_, node) => dragged.current.set(node.id, node.position)}
            onPaneClick={() => select(null)}
            nodesConnectable={canEdit}
            edgesFocusable
            fitView
            colorMode="dark"
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
      </section>
      <aside className="flex w-full shrink-0 flex-col gap-4 overflow-y-auto border-t border-slate-800 bg-slate-900 p-4 lg:w-80 lg:border-t-0 lg:border-l" aria-label="Flow controls">
        {loading && !data && <Status>Loading events and encounters…</Status>}
        {error && <Status kind="error">{describeError(error).message}</Status>}
        {data && graph.items.length === 0 && <p className="text-sm text-slate-400">No events or encounters yet: create them in the Entities view.</p>}
        {graph.cycles.length > 0 && (
          <div role="alert" className="rounded border border-rose-700 bg-rose-950/60 p-2 text-sm text-rose-100" data-testid="flow-cycles">
            <p className="font-semibold">Cycles in the story graph</p>
            <ul className="list-disc pl-5">
              {graph.cycles.map((c) => (
                <li key={c.join()}>{[...c, c[0]!].map(name).join(" → ")}</li>
              ))}
            </ul>
          </div>
        )}
        {canEdit && (
          <LinkForm
            items={graph.items.map((i) => ({ id: i.id, name: i.name ?? i.id }))}
            kind={kind}
            setKind={setKind}
            onLink={(s, t) => void link(s, t, kind)}
          />
        )}
        {message && <Status kind={message.kind} testId="flow-status">{message.text}</Status>}
        <div>
          <h3 className="mb-1 text-sm font-semibold">Links ({graph.links.length})</h3>
          <ul className="flex flex-col gap-1 text-sm" data-testid="flow-links">
            {graph.links.map((l) => (
              <li key={l.id} className="flex items-center gap-2">
                <span className="flex-1">
                  {name(l.sourceId!)} <span className="text-slate-400">→ {(l.kind ?? "").toLowerCase()} →</span> {name(l.targetId!)}
                </span>
                {canEdit && (
                  <Button tone="ghost" aria-label={`Remove link ${name(l.sourceId!)} to ${name(l.targetId!)}`} onClick={() => onEdgesDelete([{ id: l.id, source: l.sourceId!, target: l.targetId! }])}>
                    ✕
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </div>
      </aside>
    </div>
  );
}

function LinkForm({ items, kind, setKind, onLink }: { items: { id: string; name: string }[]; kind: LinkKind; setKind(k: LinkKind): void; onLink(source: string, target: string): void }) {
  const [source, setSource] = useState("");
  const [target, setTarget] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (source && target && source !== target) onLink(source, target);
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-2" aria-label="Create a link">
      <h3 className="text-sm font-semibold">New links</h3>
      <Field label="Link kind" hint="Used for links you drag between nodes, too.">
        {(aria) => (
          <select className={inputClass} value={kind} onChange={(e) => setKind(e.target.value as LinkKind)} {...aria}>
            {KINDS.map((k) => (
              <option key={k} value={k}>{k.toLowerCase()}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label="From">
        {(aria) => (
          <select className={inputClass} value={source} onChange={(e) => setSource(e.target.value)} {...aria}>
            <option value="">— choose —</option>
            {items.map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
          </select>
        )}
      </Field>
      <Field label="To">
        {(aria) => (
          <select className={inputClass} value={target} onChange={(e) => setTarget(e.target.value)} {...aria}>
            <option value="">— choose —</option>
            {items.filter((i) => i.id !== source).map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
          </select>
        )}
      </Field>
      <Button type="submit" disabled={!source || !target}>Create link</Button>
    </form>
  );
}
