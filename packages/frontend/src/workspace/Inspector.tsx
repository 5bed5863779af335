/**
 * The side panel for the current selection: overview (values, computed values and why, edit, delete/restore,
 * and for players the secrets they know), links, conditions (rule builder, live preview), effects (dry run,
 * resolve), typed variables, secrets (GMs) and versions (history, diff, restore).
 */
import { useMutation, useQuery } from "@apollo/client/react";
import { useEffect, useId, useRef, useState } from "react";
import { describeError, type ErrorInfo } from "../apollo/errors.ts";
import { Button, inputClass, Status } from "../components/ui.tsx";
import { EntityHistoryDocument, RestoreVersionDocument, VersionDiffDocument } from "../gql/graphql.ts";
import { type EntityMeta, type EntityRow, entityMeta, type FieldMeta, shortId } from "../lib/entities.ts";
import { useUi } from "../store/ui.ts";
import { scope, useWorkspace } from "./context.ts";
import { changedFields, EntityForm, type FormValues, toInput, valuesFromRow } from "./EntityForm.tsx";
import { ComputedValues } from "./inspector/ComputedValues.tsx";
import { ConditionsPanel } from "./inspector/ConditionsPanel.tsx";
import { EffectsPanel } from "./inspector/EffectsPanel.tsx";
import { KnownSecrets } from "./inspector/KnownSecrets.tsx";
import { LinksPanel } from "./inspector/LinksPanel.tsx";
import { SecretsPanel } from "./inspector/SecretsPanel.tsx";
import { VARIABLE_TYPES, VariablesPanel } from "./inspector/VariablesPanel.tsx";

type Tab = "overview" | "links" | "conditions" | "effects" | "variables" | "secrets" | "versions";

const TAB_LABELS: Record<Tab, string> = {
  overview: "Overview",
  links: "Links",
  conditions: "Conditions",
  effects: "Effects",
  variables: "Variables",
  secrets: "Secrets",
  versions: "Versions",
};

/** The tabs for a type and role: conditions, effects and secrets are GM-only, variables belong to five types. */
export function inspectorTabs(meta: EntityMeta, isGm: boolean): Tab[] {
  return (Object.keys(TAB_LABELS) as Tab[]).filter((t) => {
    if (t === "conditions" || t === "effects" || t === "secrets") return isGm;
    if (t === "variables") return VARIABLE_TYPES.includes(meta.type);
    return true;
  });
}

/** An event past its expiry (or expired by the scheduler), an encounter expired: shown as such. */
export function isExpired(row: EntityRow, now: number, parse: ((text: string) => number) | null): boolean {
  if (row.status === "EXPIRED") return true;
  if (row.status !== "PLANNED" && row.status !== "ACTIVE") return false;
  if (typeof row.expiresAt !== "string" || !parse) return false;
  try {
    return parse(row.expiresAt) <= now;
  } catch {
    return false;
  }
}

export function Inspector() {
  const selection = useUi((s) => s.selection);
  const select = useUi((s) => s.select);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const meta = selection ? entityMeta(selection.type) : undefined;

  useEffect(() => {
    headingRef.current?.focus();
  }, [selection?.id]);

  if (!selection) return null;
  return (
    <aside
      aria-labelledby="inspector-title"
      data-testid="inspector"
      className="flex w-full shrink-0 flex-col overflow-y-auto border-t border-slate-800 bg-slate-900 md:w-[26rem] md:border-t-0 md:border-l"
      onKeyDown={(e) => {
        if (e.key === "Escape") select(null);
      }}
    >
      <div className="flex items-center gap-2 border-b border-slate-800 px-4 py-3">
        <h2 id="inspector-title" ref={headingRef} tabIndex={-1} className="flex-1 truncate text-base font-semibold focus:outline-none">
          {meta?.label ?? selection.type}
        </h2>
        <Button tone="ghost" aria-label="Close inspector" onClick={() => select(null)}>
          ✕
        </Button>
      </div>
      {meta ? <InspectorBody key={`${selection.type}:${selection.id}`} meta={meta} id={selection.id} /> : <p className="p-4 text-sm text-slate-400">No details for this kind of item.</p>}
    </aside>
  );
}

