/**
 * Kingdom manager: each kingdom (with its level) and its settlements, and the settlements without a
 * kingdom; game masters set a kingdom's level and assign a settlement to a kingdom (or to none).
 */
import { useMutation, useQuery } from "@apollo/client/react";
import { describeError } from "../../apollo/errors.ts";
import { inputClass, Panel, Status } from "../../components/ui.tsx";
import { type ManagedKingdomsQuery, ManagedKingdomsDocument, UpdateKingdomDocument, UpdateSettlementDocument } from "../../gql/graphql.ts";
import { scope, useWorkspace } from "../context.ts";
import { byName, groupUnder } from "./grouping.ts";
import { EntityButton, LevelEditor, useWriter, WriteError } from "./shared.tsx";

type Kingdom = ManagedKingdomsQuery["kingdoms"][number];
type Settlement = ManagedKingdomsQuery["settlements"][number];

export function KingdomsPane() {
  const ws = useWorkspace();
  const canWrite = ws.isGm && ws.asOf === null;
  const { data, loading, error, refetch } = useQuery(ManagedKingdomsDocument, { variables: scope(ws) });
  const writer = useWriter(refetch);
  const kingdoms = [...(data?.kingdoms ?? [])].sort(byName);
  const groups = groupUnder(data?.settlements ?? [], (s) => s.kingdomId, kingdoms);
  const [updateSettlement] = useMutation(UpdateSettlementDocument);
  const [updateKingdom] = useMutation(UpdateKingdomDocument);

  const assign = (settlement: Settlement, kingdomId: string) => {
    const kingdom = kingdoms.find((k) => k.id === kingdomId) ?? null;
    return writer.run(
      () => updateSettlement({ variables: { id: settlement.id, branchId: ws.branch.id, input: { kingdomId: kingdom?.id ?? null, expectedVersion: settlement.version } } }),
      kingdom ? `${settlement.name ?? "Settlement"} now belongs to ${kingdom.name ?? "the kingdom"}.` : `${settlement.name ?? "Settlement"} belongs to no kingdom.`,
    );
  };
  const setLevel = (kingdom: Kingdom, level: number) =>
    writer.run(() => updateKingdom({ variables: { id: kingdom.id, branchId: ws.branch.id, input: { level, expectedVersion: kingdom.version } } }), `${kingdom.name ?? "Kingdom"} level set.`);

  const settlementList = (settlements: readonly Settlement[], label: string) => (
    <ul className="flex flex-col gap-1" aria-label={label}>
      {settlements.map((s) => (
        <li key={s.id} className="flex flex-wrap items-center gap-2" data-testid="kingdom-settlement">
          <EntityButton type="SETTLEMENT" id={s.id} name={s.name} />
          <span className="text-xs text-slate-500">
            level {s.level ?? "—"}, population {s.population ?? "—"}
          </span>
          <span className="flex-1" />
          {canWrite && (
            <span className="w-40">
              <select
                className={`${inputClass} py-0.5 text-xs`}
                aria-label={`Kingdom of ${s.name ?? "settlement"}`}
                value={s.kingdomId && kingdoms.some((k) => k.id === s.kingdomId) ? s.kingdomId : ""}
                disabled={writer.busy}
                onChange={(e) => void assign(s, e.target.value)}
              >
                <option value="">No kingdom</option>
                {kingdoms.map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.name ?? k.id}
                  </option>
                ))}
              </select>
            </span>
          )}
        </li>
      ))}
      {settlements.length === 0 && <li className="text-xs text-slate-500">No settlements.</li>}
    </ul>
  );

  return (
    <Panel title="Kingdoms and settlements" className="flex flex-col">
      <div className="flex flex-col gap-3 text-sm" data-testid="kingdom-manager">
        {loading && !data && <Status>Loading kingdoms…</Status>}
        {error && <Status kind="error">{describeError(error).message}</Status>}
        <WriteError error={writer.error} />
        {data && kingdoms.length === 0 && <p className="text-slate-500">No kingdoms yet: create one in Entities.</p>}
        {kingdoms.map((k) => {
          const name = k.name ?? "(unnamed)";
          return (
            <section key={k.id} aria-label={`Kingdom ${name}`} className="flex flex-col gap-2 rounded border border-slate-800 p-2" data-testid="kingdom-card">
              <div className="flex flex-wrap items-center gap-2">
                <EntityButton type="KINGDOM" id={k.id} name={k.name} />
                <span className="flex-1" />
                <LevelEditor key={k.version} type="KINGDOM" name={name} level={k.level} canWrite={canWrite} onSave={(level) => setLevel(k, level)} />
              </div>
              {settlementList(groups.get(k.id) ?? [], `Settlements of ${name}`)}
            </section>
          );
        })}
        {(groups.get(null)?.length ?? 0) > 0 && (
          <section aria-label="Settlements without a kingdom" className="flex flex-col gap-1" data-testid="unassigned-settlements">
            <h3 className="text-xs font-semibold text-slate-400">Without a kingdom</h3>
            {settlementList(groups.get(null)!, "Settlements without a kingdom")}
          </section>
        )}
      </div>
    </Panel>
  );
}
