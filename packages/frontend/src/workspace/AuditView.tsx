/** Audit log: filters (branch, entity type, operation, entity id), paging, and CSV/JSON export by the server (`exportAuditLog`, same filters). */
import { useApolloClient, useQuery } from "@apollo/client/react";
import { useState } from "react";
import { describeError } from "../apollo/errors.ts";
import { Button, Field, inputClass, Status, TextField } from "../components/ui.tsx";
import { AuditLogDocument, type ExportFormat, ExportAuditLogDocument } from "../gql/graphql.ts";
import { ENTITY_TYPES, shortId } from "../lib/entities.ts";
import { useWorkspace } from "./context.ts";

const OPERATIONS = ["CREATE", "UPDATE", "DELETE", "RESTORE", "ARCHIVE", "FORK", "MERGE", "CHERRY_PICK", "RESOLVE", "TIME_ADVANCE"];
const PAGE = 50;

/** Save text as a file through the browser's download. */
export function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "audit-log-ember-road-2026-01-31.csv" */
export function exportName(campaign: string, format: ExportFormat, today = new Date()): string {
  const slug = campaign.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "campaign";
  return `audit-log-${slug}-${today.toISOString().slice(0, 10)}.${format.toLowerCase()}`;
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
  const filters = {
    campaignId: ws.campaign.id,
    branchId: branchId || null,
    entityType: entityType || null,
    operation: operation || null,
    entityId: entityId.trim() || null,
  };
  const variables = { ...filters, limit, offset: 0 };
  const { data, loading, error } = useQuery(AuditLogDocument, { variables });
  const client = useApolloClient();
  const [exporting, setExporting] = useState<ExportFormat | null>(null);
  const [exported, setExported] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const rows = data?.auditLog ?? [];
  const branchName = (id: string | null | undefined) => ws.branches.find((b) => b.id === id)?.name ?? shortId(id);

  const onExport = async (format: ExportFormat) => {
    setExporting(format);
    setExported(null);
    try {
      const result = await client.query({ query: ExportAuditLogDocument, variables: { ...filters, format }, fetchPolicy: "no-cache" });
      const text = result.data?.exportAuditLog ?? "";
      const name = exportName(ws.campaign.name, format);
      download(name, format === "CSV" ? "text/csv" : "application/json", text);
      setExported({ kind: "success", text: `Exported ${name} (the server exports up to 1000 entries that match the filters).` });
    } catch (err) {
      setExported({ kind: "error", text: describeError(err).message });
    } finally {
      setExporting(null);
    }
  };

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
        <div role="group" aria-label="Export the filtered log" className="flex gap-2">
          <Button onClick={() => void onExport("CSV")} disabled={exporting !== null}>{exporting === "CSV" ? "Exporting…" : "Export CSV"}</Button>
          <Button onClick={() => void onExport("JSON")} disabled={exporting !== null}>{exporting === "JSON" ? "Exporting…" : "Export JSON"}</Button>
        </div>
      </form>
      {exported && <Status kind={exported.kind} testId="audit-export-status">{exported.text}</Status>}
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