function InspectorBody({ meta, id }: { meta: EntityMeta; id: string }) {
  const ws = useWorkspace();
  const [tab, setTab] = useState<Tab>("overview");
  const { data, loading, refetch } = useQuery(meta.list, { variables: { ...scope(ws), includeDeleted: ws.isGm } });
  const rows = ((data as Record<string, unknown> | undefined)?.[meta.key] ?? []) as EntityRow[];
  const row = rows.find((r) => r.id === id) ?? null;

  if (!row) {
    return <div className="p-4">{loading ? <Status>Loading…</Status> : <Status>This {meta.label.toLowerCase()} does not exist on this branch at this time.</Status>}</div>;
  }
  const tabs = inspectorTabs(meta, ws.isGm);
  const shown = tabs.includes(tab) ? tab : "overview";
  const calendar = ws.calendar;
  const expired = isExpired(row, ws.asOf ?? ws.branch.worldTimeSeconds, calendar ? (t) => calendar.parseIso(t) : null);
  return (
    <div className="flex flex-col gap-3 p-4">
      <p className="text-lg font-medium" data-testid="inspector-name">
        {row.name || "(unnamed)"}
        {row.deleted && <span className="ml-2 rounded bg-rose-900/60 px-1.5 text-xs text-rose-200">deleted</span>}
        {row.hidden && <span className="ml-2 rounded bg-amber-900/60 px-1.5 text-xs text-amber-200">hidden</span>}
        {expired && (
          <span className="ml-2 rounded bg-slate-700 px-1.5 text-xs text-slate-200" data-testid="expired-badge" title={`Expired at ${String(row.expiresAt ?? "")}`}>
            expired
          </span>
        )}
      </p>
      <div className="flex flex-wrap gap-1" role="group" aria-label="Inspector sections">
        {tabs.map((t) => (
          <Button key={t} tone={shown === t ? "primary" : "ghost"} className="px-2" aria-pressed={shown === t} onClick={() => setTab(t)}>
            {TAB_LABELS[t]}
          </Button>
        ))}
      </div>
      {shown === "overview" && <Overview meta={meta} row={row} refetch={() => void refetch()} />}
      {shown === "links" && <LinksPanel type={meta.type} id={id} />}
      {shown === "conditions" && <ConditionsPanel type={meta.type} id={id} />}
      {shown === "effects" && <EffectsPanel type={meta.type} id={id} status={typeof row.status === "string" ? row.status : null} />}
      {shown === "variables" && <VariablesPanel type={meta.type} id={id} />}
      {shown === "secrets" && <SecretsPanel type={meta.type} id={id} />}
      {shown === "versions" && <Versions meta={meta} id={id} current={row.version} onRestored={() => void refetch()} />}
    </div>
  );
}

function Value({ field, row }: { field: FieldMeta; row: EntityRow }) {
  const value = row[field.key];
  if (value === null || value === undefined || value === "") return <span className="text-slate-600">—</span>;
  if (field.kind === "bool") return <>{value ? "Yes" : "No"}</>;
  if (field.kind === "point") {
    const g = value as { type?: string; coordinates?: unknown };
    if (g.type === "Point" && Array.isArray(g.coordinates)) return <>{g.coordinates.map((c) => Number(c).toFixed(4)).join(", ")}</>;
    const corners = g.type === "Polygon" && Array.isArray(g.coordinates) ? ((g.coordinates[0] as unknown[] | undefined)?.length ?? 1) - 1 : null;
    return <>{corners !== null ? `outline with ${corners} corners (drawn on the map)` : g.type}</>;
  }
  if (field.kind === "ref") return <span title={String(value)}>{shortId(String(value))}</span>;
  if (field.kind === "select") return <>{String(value).charAt(0) + String(value).slice(1).toLowerCase()}</>;
  return <span className="whitespace-pre-wrap">{String(value)}</span>;
}

