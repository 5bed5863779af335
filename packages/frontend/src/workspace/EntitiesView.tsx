/** Entities: one table per type with a name filter, a create form (GMs) and row selection (→ inspector). */
import { useMutation, useQuery } from "@apollo/client/react";
import { useId, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { describeError, type ErrorInfo } from "../apollo/errors.ts";
import { Button, inputClass, Status } from "../components/ui.tsx";
import { ENTITY_TYPES, type EntityMeta, type EntityRow, entityMeta, entityMetaByKey, type FieldMeta } from "../lib/entities.ts";
import { useUi } from "../store/ui.ts";
import { scope, useWorkspace } from "./context.ts";
import { EntityForm, valuesFromRow } from "./EntityForm.tsx";

export default function EntitiesView() {
  const [params, setParams] = useSearchParams();
  const meta = entityMetaByKey(params.get("type")) ?? ENTITY_TYPES[0]!;
  return (
    <div className="flex flex-col gap-4 p-4">
      <nav aria-label="Entity types" className="flex flex-wrap gap-1">
        {ENTITY_TYPES.map((m) => (
          <button
            key={m.key}
            type="button"
            aria-pressed={m.key === meta.key}
            onClick={() => setParams({ type: m.key })}
            className={
              "rounded px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-violet-400 " +
              (m.key === meta.key ? "bg-violet-600 text-white" : "bg-slate-800 text-slate-200 hover:bg-slate-700")
            }
          >
            {m.plural}
          </button>
        ))}
      </nav>
      <EntityTable key={meta.key} meta={meta} />
    </div>
  );
}

function RefName({ field, id }: { field: FieldMeta; id: string }) {
  const ws = useWorkspace();
  const target = entityMeta(field.ref!)!;
  const { data } = useQuery(target.list, { variables: scope(ws), fetchPolicy: "cache-first" });
  const rows = ((data as Record<string, unknown> | undefined)?.[target.key] ?? []) as EntityRow[];
  return <>{rows.find((r) => r.id === id)?.name ?? id.slice(-6)}</>;
}

function Cell({ field, row }: { field: FieldMeta; row: EntityRow }) {
  const value = row[field.key];
  if (value === null || value === undefined || value === "") return <span className="text-slate-600">—</span>;
  if (field.kind === "bool") return <>{value ? "Yes" : "No"}</>;
  if (field.kind === "ref") return <RefName field={field} id={String(value)} />;
  if (field.kind === "select") return <>{String(value).charAt(0) + String(value).slice(1).toLowerCase()}</>;
  return <>{String(value)}</>;
}

function EntityTable({ meta }: { meta: EntityMeta }) {
  const ws = useWorkspace();
  const selection = useUi((s) => s.selection);
  const select = useUi((s) => s.select);
  const [filter, setFilter] = useState("");
  const [showDeleted, setShowDeleted] = useState(false);
  const [creating, setCreating] = useState(false);
  const filterId = useId();
  const captionId = useId();
  const { data, loading, error, refetch } = useQuery(meta.list, {
    variables: { ...scope(ws), includeDeleted: showDeleted },
  });
  const rows = ((data as Record<string, unknown> | undefined)?.[meta.key] ?? []) as EntityRow[];
  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? rows.filter((r) => (r.name ?? "").toLowerCase().includes(needle)) : rows;
  }, [rows, filter]);
  const columns = meta.fields.filter((f) => f.column && f.key !== "name");

  const [create, createState] = useMutation(meta.create);
  const [createError, setCreateError] = useState<ErrorInfo | null>(null);
  const onCreate = async (input: Record<string, unknown>) => {
    setCreateError(null);
    try {
      const result = await create({ variables: { input: { ...input, campaignId: ws.campaign.id, branchId: ws.branch.id } } });
      const created = Object.values((result.data ?? {}) as Record<string, EntityRow>)[0];
      ws.announce(`${meta.label} "${created?.name ?? ""}" created.`);
      await refetch();
      if (created) select({ type: meta.type, id: created.id });
      return true;
    } catch (e) {
      setCreateError(describeError(e));
      return false;
    }
  };

  return (
    <section aria-labelledby={captionId} className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end gap-3">
        <h2 id={captionId} className="text-lg font-semibold">
          {meta.plural}
        </h2>
        <div className="flex flex-col gap-1">
          <label htmlFor={filterId} className="text-xs text-slate-400">
            Filter by name
          </label>
          <input id={filterId} type="search" className={`${inputClass} w-56`} value={filter} onChange={(e) => setFilter(e.target.value)} placeholder={`Search ${meta.plural.toLowerCase()}`} />
        </div>
        {ws.isGm && (
          <label className="flex items-center gap-2 text-sm text-slate-300">
            <input type="checkbox" className="size-4 accent-violet-500" checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} />
            Show deleted
          </label>
        )}
        <div className="flex-1" />
        {ws.isGm && ws.asOf === null && (
          <Button tone="primary" aria-expanded={creating} onClick={() => setCreating((c) => !c)}>
            {creating ? "Close form" : `New ${meta.label.toLowerCase()}`}
          </Button>
        )}
      </div>

      {creating && ws.isGm && (
        <div className="rounded-lg border border-slate-800 bg-slate-900 p-4">
          <h3 className="mb-3 font-medium">New {meta.label.toLowerCase()}</h3>
          <EntityForm
            meta={meta}
            initial={valuesFromRow(meta, null, ws.calendar)}
            submitLabel={`Create ${meta.label.toLowerCase()}`}
            busy={createState.loading}
            error={createError}
            onSubmit={onCreate}
            testId="create-entity-form"
          />
        </div>
      )}

      {error && <Status kind="error">{describeError(error).message}</Status>}
      {loading && !data && <Status>Loading {meta.plural.toLowerCase()}…</Status>}
      <div className="overflow-x-auto rounded-lg border border-slate-800">
        <table className="w-full text-left text-sm" data-testid={`table-${meta.key}`}>
          <caption className="sr-only">
            {meta.plural} on branch {ws.branch.name}
            {filter ? `, filtered by "${filter}"` : ""}
          </caption>
          <thead className="bg-slate-900 text-xs uppercase text-slate-400">
            <tr>
              <th scope="col" className="px-3 py-2">
                Name
              </th>
              {columns.map((c) => (
                <th key={c.key} scope="col" className="px-3 py-2">
                  {c.label}
                </th>
              ))}
              <th scope="col" className="px-3 py-2">
                Version
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800">
            {visible.map((row) => {
              const selected = selection?.id === row.id;
              return (
                <tr key={row.id} aria-current={selected ? "true" : undefined} className={selected ? "bg-violet-950/60" : "hover:bg-slate-900"} data-testid="entity-row">
                  <th scope="row" className="px-3 py-2 font-medium">
                    <button type="button" className="text-left text-violet-200 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-violet-400" onClick={() => select({ type: meta.type, id: row.id })}>
                      {row.name || <span className="text-slate-500">(unnamed)</span>}
                    </button>
                    {row.hidden && <span className="ml-2 rounded bg-amber-900/60 px-1.5 text-xs text-amber-200">hidden</span>}
                    {row.deleted && <span className="ml-2 rounded bg-rose-900/60 px-1.5 text-xs text-rose-200">deleted</span>}
                  </th>
                  {columns.map((c) => (
                    <td key={c.key} className="px-3 py-2 text-slate-300">
                      <Cell field={c} row={row} />
                    </td>
                  ))}
                  <td className="px-3 py-2 text-slate-400 tabular-nums">{row.version}</td>
                </tr>
              );
            })}
            {data !== undefined && visible.length === 0 && (
              <tr>
                <td colSpan={columns.length + 2} className="px-3 py-6 text-center text-slate-500">
                  {rows.length ? "Nothing matches the filter." : `No ${meta.plural.toLowerCase()} yet.`}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
