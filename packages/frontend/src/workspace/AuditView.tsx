/** Audit log: filters (branch, entity type, operation, entity id), paging, CSV/JSON export of what is loaded. */
import { useQuery } from "@apollo/client/react";
import { useState } from "react";
import { describeError } from "../apollo/errors.ts";
import { Button, Field, inputClass, Status, TextField } from "../components/ui.tsx";
import { type AuditLogQuery, AuditLogDocument } from "../gql/graphql.ts";
import { ENTITY_TYPES, shortId } from "../lib/entities.ts";
import { useWorkspace } from "./context.ts";

const OPERATIONS = ["CREATE", "UPDATE", "DELETE", "RESTORE", "ARCHIVE", "FORK", "MERGE", "CHERRY_PICK", "RESOLVE", "TIME_ADVANCE"];
const PAGE = 50;
type Entry = AuditLogQuery["auditLog"][number];

export function toCsv(rows: readonly Entry[]): string {
  const header = ["recordedAt", "worldTime", "operation", "entityType", "entityId", "version", "branchId", "actorId", "reason", "diff"];
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header.join(","), ...rows.map((r) => header.map((h) => cell(r[h as keyof Entry])).join(","))].join("\n");
}

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function diffSummary(diff: unknown): string {
  if (!Array.isArray(diff)) return "";
  return diff
    .map((d: { path?: string; after?: unknown }) => `${String(d.path ?? "").replace(/^\//, "")}=${JSON.stringify(d.after)}`)
    .slice(0, 4)
    .join(", ") + (diff.length > 4 ? ` … (+${diff.length - 4})` : "");
}

export default function AuditView() {
  const ws = useWorkspace();
  const [branchId, setBranchId] = useState<string>("");
  const [entityType, setEntityType] = useState("");
  const [operation, setOperation] = useState("");
  const [entityId, setEntityId] = useState("");
  const [limit, setLimit] = useState(PAGE);
  const variables = {
    campaignId: ws.campaign.id,
    branchId: branchId || null,
    entityType: entityType || null,
    operation: operation || null,
    entityId: entityId.trim() || null,
    limit,
    offset: 0,
  };
  const { data, loading, error } = useQuery(AuditLogDocument, { variables });
  const rows = data?.auditLog ?? [];
  const branchName = (id: string | null | undefined) => ws.branches.find((b) => b.id === id)?.name ?? shortId(id);

  return (
    <div className="flex flex-col gap-4 p-4">
      <form className="flex flex-wrap items-end gap-3" aria-label="Audit log filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="Branch" className="w-44">
          {(aria) => (
            <select className={inputClass} value={branchId} onChange={(e) => setBranchId(e.target.value)} {...aria}>
              <option value="">All branches</option>
              {ws.branches.map((b) => (
                <option key={b.id} value={b.id}>{b.name}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Entity type" className="w-44">
          {(aria) => (
            <select className={inputClass} value={entityType} onChange={(e) => setEntityType(e.target.value)} {...aria}>
              <option value="">All types</option>
              {[...ENTITY_TYPES.map((m) => ({ v: m.type, l: m.label })), { v: "BRANCH", l: "Branch" }, { v: "LINK", l: "Link" }].map((t) => (
                <option key={t.v} value={t.v}>{t.l}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Operation" className="w-44">
          {(aria) => (
            <select className={inputClass} value={operation} onChange={(e) => setOperation(e.target.value)} {...aria}>
              <option value="">All operations</option>
              {OPERATIONS.map((o) => (
                <option key={o} value={o}>{o.replace("_", " ").toLowerCase()}</option>
              ))}
            </select>
          )}
        </Field>
        <TextField label="Entity id" className="w-72" value={entityId} onChange={(e) => setEntityId(e.target.value)} placeholder="paste an id" />
        <div className="flex-1" />
        <Button onClick={() => download("audit-log.csv", "text/csv", toCsv(rows))} disabled={!rows.length}>Export CSV</Button>
        <Button onClick={() => download("audit-log.json", "application/json", JSON.stringify(rows, null, 2))} disabled={!rows.length}>Export JSON</Button>
      </form>
      {error && <Status kind="error">{describeError(error).message}</Status>}
      {loading && <Status>Loading audit log…</Status>}
      <div className="overflow-x-auto rounded-lg border border-slate-800">
        <table className="w-full text-left text-sm" data-testid="audit-table">
          <caption className="sr-only">Audit log, newest first</caption>
          <thead className="bg-slate-900 text-xs uppercase text-slate-400">
            <tr>
              <th scope="col" className="px-3 py-2">Recorded</th>
              <th scope="col" className="px-3 py-2">World time</th>
              <th scope="col" className="px-3 py-2">Operation</th>
              <th scope="col" className="px-3 py-2">Entity</th>
              <th scope="col" className="px-3 py-2">Version</th>
              <th scope="col" className="px-3 py-2">Branch</th>
              <th scope="col" className="px-3 py-2">Changes</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800">
            {rows.map((r) => (
              <tr key={r.id} data-testid="audit-row">
                <td className="px-3 py-2 whitespace-nowrap text-slate-400"><time dateTime={r.recordedAt}>{new Date(r.recordedAt).toLocaleString()}</time></td>
                <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{r.worldTime ?? "—"}</td>
                <td className="px-3 py-2">{r.operation}</td>
                <td className="px-3 py-2">{r.entityType} <span className="text-slate-500" title={r.entityId ?? ""}>{shortId(r.entityId)}</span></td>
                <td className="px-3 py-2 tabular-nums">{r.version ?? "—"}</td>
                <td className="px-3 py-2">{branchName(r.branchId)}</td>
                <td className="max-w-md truncate px-3 py-2 font-mono text-xs text-slate-300" title={JSON.stringify(r.diff)}>{diffSummary(r.diff)}</td>
              </tr>
            ))}
            {data && rows.length === 0 && (
              <tr><td colSpan={7} className="px-3 py-6 text-center text-slate-500">No entries match.</td></tr>
            )}
          </tbody>
        </table>
      </div>
      {rows.length >= limit && <Button onClick={() => setLimit((l) => l + PAGE)}>Load {PAGE} more</Button>}
    </div>
  );
}