function Overview({ meta, row, refetch }: { meta: EntityMeta; row: EntityRow; refetch(): void }) {
  const ws = useWorkspace();
  // An edit is based on the version shown when it started: if the entity changes meanwhile (another
  // user, live updates), saving is a CONFLICT instead of silently overwriting their change.
  const [editing, setEditing] = useState<{ version: number; initial: FormValues } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [update, updateState] = useMutation(meta.update);
  const [remove, removeState] = useMutation(meta.remove);
  const [restore, restoreState] = useMutation(meta.restore);
  const canWrite = ws.isGm && ws.asOf === null;
  const fields = meta.fields.filter((f) => !f.gmOnly || ws.isGm);

  const onSave = async (input: Record<string, unknown>) => {
    if (!editing) return false;
    setError(null);
    const before = toInput(meta, editing.initial, ws.calendar, ws.isGm).input;
    const changes = changedFields(before, input);
    if (!Object.keys(changes).length) {
      setEditing(null);
      return true;
    }
    try {
      await update({ variables: { id: row.id, branchId: ws.branch.id, input: { ...changes, expectedVersion: editing.version } } });
      ws.announce(`${meta.label} saved.`);
      setEditing(null);
      refetch();
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    }
  };
  const run = async (what: "delete" | "restore") => {
    setError(null);
    try {
      const mutate = what === "delete" ? remove : restore;
      await mutate({ variables: { id: row.id, branchId: ws.branch.id, expectedVersion: row.version } });
      ws.announce(`${meta.label} ${what === "delete" ? "deleted" : "restored"}.`);
      refetch();
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <div className="flex flex-col gap-3">
      {editing ? (
        <EntityForm meta={meta} initial={editing.initial} submitLabel="Save changes" busy={updateState.loading} error={error} onSubmit={onSave} onCancel={() => setEditing(null)} testId="edit-entity-form" />
      ) : (
        <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1.5 text-sm">
          {fields.map((f) => (
            <div key={f.key} className="contents">
              <dt className="text-slate-400">{f.label}</dt>
              <dd data-testid={`field-${f.key}`}>
                <Value field={f} row={row} />
              </dd>
            </div>
          ))}
          <dt className="text-slate-400">Version</dt>
          <dd className="tabular-nums">{row.version}</dd>
          <dt className="text-slate-400">Valid from</dt>
          <dd>{String(row.validFrom ?? "—")}</dd>
        </dl>
      )}
      {!editing && !row.deleted && <ComputedValues type={meta.type} id={row.id} />}
      {!ws.isGm && <KnownSecrets type={meta.type} id={row.id} />}
      {error && !editing && <Status kind="error">{error.message}</Status>}
      {error?.code === "CONFLICT" && (
        <Button
          onClick={() => {
            setError(null);
            setEditing(null);
            refetch();
          }}
        >
          Reload latest version
        </Button>
      )}
      {canWrite && !editing && (
        <div className="flex flex-wrap gap-2">
          {!row.deleted && (
            <Button tone="primary" onClick={() => { setError(null); setEditing({ version: row.version, initial: valuesFromRow(meta, row, ws.calendar) }); }}>
              Edit
            </Button>
          )}
          {row.deleted ? (
            <Button onClick={() => void run("restore")} disabled={restoreState.loading}>
              Restore
            </Button>
          ) : (
            <Button tone="danger" onClick={() => void run("delete")} disabled={removeState.loading}>
              Delete
            </Button>
          )}
        </div>
      )}
    </div>
  );
}

function Versions({ meta, id, current, onRestored }: { meta: EntityMeta; id: string; current: number; onRestored(): void }) {
  const ws = useWorkspace();
  const fromId = useId();
  const toId = useId();
  const { data, loading, error, refetch } = useQuery(EntityHistoryDocument, {
    variables: { type: meta.type, id, branchId: ws.branch.id },
    fetchPolicy: "network-only",
  });
  const versions = data?.entityHistory ?? [];
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const latest = versions[versions.length - 1]?.version ?? current;
  const toVersion = to ?? latest;
  const fromVersion = from ?? Math.max(1, toVersion - 1);
  const diff = useQuery(VersionDiffDocument, {
    variables: { type: meta.type, id, branchId: ws.branch.id, fromVersion, toVersion },
    skip: versions.length < 2 || fromVersion === toVersion,
  });
  const [restoreVersion, restoreState] = useMutation(RestoreVersionDocument);
  const [message, setMessage] = useState<{ kind: "success" | "error"; text: string } | null>(null);

  const restore = async (version: number) => {
    setMessage(null);
    try {
      await restoreVersion({ variables: { type: meta.type, id, branchId: ws.branch.id, version } });
      setMessage({ kind: "success", text: `Version ${version} restored as a new version.` });
      await refetch();
      onRestored();
    } catch (e) {
      setMessage({ kind: "error", text: describeError(e).message });
    }
  };

  if (loading && !data) return <Status>Loading history…</Status>;
  if (error) return <Status kind="error">{describeError(error).message}</Status>;
  return (
    <div className="flex flex-col gap-3 text-sm">
      <ol className="divide-y divide-slate-800 rounded border border-slate-800" aria-label="Versions, oldest first" data-testid="version-list">
        {versions.map((v) => (
          <li key={v.versionId} className="flex flex-wrap items-center gap-2 px-3 py-2">
            <span className="font-medium tabular-nums">v{v.version}</span>
            <span className="text-slate-400">from {v.validFrom}</span>
            {v.deleted && <span className="rounded bg-rose-900/60 px-1.5 text-xs text-rose-200">deleted</span>}
            <span className="flex-1" />
            {ws.isGm && ws.asOf === null && v.version !== latest && (
              <Button onClick={() => void restore(v.version)} disabled={restoreState.loading} aria-label={`Restore version ${v.version}`}>
                Restore
              </Button>
            )}
          </li>
        ))}
      </ol>
      {versions.length >= 2 && (
        <div className="flex flex-col gap-2">
          <div className="flex items-end gap-2">
            <div className="flex flex-col gap-1">
              <label htmlFor={fromId} className="text-xs text-slate-400">
                Compare version
              </label>
              <select id={fromId} className={inputClass} value={fromVersion} onChange={(e) => setFrom(Number(e.target.value))}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </div>
            <div className="flex flex-col gap-1">
              <label htmlFor={toId} className="text-xs text-slate-400">
                with version
              </label>
              <select id={toId} className={inputClass} value={toVersion} onChange={(e) => setTo(Number(e.target.value))}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <table className="w-full text-left text-xs" data-testid="version-diff">
            <caption className="sr-only">
              Changes from version {fromVersion} to version {toVersion}
            </caption>
            <thead className="text-slate-400">
              <tr>
                <th scope="col" className="py-1">Field</th>
                <th scope="col" className="py-1">Before</th>
                <th scope="col" className="py-1">After</th>
              </tr>
            </thead>
            <tbody>
              {(diff.data?.versionDiff ?? []).map((c) => (
                <tr key={c.path} className="border-t border-slate-800 align-top">
                  <td className="py-1 pr-2 font-mono">{c.path.replace(/^\//, "")}</td>
                  <td className="py-1 pr-2 font-mono text-rose-300">{JSON.stringify(c.before)}</td>
                  <td className="py-1 font-mono text-emerald-300">{JSON.stringify(c.after)}</td>
                </tr>
              ))}
              {diff.data && diff.data.versionDiff.length === 0 && (
                <tr>
                  <td colSpan={3} className="py-2 text-slate-500">
                    No differences.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {message && <Status kind={message.kind}>{message.text}</Status>}
    </div>
  );
}
